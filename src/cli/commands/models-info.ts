import { RecutError } from '../../shared/errors';
import type { Command } from '../command';
import { withStore } from '../engine-session';

const NAMES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

export const backendsCommand: Command = {
  name: 'backends',
  summary: 'List the compute backends (available or why not, measured step time); --device remembers a choice',
  usage: 'recut backends [--device auto|tensorflow|webgpu|wasm|cpu] [--no-measure] [--json]',
  options: { device: { type: 'string' }, 'no-measure': { type: 'boolean' } },
  positionals: [0, 0],
  run: (args, io) =>
    withStore(async ({ db }) => {
      const { listBackends } = await import('../../engine/models/backends');
      const { measureStepTime } = await import('../../engine/models/backends/step-time');
      const { SettingsStore } = await import('../../engine/store/settings');
      const settings = new SettingsStore(db);
      const device = args.values.device as string | undefined;
      const list = await listBackends();
      if (device !== undefined) {
        if (!(NAMES as readonly string[]).includes(device)) throw new RecutError('invalid_argument', `--device must be one of ${NAMES.join(', ')}`);
        const b = list.find((x) => x.name === device);
        if (device !== 'auto' && !b?.available) throw new RecutError('invalid_argument', `the ${device} backend is not available here: ${b?.reason ?? 'unknown'}`);
        settings.update({ backend: device as (typeof NAMES)[number] });
      }
      const backends = [];
      for (const b of list) {
        let stepSeconds: number | null = null;
        let measureError: string | undefined;
        // The JavaScript cpu backend is listed but not timed by default: one step takes minutes.
        if (b.available && !args.values['no-measure'] && b.name !== 'cpu') {
          try {
            stepSeconds = (await measureStepTime(b.name)).stepSeconds;
          } catch (e) {
            measureError = (e as Error).message;
          }
        }
        backends.push({ ...b, stepSeconds, ...(measureError ? { measureError } : {}) });
        io.print(`${b.name.padEnd(10)} ${b.available ? 'available' : 'unavailable'}  ${b.device ?? b.reason ?? ''}${stepSeconds !== null ? `  step ${stepSeconds.toFixed(2)} s` : ''}`);
      }
      const chosen = settings.get().backend;
      io.print(`chosen: ${chosen}`);
      return { chosen, step: { pairs: 2, beats: 64 }, backends };
    }),
};

export const modelInfoCommand: Command = {
  name: 'model-info',
  summary: 'Describe the reward model and the policy: architecture and parameter counts',
  usage: 'recut model-info [--json]',
  options: {},
  positionals: [0, 0],
  run: async (_args, io) => {
    const arch = await import('../../engine/models/reward/architecture');
    const params = arch.countParams();
    const reward = {
      params,
      inputs: arch.REWARD_INPUTS,
      features: arch.REWARD_FEATURES,
      editColumns: arch.EDIT_COLUMNS,
      maxBeats: arch.MAX_BEATS,
      dModel: arch.D_MODEL,
      heads: arch.HEADS,
      ffDim: arch.FF_DIM,
      layers: arch.LAYERS,
      actions: arch.NUM_ACTIONS,
      actionDim: arch.ACTION_DIM,
      head: [arch.D_MODEL, ...arch.HEAD_HIDDEN, 1],
      outputScale: arch.OUTPUT_SCALE,
      architectureHash: arch.REWARD_ARCH_HASH,
    };
    io.print(`reward model: ${params.toLocaleString('en-US')} parameters (${arch.LAYERS} encoder layers, d=${arch.D_MODEL}, ${arch.HEADS} heads, ff=${arch.FF_DIM})`);
    return { rewardModel: reward, params };
  },
};
