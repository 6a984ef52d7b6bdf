import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ENGINE = path.dirname(HERE);

/**
 * Starts one of the engine's worker threads. In the packaged app each is a bundle next to
 * engine-host.cjs (`<name>.cjs`, see electron.vite.config.ts); from source (CLI, `recut serve`, tests)
 * it is the TypeScript file run through tsx. Loader hooks do not carry into worker threads, so the
 * source case registers tsx inside the worker before importing the entry.
 */
export function startEngineWorker(name: string, sourcePath: string, data: Record<string, unknown>): Worker {
  // In the bundle this module may sit in out/main or in out/main/chunks; the workers are in out/main.
  const built = [HERE, path.dirname(HERE)].map((d) => path.join(d, `${name}.cjs`)).find((f) => fs.existsSync(f));
  if (built) return new Worker(built, { workerData: data });
  const code =
    "const { workerData } = require('node:worker_threads'); import(workerData.__tsxApi).then((m) => { m.register(); return import(workerData.__script); });";
  return new Worker(code, {
    eval: true,
    workerData: { ...data, __tsxApi: import.meta.resolve('tsx/esm/api'), __script: pathToFileURL(path.join(ENGINE, sourcePath)).href },
  });
}
