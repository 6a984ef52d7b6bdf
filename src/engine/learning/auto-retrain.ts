/**
 * Background learning in the engine process (issue #5.4): after `everyVerdicts` new verdicts since
 * the data the newest reward model saw, retrain the reward model; when a better one is activated,
 * fine-tune the policy (PPO on the new reward). Jobs go through the engine's JobRunner, one lane per
 * model, so the UI and the CLI see the same jobs with monotonic progress and can cancel them; an
 * unfinished run left by a killed engine is resumed on start.
 *
 * Wiring (src/engine/service.ts): `this.autoRetrain = startAutoRetrain(this)` at the end of
 * `Engine.start()`, `this.autoRetrain?.notify()` after `addPreference`/`importPreferences`, and
 * `this.autoRetrain?.stop()` in `close()`.
 */
import type { Engine } from '../service';
import { learningDeps, type LearningDeps } from './context';
import type { BackendPreference } from '../models/backends';
import { TrainingRun } from './run-state';
import { DEFAULT_POLICY_STEPS, type PolicyAlgorithm } from './train-policy';
import { trainInWorker } from './train-in-worker';

export interface AutoRetrainOptions {
  everyVerdicts?: number;
  policyAlgorithm?: PolicyAlgorithm;
  policySteps?: number;
  backend?: BackendPreference;
  /** fine-tune the policy after a better reward model lands (default true) */
  autoFineTune?: boolean;
  /** also check on a timer (ms); 0 = only on notify() */
  pollMs?: number;
}

export interface AutoRetrain {
  /** Call after verdicts were added: starts a retrain when enough are new. */
  notify(): void;
  /** The user's "retrain now": the reward model (then the policy if it improved), or the policy alone. */
  trainNow(kind: 'reward' | 'policy'): boolean;
  /** Resolves when the jobs started so far have settled (tests). */
  idle(): Promise<void>;
  stop(): void;
}

export const DEFAULT_RETRAIN_EVERY = 20;

/** Verdicts newer than those the newest reward version was trained on. */
export function newVerdicts(deps: LearningDeps): number {
  const newest = deps.models.list('reward')[0];
  const after = Number(newest?.dataRange.maxPreferenceId ?? 0) || 0;
  return deps.prefs.count({ afterId: after });
}

/**
 * `options` may be a function: it is read again at every decision, so a change in the settings (the
 * threshold, the backend, automatic fine-tuning) applies to the next job without an engine restart.
 */
export function startAutoRetrain(engine: Engine, options: AutoRetrainOptions | (() => AutoRetrainOptions) = {}): AutoRetrain {
  const deps = learningDeps(engine);
  const live = () => (typeof options === 'function' ? options() : options);
  const every = () => live().everyVerdicts ?? DEFAULT_RETRAIN_EVERY;
  let busy: Promise<void> | null = null;
  let stopped = false;

  // Training runs in a worker thread (train-in-worker.ts): the engine keeps answering calls meanwhile.
  const home = engine.layout.root;
  const metrics = (kind: 'reward' | 'policy', jobId: string) => (step: number, m: Record<string, number>) =>
    engine.emitTrainingMetrics(jobId, kind, step, m);
  const runPolicy = (resume: boolean) => {
    const opts = live();
    return engine.jobs.start(
      'train-policy',
      `Fine-tuning the policy (${(opts.policyAlgorithm ?? 'ppo').toUpperCase()}) after a better reward model`,
      (ctx) =>
        trainInWorker(
          { home, jobId: ctx.jobId, kind: 'policy', opts: { algorithm: opts.policyAlgorithm ?? 'ppo', totalSteps: opts.policySteps ?? DEFAULT_POLICY_STEPS[opts.policyAlgorithm ?? 'ppo'], backend: opts.backend, resume } },
          ctx,
          metrics('policy', ctx.jobId),
        ),
      { lane: 'model:policy' },
    ).done;
  };

  const cycle = async (resumeReward: boolean) => {
    await engine.analyzeSongsWithVerdicts();
    const r = await engine.jobs.start(
      'train-reward',
      `Retraining the reward model (${newVerdicts(deps)} new verdicts)`,
      (ctx) => trainInWorker({ home, jobId: ctx.jobId, kind: 'reward', opts: { backend: live().backend, resume: resumeReward } }, ctx, metrics('reward', ctx.jobId)),
      { lane: 'model:reward' },
    ).done;
    engine.modelsChanged('reward');
    if (r.promoted && !stopped && live().autoFineTune !== false) {
      await runPolicy(false);
      engine.modelsChanged('policy');
    }
  };

  const launch = (fn: () => Promise<void>) => {
    busy = fn()
      .catch(() => undefined) // the job's failure is recorded on the job itself
      .finally(() => {
        busy = null;
        notify();
      });
  };

  const notify = () => {
    const threshold = every();
    if (stopped || busy || threshold <= 0) return;
    if (newVerdicts(deps) >= threshold) launch(() => cycle(false));
  };

  const trainNow = (kind: 'reward' | 'policy') => {
    if (stopped || busy) return false;
    launch(() => (kind === 'reward' ? cycle(false) : runPolicy(false).then(() => engine.modelsChanged('policy'))));
    return true;
  };

  // A run a killed engine left behind continues first.
  if (TrainingRun.latestUnfinished(deps.layout, 'reward')) launch(() => cycle(true));
  else if (TrainingRun.latestUnfinished(deps.layout, 'policy')) launch(() => runPolicy(true).then(() => undefined));
  else notify();

  const pollMs = live().pollMs;
  const timer = pollMs ? setInterval(notify, pollMs) : null;
  timer?.unref();
  return {
    notify,
    trainNow,
    idle: async () => {
      while (busy) await busy;
    },
    stop: () => {
      stopped = true;
      if (timer) clearInterval(timer);
    },
  };
}
