import { RecutError } from '../../shared/errors';
import type { Command } from '../command';
import { withEngine } from '../engine-session';

const int = (v: unknown, name: string, min: number, max: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new RecutError('invalid_argument', `--${name} must be an integer from ${min} to ${max}`);
  return n;
};

export const trainRewardCommand: Command = {
  name: 'train-reward',
  summary: 'Train a new reward model on your verdicts (activated only if it beats the active one)',
  usage: 'recut train-reward [--epochs N] [--device auto|webgpu|tensorflow|wasm|cpu] [--save-interval N] [--resume] [--from-scratch] [--json]',
  options: { epochs: { type: 'string' }, device: { type: 'string' }, 'save-interval': { type: 'string' }, resume: { type: 'boolean' }, 'from-scratch': { type: 'boolean' }, seed: { type: 'string' } },
  positionals: [0, 0],
  run: (args, io) =>
    withEngine(async (engine) => {
      const { learningDeps } = await import('../../engine/learning/context');
      const { trainRewardModel } = await import('../../engine/learning/train-reward');
      const deps = learningDeps(engine);
      const { job, done } = engine.jobs.start(
        'train-reward',
        'Training the reward model',
        (ctx) =>
          trainRewardModel(
            deps,
            {
              maxEpochs: int(args.values.epochs, 'epochs', 1, 1000),
              saveInterval: int(args.values['save-interval'], 'save-interval', 1, 1_000_000),
              seed: int(args.values.seed, 'seed', 0, 2 ** 31),
              resume: args.values.resume === true,
              fromScratch: args.values['from-scratch'] === true,
              backend: (args.values.device as never) ?? 'auto',
            },
            ctx, // ctx.jobId: metrics are stored under the job's id
          ),
        { lane: 'model:reward' },
      );
      io.print(`job ${job.id}: training the reward model`);
      const r = await done;
      io.print(`${r.version?.name ?? 'no version'}: held-out accuracy ${r.heldOutAccuracy === null ? 'n/a' : (r.heldOutAccuracy * 100).toFixed(1) + ' %'}; ${r.promoted ? 'activated' : 'not activated'} (${r.reason}); ${r.steps} steps in ${r.wallSeconds.toFixed(1)} s; log ${r.logPath}`);
      return { jobId: job.id, ...r };
    }),
};
