import { RecutError } from '../../shared/errors';
import type { JobContext } from '../jobs/runner';
import { startEngineWorker } from '../workers/worker-script';
import type { PolicyTrainResult } from './train-policy';
import type { RewardTrainResult } from './train-reward';
import type { TrainingMessage, TrainingRequest } from './training-worker';

type ResultOf<R extends TrainingRequest> = R['kind'] extends 'reward' ? RewardTrainResult : PolicyTrainResult;

/**
 * Runs a training request in a worker thread as a job: its progress feeds the job's, its metrics go
 * to `onMetrics` (the dashboard's live curves), cancelling the job cancels the run.
 */
export function trainInWorker<R extends TrainingRequest>(req: R, ctx: JobContext, onMetrics: (step: number, metrics: Record<string, number>) => void): Promise<ResultOf<R>> {
  return new Promise((resolve, reject) => {
    const worker = startEngineWorker('training-worker', 'learning/training-worker.ts', req as unknown as Record<string, unknown>);
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    // Ask the run to stop at its next check; if a step takes too long, stop the thread.
    const onAbort = () => {
      worker.postMessage({ type: 'cancel' });
      setTimeout(() => finish(() => reject(new RecutError('cancelled', 'training was cancelled'))), 15_000).unref();
    };
    ctx.signal.addEventListener('abort', onAbort);
    worker.on('message', (m: TrainingMessage) => {
      if (m.type === 'progress') ctx.progress(m.fraction, m.message);
      else if (m.type === 'metrics') onMetrics(m.step, m.metrics);
      else if (m.type === 'done') finish(() => resolve(m.result as ResultOf<R>));
      else if (m.type === 'failed') finish(() => reject(RecutError.fromPayload(m.error)));
    });
    worker.once('error', (e) => finish(() => reject(new RecutError('internal', `the training worker failed: ${e.message}`))));
    worker.once('exit', (code) => finish(() => reject(new RecutError('internal', `the training worker exited (${code}) before finishing`))));
  });
}
