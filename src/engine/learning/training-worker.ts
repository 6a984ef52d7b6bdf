/**
 * Worker-thread entry for training: the reward model or the policy trains here, on its own SQLite
 * connection, so the engine's event loop (verdict saves, suggestions, the UI's calls) never waits on a
 * training step. Progress, metrics and the result go back as messages; a `cancel` message stops the
 * run at its next check (its last checkpoint stays, so it can resume).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RecutError, toErrorPayload } from '../../shared/errors';
import { ensureHome } from '../paths';
import { openDatabase } from '../store/db';
import { learningDepsFromDb } from './context';
import { trainPolicy, type PolicyTrainOptions } from './train-policy';
import { trainRewardModel, type RewardTrainOptions } from './train-reward';

export type TrainingRequest =
  | { home: string; jobId: string; kind: 'reward'; opts: RewardTrainOptions }
  | { home: string; jobId: string; kind: 'policy'; opts: PolicyTrainOptions };

export type TrainingMessage =
  | { type: 'progress'; fraction: number; message?: string }
  | { type: 'metrics'; step: number; metrics: Record<string, number> }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: ReturnType<typeof toErrorPayload> };

async function main(): Promise<void> {
  const req = workerData as TrainingRequest;
  const post = (m: TrainingMessage) => parentPort!.postMessage(m);
  let cancelled = false;
  parentPort!.on('message', (m: { type?: string }) => {
    if (m?.type === 'cancel') cancelled = true;
  });
  const layout = ensureHome(req.home);
  const db = openDatabase(layout.database);
  try {
    const deps = learningDepsFromDb(db, layout);
    const addMetrics = deps.models.addMetrics.bind(deps.models);
    deps.models.addMetrics = (jobId, kind, step, metrics, now) => {
      addMetrics(jobId, kind, step, metrics, now);
      post({ type: 'metrics', step, metrics });
    };
    const control = {
      jobId: req.jobId,
      progress: (fraction: number, message?: string) => post({ type: 'progress', fraction, message }),
      throwIfCancelled: () => {
        if (cancelled) throw new RecutError('cancelled', 'training was cancelled; it resumes from its last checkpoint');
      },
    };
    const result = req.kind === 'reward' ? await trainRewardModel(deps, req.opts, control) : await trainPolicy(deps, req.opts, control);
    post({ type: 'done', result });
  } catch (e) {
    post({ type: 'failed', error: toErrorPayload(e) });
  } finally {
    db.close();
  }
}

void main();
