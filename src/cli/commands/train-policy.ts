import path from 'node:path';
import { RecutError } from '../../shared/errors';
import type { Command } from '../command';
import { withEngine } from '../engine-session';

export const trainPolicyCommand: Command = {
  name: 'train-policy',
  summary: 'Fine-tune the suggestion policy with PPO (on the reward) or DPO/IPO (on your comparisons)',
  usage: 'recut train-policy --algorithm ppo|dpo|ipo --total-steps N [--data-dir DIR] [--reward-model vN] [--device auto|webgpu|tensorflow|wasm|cpu] [--save-interval N] [--resume] [--json]',
  options: {
    algorithm: { type: 'string' }, 'total-steps': { type: 'string' }, 'data-dir': { type: 'string' }, 'reward-model': { type: 'string' },
    device: { type: 'string' }, 'save-interval': { type: 'string' }, resume: { type: 'boolean' }, seed: { type: 'string' },
  },
  positionals: [0, 0],
  run: (args, io) =>
    withEngine(async (engine) => {
      const algorithm = args.values.algorithm as string | undefined;
      if (algorithm !== 'ppo' && algorithm !== 'dpo' && algorithm !== 'ipo') throw new RecutError('invalid_argument', '--algorithm must be ppo, dpo or ipo');
      const totalSteps = Number(args.values['total-steps']);
      if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new RecutError('invalid_argument', '--total-steps must be a positive integer');
      const saveInterval = args.values['save-interval'] === undefined ? undefined : Number(args.values['save-interval']);
      if (saveInterval !== undefined && !(Number.isInteger(saveInterval) && saveInterval >= 1)) throw new RecutError('invalid_argument', '--save-interval must be a positive integer');
      const { learningDeps } = await import('../../engine/learning/context');
      const { trainPolicy } = await import('../../engine/learning/train-policy');
      let songIds: string[] | undefined;
      const dataDir = args.values['data-dir'] as string | undefined;
      if (dataDir) {
        const r = (await engine.call('importFiles', { paths: [path.resolve(dataDir)] })) as { songs: Array<{ id: string }>; errors: unknown[] };
        songIds = r.songs.map((s) => s.id);
        if (!songIds.length) throw new RecutError('not_found', `no audio could be imported from ${dataDir}`);
        io.print(`training on ${songIds.length} song(s) from ${dataDir}`);
      }
      const deps = learningDeps(engine);
      const { job, done } = engine.jobs.start(
        'train-policy',
        `Fine-tuning the policy (${algorithm.toUpperCase()})`,
        (ctx) =>
          trainPolicy(deps, {
            algorithm, totalSteps, songIds, saveInterval, resume: args.values.resume === true,
            rewardModel: args.values['reward-model'] as string | undefined, backend: (args.values.device as never) ?? 'auto',
            seed: args.values.seed === undefined ? undefined : Number(args.values.seed),
          }, ctx),
        { lane: 'model:policy' },
      );
      io.print(`job ${job.id}: fine-tuning the policy`);
      const r = await done;
      io.print(`${r.version?.name ?? 'no version'}: ${r.reason}; KL to reference ${r.klToReference.toFixed(4)}; ${r.promoted ? 'activated' : 'not activated'}; ${r.steps} steps in ${r.wallSeconds.toFixed(1)} s; log ${r.logPath}`);
      return { jobId: job.id, ...r };
    }),
};
