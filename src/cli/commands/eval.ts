import path from 'node:path';
import { RecutError } from '../../shared/errors';
import type { Command } from '../command';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Prove the learning loop on simulated editors: reward accuracy on unseen songs, policy win rate',
  usage: 'recut eval [--editors a,b] [--home DIR] [--songs N] [--held-out N] [--verdicts N] [--algorithms ppo,dpo] [--ppo-steps N] [--dpo-steps N] [--device D] [--json]',
  options: {
    editors: { type: 'string' }, home: { type: 'string' }, songs: { type: 'string' }, 'held-out': { type: 'string' }, verdicts: { type: 'string' },
    algorithms: { type: 'string' }, 'ppo-steps': { type: 'string' }, 'dpo-steps': { type: 'string' }, device: { type: 'string' }, seed: { type: 'string' },
  },
  positionals: [0, 0],
  run: async (args, io) => {
    const { runEval } = await import('../../engine/learning/eval');
    const { DEFAULT_POLICY_STEPS } = await import('../../engine/learning/train-policy');
    const num = (k: string, d: number) => {
      const v = args.values[k];
      if (v === undefined) return d;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new RecutError('invalid_argument', `--${k} must be a non-negative integer`);
      return n;
    };
    const list = (k: string) => (args.values[k] as string | undefined)?.split(',').map((s) => s.trim()).filter(Boolean);
    const algorithms = list('algorithms') as Array<'ppo' | 'dpo' | 'ipo'> | undefined;
    if (algorithms?.some((a) => !['ppo', 'dpo', 'ipo'].includes(a))) throw new RecutError('invalid_argument', '--algorithms takes ppo, dpo, ipo');
    const steps = { ppo: num('ppo-steps', DEFAULT_POLICY_STEPS.ppo), dpo: num('dpo-steps', DEFAULT_POLICY_STEPS.dpo), ipo: num('dpo-steps', DEFAULT_POLICY_STEPS.ipo) };
    const r = await runEval({
      editors: list('editors'), home: args.values.home ? path.resolve(args.values.home as string) : undefined, songs: num('songs', 16), heldOut: num('held-out', 8),
      verdicts: num('verdicts', 200), algorithms, policySteps: steps, seed: num('seed', 1), backend: (args.values.device as never) ?? 'auto', log: (l) => io.print(l),
    });
    for (const e of r.editors) {
      io.print(`${e.editor}: reward held-out accuracy ${(e.reward.heldOutAccuracy * 100).toFixed(1)} %; ` + e.policies.map((p) => `${p.algorithm} top suggestion wins ${(p.topSuggestion.winRate * 100).toFixed(0)} % (${p.topSuggestion.meanScoreBefore.toFixed(3)} -> ${p.topSuggestion.meanScoreAfter.toFixed(3)}), policy alone ${(p.winRate * 100).toFixed(0)} % (${p.meanScoreBefore.toFixed(3)} -> ${p.meanScoreAfter.toFixed(3)})`).join(', '));
    }
    io.print(`total ${r.wallSeconds.toFixed(0)} s; homes under ${r.home}`);
    return r;
  },
};
