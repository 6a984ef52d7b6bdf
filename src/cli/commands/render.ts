import fs from 'node:fs';
import path from 'node:path';
import { RecutError } from '../../shared/errors';
import type { Command } from '../command';
import { withStore } from '../engine-session';

const FORMATS: Record<string, 'wav' | 'flac' | 'mp3'> = { '.wav': 'wav', '.flac': 'flac', '.mp3': 'mp3' };

/** Reads a plan file; a missing file or broken JSON is the user's input error, typed as such. */
export function readPlanFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new RecutError('not_found', `cannot read the plan file ${file}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RecutError('invalid_plan', `the plan file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'Render an edit plan of a song to WAV or FLAC',
  usage: 'recut render FILE --plan PLAN.json -o OUT.wav|OUT.flac [--bit-depth 16|24] [--crossfade-ms MS] [--json]',
  options: { plan: { type: 'string' }, output: { type: 'string', short: 'o' }, 'bit-depth': { type: 'string' }, 'crossfade-ms': { type: 'string' } },
  positionals: [1, 1],
  run: (args, io) =>
    withStore(async ({ analyses }) => {
      const planPath = args.values.plan as string | undefined;
      const out = args.values.output as string | undefined;
      if (!planPath || !out) throw new RecutError('invalid_argument', `--plan and -o are required (usage: ${renderCommand.usage})`);
      const format = FORMATS[path.extname(out).toLowerCase()];
      if (!format) throw new RecutError('invalid_argument', `the output must end in .wav or .flac, got ${out}`);
      const bitDepth = Number(args.values['bit-depth'] ?? 24);
      if (bitDepth !== 16 && bitDepth !== 24) throw new RecutError('invalid_argument', '--bit-depth must be 16 or 24');
      const xf = args.values['crossfade-ms'];
      const crossfadeMs = xf === undefined ? undefined : Number(xf);
      if (crossfadeMs !== undefined && !(crossfadeMs >= 0 && crossfadeMs <= 500)) throw new RecutError('invalid_argument', '--crossfade-ms must be 0-500');
      const plan = readPlanFile(planPath);

      const { analyzeFile } = await import('../../engine/analysis/analyze-file');
      const { renderPlan } = await import('../../engine/audio/render');
      const { exportAudio } = await import('../../engine/audio/export');
      const { validatePlan, planJoins } = await import('../../shared/edit-plan');
      const file = path.resolve(args.positionals[0]);
      if (!fs.existsSync(file)) throw new RecutError('not_found', `no such file: ${args.positionals[0]}`);
      const { analysis, audio } = await analyzeFile(file, analyses, { needAudio: true });
      const checked = validatePlan(plan, analysis.beats.length);
      const t0 = performance.now();
      const rendered = renderPlan(audio!, analysis.beats, checked, crossfadeMs === undefined ? {} : { crossfadeMs });
      const renderSeconds = (performance.now() - t0) / 1000;
      const written = await exportAudio(rendered, path.resolve(out), { format, bitDepth });
      const samples = rendered.channels[0].length;
      const joins = planJoins(checked, analysis.beats, audio!.sampleRate, audio!.channels[0].length).filter((j) => !j.contiguous);
      io.print(`wrote ${written.path}: ${(samples / rendered.sampleRate).toFixed(3)} s, ${joins.length} join(s)`);
      return {
        output: written.path,
        format,
        bitDepth,
        bytes: written.bytes,
        sampleRate: rendered.sampleRate,
        channels: rendered.channels.length,
        samples,
        durationSeconds: samples / rendered.sampleRate,
        joins: joins.length,
        renderSeconds,
      };
    }),
};
