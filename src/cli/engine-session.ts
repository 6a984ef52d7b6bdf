import { ensureHome, recutHome } from '../engine/paths';
import type { Engine } from '../engine/service';
import type { AnalysisStore } from '../engine/store/analyses';
import type { Db } from '../engine/store/db';

/**
 * Runs one CLI command against an in-process engine on `RECUT_HOME`. One-shot commands have no UI to
 * keep responsive, so they skip the child process; `recut serve` runs the engine in a child.
 * The engine is imported lazily so `recut --help` starts fast.
 */
export async function withEngine<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  const { Engine } = await import('../engine/service');
  const engine = new Engine(recutHome(), () => undefined);
  try {
    return await fn(engine);
  } finally {
    await engine.jobs.idle();
    engine.close();
  }
}

export interface StoreSession {
  db: Db;
  analyses: AnalysisStore;
}

/** The store alone, for commands that only need caches (analyze, render). */
export async function withStore<T>(fn: (s: StoreSession) => Promise<T>): Promise<T> {
  const { openDatabase } = await import('../engine/store/db');
  const { AnalysisStore } = await import('../engine/store/analyses');
  const db = openDatabase(ensureHome(recutHome()).database);
  try {
    return await fn({ db, analyses: new AnalysisStore(db) });
  } finally {
    db.close();
  }
}
