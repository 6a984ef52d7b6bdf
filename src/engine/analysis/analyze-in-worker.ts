import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RecutError, type ErrorPayload } from '../../shared/errors';
import type { AudioInfo } from '../audio/decode';
import type { SongAnalysis } from './analyze';

type Reply =
  | { ok: true; info: AudioInfo; analysis: SongAnalysis; timings: { beatsSeconds: number; featuresSeconds: number; decodeSeconds: number } }
  | { ok: false; error: ErrorPayload };

const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * The worker script: the bundled `analysis-worker.cjs` next to the packaged engine, or the TypeScript
 * source run through tsx (CLI, `recut serve`, tests).
 */
function workerScript(): { code: string; eval: boolean; data: Record<string, string> } {
  // In the bundle this module may sit in out/main or in out/main/chunks; the worker is in out/main.
  const built = [HERE, path.dirname(HERE)].map((d) => path.join(d, 'analysis-worker.cjs')).find((f) => fs.existsSync(f));
  if (built) return { code: built, eval: false, data: {} };
  // Loader hooks do not carry into worker threads: register tsx inside the worker, then load the source.
  return {
    code: "const { workerData } = require('node:worker_threads'); import(workerData.tsxApi).then((m) => { m.register(); return import(workerData.script); });",
    eval: true,
    data: { tsxApi: import.meta.resolve('tsx/esm/api'), script: pathToFileURL(path.join(HERE, 'analysis-worker.ts')).href },
  };
}

/** Decodes and analyses a file in a worker thread; typed errors come back as RecutErrors. */
export function analyzeFileInWorker(file: string, signal?: AbortSignal): Promise<Extract<Reply, { ok: true }>> {
  const script = workerScript();
  return new Promise((resolve, reject) => {
    const worker = new Worker(script.code, { eval: script.eval, workerData: { path: file, ...script.data } });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(new RecutError('cancelled', 'the analysis was cancelled')));
    signal?.addEventListener('abort', onAbort);
    worker.once('message', (m: Reply) => finish(() => (m.ok ? resolve(m) : reject(RecutError.fromPayload(m.error)))));
    worker.once('error', (e) => finish(() => reject(new RecutError('internal', `the analysis worker failed: ${e.message}`))));
    worker.once('exit', (code) => finish(() => reject(new RecutError('internal', `the analysis worker exited (${code}) before answering`))));
  });
}
