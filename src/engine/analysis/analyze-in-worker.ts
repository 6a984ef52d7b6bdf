import { RecutError, type ErrorPayload } from '../../shared/errors';
import type { AudioInfo } from '../audio/decode';
import type { SongAnalysis } from './analyze';
import { startEngineWorker } from '../workers/worker-script';

type Reply =
  | { ok: true; info: AudioInfo; analysis: SongAnalysis; timings: { beatsSeconds: number; featuresSeconds: number; decodeSeconds: number } }
  | { ok: false; error: ErrorPayload };

/** Decodes and analyses a file in a worker thread; typed errors come back as RecutErrors. */
export function analyzeFileInWorker(file: string, signal?: AbortSignal): Promise<Extract<Reply, { ok: true }>> {
  return new Promise((resolve, reject) => {
    const worker = startEngineWorker('analysis-worker', 'analysis/analysis-worker.ts', { path: file });
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
