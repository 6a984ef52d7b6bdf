import type { JobInfo } from '../../shared/contract';
import type { Db } from './db';

interface JobRow {
  id: string;
  kind: string;
  title: string;
  state: JobInfo['state'];
  progress: number;
  message: string;
  started_at: string;
  ended_at: string | null;
  error: string | null;
  params: string;
}

const toInfo = (r: JobRow): JobInfo => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  state: r.state,
  progress: r.progress,
  message: r.message,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  error: r.error,
  songId: songIdOf(r.params),
});

function songIdOf(params: string): string | null {
  try {
    const id = (JSON.parse(params) as { songId?: unknown }).songId;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** Jobs are rows so the UI and the CLI see the same list, and a restart knows what was interrupted. */
export class JobStore {
  constructor(private readonly db: Db) {}

  insert(job: JobInfo, params: unknown = {}): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, title, state, progress, message, params, started_at, ended_at, error)
         VALUES (@id, @kind, @title, @state, @progress, @message, @params, @startedAt, @endedAt, @error)`,
      )
      .run({ ...job, params: JSON.stringify(params) });
  }

  update(job: JobInfo): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = @state, progress = @progress, message = @message, ended_at = @endedAt, error = @error
         WHERE id = @id`,
      )
      .run(job);
  }

  get(id: string): JobInfo | null {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toInfo(row) : null;
  }

  list(limit = 100): JobInfo[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit) as JobRow[]).map(toInfo);
  }

  /** Jobs left `running`/`queued` by a process that died; marked failed so nothing claims to run. */
  failInterrupted(now = new Date().toISOString()): number {
    return this.db
      .prepare(
        `UPDATE jobs SET state = 'failed', ended_at = ?, error = 'interrupted: the engine stopped while this job ran'
         WHERE state IN ('queued', 'running')`,
      )
      .run(now).changes;
  }
}
