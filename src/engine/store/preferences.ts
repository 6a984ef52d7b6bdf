import { randomUUID } from 'node:crypto';
import type { EditPlan } from '../../shared/edit-plan';
import type { Db } from './db';

export type Choice = 'a' | 'b' | 'tie';
export type Verdict = 'accept' | 'reject';
export type PreferenceSource = 'ui' | 'import' | 'cli' | 'test';

interface Provenance {
  strength?: 1 | 2 | 3;
  targetSeconds?: number | null;
  policyVersion?: string | null;
  rewardVersion?: string | null;
  seed?: number | null;
  source?: PreferenceSource;
  uid?: string;
  createdAt?: string;
}

export type NewPreference =
  | ({ kind: 'pair'; songId: string; planA: EditPlan; planB: EditPlan; choice: Choice } & Provenance)
  | ({ kind: 'single'; songId: string; plan: EditPlan; verdict: Verdict } & Provenance);

export interface PreferenceRecord {
  id: number;
  uid: string;
  songId: string;
  kind: 'pair' | 'single';
  planA: EditPlan;
  planB: EditPlan | null;
  choice: Choice | null;
  verdict: Verdict | null;
  strength: 1 | 2 | 3;
  targetSeconds: number | null;
  policyVersion: string | null;
  rewardVersion: string | null;
  seed: number | null;
  source: PreferenceSource;
  createdAt: string;
  deletedAt: string | null;
}

interface Row {
  id: number;
  uid: string;
  song_id: string;
  kind: 'pair' | 'single';
  plan_a: string;
  plan_b: string | null;
  choice: Choice | null;
  verdict: Verdict | null;
  strength: 1 | 2 | 3;
  target_seconds: number | null;
  policy_version: string | null;
  reward_version: string | null;
  seed: number | null;
  source: PreferenceSource;
  created_at: string;
  deleted_at: string | null;
}

const toRecord = (r: Row): PreferenceRecord => ({
  id: r.id,
  uid: r.uid,
  songId: r.song_id,
  kind: r.kind,
  planA: JSON.parse(r.plan_a),
  planB: r.plan_b === null ? null : JSON.parse(r.plan_b),
  choice: r.choice,
  verdict: r.verdict,
  strength: r.strength,
  targetSeconds: r.target_seconds,
  policyVersion: r.policy_version,
  rewardVersion: r.reward_version,
  seed: r.seed,
  source: r.source,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
});

/**
 * The user's verdicts. `add` returns only after SQLite has committed with `synchronous=FULL` (set on
 * the connection), so a verdict the UI shows as saved survives a crash, a kill or a power cut.
 */
export class PreferenceStore {
  constructor(private readonly db: Db) {}

  add(p: NewPreference): PreferenceRecord {
    const info = this.db
      .prepare(
        `INSERT INTO preferences (uid, song_id, kind, plan_a, plan_b, choice, verdict, strength, target_seconds,
           policy_version, reward_version, seed, source, created_at)
         VALUES (@uid, @songId, @kind, @planA, @planB, @choice, @verdict, @strength, @targetSeconds,
           @policyVersion, @rewardVersion, @seed, @source, @createdAt)`,
      )
      .run({
        uid: p.uid ?? randomUUID(),
        songId: p.songId,
        kind: p.kind,
        planA: JSON.stringify(p.kind === 'pair' ? p.planA : p.plan),
        planB: p.kind === 'pair' ? JSON.stringify(p.planB) : null,
        choice: p.kind === 'pair' ? p.choice : null,
        verdict: p.kind === 'single' ? p.verdict : null,
        strength: p.strength ?? 1,
        targetSeconds: p.targetSeconds ?? null,
        policyVersion: p.policyVersion ?? null,
        rewardVersion: p.rewardVersion ?? null,
        seed: p.seed ?? null,
        source: p.source ?? 'ui',
        createdAt: p.createdAt ?? new Date().toISOString(),
      });
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** Adds many in one transaction: all or nothing (imports never half-land). */
  addAll(prefs: NewPreference[]): PreferenceRecord[] {
    return this.db.transaction(() => prefs.map((p) => this.add(p)))();
  }

  get(id: number): PreferenceRecord | null {
    const r = this.db.prepare('SELECT * FROM preferences WHERE id = ?').get(id) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  hasUid(uid: string): boolean {
    return this.db.prepare('SELECT 1 FROM preferences WHERE uid = ?').get(uid) !== undefined;
  }

  /** Undo: the verdict leaves training but stays in the audit trail. Returns false if already undone. */
  undo(id: number, now = new Date().toISOString()): boolean {
    return this.db.prepare('UPDATE preferences SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, id).changes > 0;
  }

  /** Live verdicts (not undone), oldest first; optionally one song's or those after an id. */
  list(opts: { songId?: string; afterId?: number; includeDeleted?: boolean } = {}): PreferenceRecord[] {
    const where = ['id > @afterId'];
    if (!opts.includeDeleted) where.push('deleted_at IS NULL');
    if (opts.songId) where.push('song_id = @songId');
    const rows = this.db
      .prepare(`SELECT * FROM preferences WHERE ${where.join(' AND ')} ORDER BY id`)
      .all({ afterId: opts.afterId ?? 0, songId: opts.songId ?? null }) as Row[];
    return rows.map(toRecord);
  }

  count(opts: { afterId?: number } = {}): number {
    return (this.db.prepare('SELECT count(*) AS n FROM preferences WHERE deleted_at IS NULL AND id > ?').get(opts.afterId ?? 0) as { n: number }).n;
  }
}
