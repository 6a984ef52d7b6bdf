/**
 * Resumable training runs: a folder per run under models/runs/<kind>/<runId> holding `state.json`
 * (written atomically after the checkpoint files it names) and the checkpoints. A run that was killed
 * leaves its last good state; `--resume` picks up the newest unfinished run of that kind. Versions
 * already registered are never touched, so a killed run leaves the previous version loadable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { writeFileAtomic } from '../fs/atomic';
import type { HomeLayout } from '../paths';

export interface RunState<T> {
  runId: string;
  kind: string;
  done: boolean;
  startedAt: string;
  updatedAt: string;
  data: T;
}

export class TrainingRun<T> {
  readonly dir: string;

  private constructor(readonly state: RunState<T>, layout: HomeLayout) {
    this.dir = path.join(layout.models, 'runs', state.kind, state.runId);
    fs.mkdirSync(this.dir, { recursive: true });
  }

  static create<T>(layout: HomeLayout, kind: string, data: T): TrainingRun<T> {
    const now = new Date().toISOString();
    const run = new TrainingRun<T>({ runId: `${now.replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`, kind, done: false, startedAt: now, updatedAt: now, data }, layout);
    run.save();
    return run;
  }

  /** The newest unfinished run of this kind whose state file reads back, or null. */
  static latestUnfinished<T>(layout: HomeLayout, kind: string): TrainingRun<T> | null {
    const root = path.join(layout.models, 'runs', kind);
    if (!fs.existsSync(root)) return null;
    for (const id of fs.readdirSync(root).sort().reverse()) {
      try {
        const s = JSON.parse(fs.readFileSync(path.join(root, id, 'state.json'), 'utf8')) as RunState<T>;
        if (s && s.kind === kind && s.runId === id && !s.done) return new TrainingRun<T>(s, layout);
      } catch {
        // a run that never wrote a state has nothing to resume
      }
    }
    return null;
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  save(): void {
    this.state.updatedAt = new Date().toISOString();
    writeFileAtomic(path.join(this.dir, 'state.json'), JSON.stringify(this.state, null, 1));
  }

  finish(): void {
    this.state.done = true;
    this.save();
  }
}
