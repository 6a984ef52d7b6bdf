import { RecutError } from '../../shared/errors';
import type { Command } from '../command';
import { withStore } from '../engine-session';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List, activate or roll back reward-model and policy versions',
  usage: 'recut models list | activate VERSION | rollback [reward|policy] [--json]   (VERSION: reward-v3, policy-v2)',
  options: {},
  positionals: [1, 2],
  run: (args, io) =>
    withStore(async ({ db }) => {
      const { ModelStore } = await import('../../engine/store/models');
      const models = new ModelStore(db);
      const [sub, ref] = args.positionals;
      switch (sub) {
        case 'list': {
          const versions = models.list();
          for (const v of versions) {
            const acc = typeof v.metrics.heldOutAccuracy === 'number' ? `held-out ${(v.metrics.heldOutAccuracy * 100).toFixed(1)} %` : '';
            const rew = typeof v.metrics.rewardAfter === 'number' ? `reward ${Number(v.metrics.rewardBefore).toFixed(3)} -> ${v.metrics.rewardAfter.toFixed(3)}` : '';
            io.print(`${v.active ? '*' : ' '} ${v.name.padEnd(11)} ${v.algorithm.padEnd(13)} ${v.createdAt}  ${acc || rew}`);
          }
          if (!versions.length) io.print('no trained models yet');
          return { versions };
        }
        case 'activate': {
          const m = ref ? /^(reward|policy)-v?(\d+)$/.exec(ref) : null;
          if (!m) throw new RecutError('invalid_argument', 'usage: recut models activate reward-vN|policy-vN');
          const v = models.find(m[1] as 'reward' | 'policy', m[2]);
          if (!v) throw new RecutError('not_found', `no model ${ref}`);
          const a = models.activate(v.kind, v.id, 'activated by the user (recut models activate)');
          io.print(`${a.name} is active`);
          return { active: a };
        }
        case 'rollback': {
          const kinds = ref ? [ref] : ['policy', 'reward'];
          if (kinds.some((k) => k !== 'reward' && k !== 'policy')) throw new RecutError('invalid_argument', 'usage: recut models rollback [reward|policy]');
          if (!ref) throw new RecutError('invalid_argument', 'say which model to roll back: recut models rollback reward|policy');
          const a = models.rollback(ref as 'reward' | 'policy');
          io.print(`rolled back: ${a.name} is active`);
          return { active: a };
        }
        default:
          throw new RecutError('invalid_argument', `unknown models action "${sub}" (usage: ${modelsCommand.usage})`);
      }
    }),
};
