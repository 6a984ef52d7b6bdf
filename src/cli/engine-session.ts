import { recutHome } from '../engine/paths';
import type { Engine } from '../engine/service';

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
