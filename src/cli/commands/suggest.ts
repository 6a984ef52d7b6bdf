import fs from 'node:fs';
import path from 'node:path';
import { RecutError } from '../../shared/errors';
import type { SongAnalysis } from '../../engine/analysis/analyze';
import type { Engine } from '../../engine/service';
import type { Command } from '../command';
import { withEngine } from '../engine-session';
import { readPlanFile } from './render';

/** A song given on the command line: `demo` (the demo song) or a file, analysed through the cache. */
async function songFor(engine: Engine, ref: string): Promise<{ songId: string; analysis: SongAnalysis; label: string }> {
  if (ref === 'demo') {
    const demo = (await engine.call('ensureDemoSong', {})) as { id: string; title: string };
    return { songId: demo.id, analysis: await engine.songAnalysis(demo.id), label: demo.title };
  }
  const file = path.resolve(ref);
  if (!fs.existsSync(file)) throw new RecutError('not_found', `no such file: ${ref}`);
  const { analyzeFile } = await import('../../engine/analysis/analyze-file');
  const r = await analyzeFile(file, engine.analyses);
  return { songId: r.info.contentHash, analysis: r.analysis, label: path.basename(file) };
}

const number = (v: unknown, name: string, min: number, max: number, integer = false): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) throw new RecutError('invalid_argument', `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  return n;
};

export const suggestCommand: Command = {
  name: 'suggest',
  summary: 'Propose edits of a song for a target duration, ranked by reward',
  usage: 'recut suggest FILE|demo --target SECONDS [--count N] [--seed N] [--temperature T] [--json]',
  options: { target: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, temperature: { type: 'string' } },
  positionals: [1, 1],
  run: (args, io) =>
    withEngine(async (engine) => {
      const targetSeconds = number(args.values.target, 'target', 1, 3600);
      if (targetSeconds === undefined) throw new RecutError('invalid_argument', `--target is required (usage: ${suggestCommand.usage})`);
      const count = number(args.values.count, 'count', 1, 12, true) ?? 4;
      const seed = number(args.values.seed, 'seed', 0, 2 ** 31 - 1, true) ?? 1;
      const temperature = number(args.values.temperature, 'temperature', 0.05, 5);
      const { songId, analysis, label } = await songFor(engine, args.positionals[0]);
      const { suggestForSong } = await import('../../engine/suggest-service');
      const t0 = performance.now();
      const s = await suggestForSong(songId, analysis, engine.activeModels(), { targetSeconds, count, seed, temperature });
      const seconds = (performance.now() - t0) / 1000;
      io.print(`${label}: ${s.candidates.length} suggestion(s) for ${targetSeconds} s (policy ${s.policyVersion}, reward ${s.rewardVersion ?? 'dense only'}) in ${seconds.toFixed(2)} s`);
      s.candidates.forEach((c, i) =>
        io.print(`  #${i + 1} ${c.durationSeconds.toFixed(3)} s  reward ${c.reward.combined.toFixed(3)} (${c.reward.mode})  ${c.joins.length} join(s)`),
      );
      return { songId, targetSeconds, seed, policyVersion: s.policyVersion, rewardVersion: s.rewardVersion, seconds, candidates: s.candidates };
    }),
};

export const scoreCommand: Command = {
  name: 'score',
  summary: 'Score an edit plan of a song: learned, dense and combined reward with every term',
  usage: 'recut score FILE|demo --plan PLAN.json [--target SECONDS] [--json]',
  options: { plan: { type: 'string' }, target: { type: 'string' } },
  positionals: [1, 1],
  run: (args, io) =>
    withEngine(async (engine) => {
      const planPath = args.values.plan as string | undefined;
      if (!planPath) throw new RecutError('invalid_argument', `--plan is required (usage: ${scoreCommand.usage})`);
      const target = number(args.values.target, 'target', 1, 3600) ?? null;
      const plan = readPlanFile(planPath);
      const { songId, analysis } = await songFor(engine, args.positionals[0]);
      const { validateTrimmedPlan } = await import('../../engine/models/planner/trim');
      const checked = validateTrimmedPlan(plan, analysis.beats, analysis.durationSeconds);
      const { scoreForSong } = await import('../../engine/suggest-service');
      const r = await scoreForSong(analysis, checked, target, engine.activeModels());
      io.print(`combined ${r.reward.combined.toFixed(3)} = ${r.reward.mode === 'combined' ? `learned ${r.reward.learned?.toFixed(3)} + ` : ''}dense ${r.reward.dense.toFixed(3)} (${r.reward.reason})`);
      for (const [k, t] of Object.entries(r.reward.terms)) io.print(`  ${k.padEnd(11)} ${t.value.toFixed(3)}  x${t.weight}`);
      return { songId, ...r.reward, durationSeconds: r.durationSeconds, joins: r.joins };
    }),
};
