import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RecutError } from '../../shared/errors';
import type { Command } from '../command';
import type { SimEditor } from '../../engine/learning/sim/editors';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Prove the learning loop on simulated editors: reward accuracy on unseen songs, policy win rate',
  usage: 'recut eval [--editors a,b] [--editors-module FILE] [--home DIR] [--songs N | --songs-dir DIR] [--held-out N] [--verdicts N] [--algorithms ppo,dpo|none] [--ppo-steps N] [--dpo-steps N] [--device D] [--json]',
  options: {
    editors: { type: 'string' }, 'editors-module': { type: 'string' }, 'songs-dir': { type: 'string' }, home: { type: 'string' }, songs: { type: 'string' }, 'held-out': { type: 'string' }, verdicts: { type: 'string' },
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
    const named = list('algorithms');
    const algorithms = (named?.length === 1 && named[0] === 'none' ? [] : named) as Array<'ppo' | 'dpo' | 'ipo'> | undefined;
    if (algorithms?.some((a) => !['ppo', 'dpo', 'ipo'].includes(a))) throw new RecutError('invalid_argument', '--algorithms takes ppo, dpo, ipo (or none)');
    const steps = { ppo: num('ppo-steps', DEFAULT_POLICY_STEPS.ppo), dpo: num('dpo-steps', DEFAULT_POLICY_STEPS.dpo), ipo: num('dpo-steps', DEFAULT_POLICY_STEPS.ipo) };
    const songsDir = args.values['songs-dir'] as string | undefined;
    const editorsModule = args.values['editors-module'] as string | undefined;
    const r = await runEval({
      editors: list('editors'), customEditors: editorsModule ? await loadEditorsModule(editorsModule) : undefined,
      home: args.values.home ? path.resolve(args.values.home as string) : undefined,
      songs: num('songs', 16), songFiles: songsDir ? await audioFilesIn(songsDir) : undefined, heldOut: args.values['held-out'] === undefined ? undefined : num('held-out', 8),
      verdicts: num('verdicts', 200), algorithms, policySteps: steps, seed: num('seed', 1), backend: (args.values.device as never) ?? 'auto', log: (l) => io.print(l),
    });
    for (const e of r.editors) {
      io.print(`${e.editor}: reward held-out accuracy ${(e.reward.heldOutAccuracy * 100).toFixed(1)} %; ` + e.policies.map((p) => `${p.algorithm} top suggestion wins ${(p.topSuggestion.winRate * 100).toFixed(0)} % (${p.topSuggestion.meanScoreBefore.toFixed(3)} -> ${p.topSuggestion.meanScoreAfter.toFixed(3)}), policy alone ${(p.winRate * 100).toFixed(0)} % (${p.meanScoreBefore.toFixed(3)} -> ${p.meanScoreAfter.toFixed(3)})`).join(', '));
    }
    io.print(`total ${r.wallSeconds.toFixed(0)} s; homes under ${r.home}`);
    return r;
  },
};

/** The audio files in a folder and its subfolders, picked the way `recut import DIR` picks them (eval shuffles them by its seed). */
async function audioFilesIn(dir: string): Promise<string[]> {
  let isDir: boolean;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch (e) {
    throw new RecutError('not_found', `--songs-dir: cannot read ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!isDir) throw new RecutError('invalid_argument', `--songs-dir: ${dir} is not a folder`);
  const { expandPaths } = await import('../../engine/library/import');
  const files = expandPaths([dir]);
  if (files.length < 3) throw new RecutError('invalid_argument', `--songs-dir: ${dir} has ${files.length} audio file(s); eval needs at least 2 to train on and 1 to hold out`);
  return files;
}

/**
 * Editors the user wrote: a module (.mjs, .js or .ts) whose default export or \`editors\` export is
 * an array of { name, description?, score(plan, analysis) => number in [0, 1] }. It runs as code in
 * this process, like any script the user runs; eval checks the shape and every score it returns.
 */
async function loadEditorsModule(file: string): Promise<SimEditor[]> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new RecutError('not_found', `--editors-module: ${abs} does not exist`);
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(abs).href);
  } catch (e) {
    throw new RecutError('invalid_argument', `--editors-module: could not load ${abs}: ${(e as Error).message}`);
  }
  const list = mod.editors ?? mod.default;
  if (!Array.isArray(list) || list.length === 0) throw new RecutError('invalid_argument', `--editors-module: ${abs} exports no editors (export an array as \`editors\` or as the default export)`);
  return list as SimEditor[];
}
