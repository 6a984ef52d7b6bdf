/**
 * `recut eval`: proof that the loop learns (issue #5.5). For each simulated editor, in its own fresh
 * home: synthesise songs, have the editor label the bootstrap policy's candidates on the training
 * songs (~200 verdicts, stored like a user's), train the reward model (validation split inside the
 * training songs), measure its pair accuracy on held-out songs it never saw (labelled the same way),
 * fine-tune the policy (PPO and/or DPO) on the training songs, and compare the editor's score of the
 * policy's top suggestion (greedy decode) before and after on the held-out songs, with duration
 * exactness and the KL to the reference there. Everything measured is reported, targets met or not.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecutError } from '../../shared/errors';
import type { BackendPreference } from '../models/backends';
import { DURATION_TOLERANCE_SECONDS } from '../models/dense/dense-reward';
import { PolicyModel } from '../models/policy/model';
import { loadBootstrapPolicy, suggest, type LearnedScorer } from '../models/policy/suggest';
import { loadPolicy } from '../models/policy/weights';
import { ensureHome } from '../paths';
import { AnalysisStore } from '../store/analyses';
import { openDatabase } from '../store/db';
import type { PreferenceRecord } from '../store/preferences';
import { SongStore } from '../store/songs';
import { learningDepsFromDb } from './context';
import { clonePolicy, episode, greedyPlan, meanKl } from './policy-common';
import { loadRewardModel } from './reward-checkpoint';
import { RewardScorer } from './reward-scorer';
import { PairEncoder, pairsFromPreferences } from './reward-data';
import { SIM_EDITORS, type SimEditor } from './sim/editors';
import { labelSong, targetsFor } from './sim/labeller';
import { prepareSimSongs, prepareSongFiles, simSongSpecs, type SimSong } from './sim/songs';
import { Prng } from '../audio/synth/prng';
import { evaluatePairs, trainRewardModel, type RewardTrainOptions } from './train-reward';
import { DEFAULT_POLICY_STEPS, trainPolicy, type PolicyAlgorithm } from './train-policy';

export interface EvalOptions {
  /** folder for the per-editor homes (default: a fresh temp folder) */
  home?: string;
  editors?: string[];
  /**
   * Editors written elsewhere (`recut eval --editors-module FILE`), judged alongside the built-in
   * ones; without `editors`, these are the ones evaluated.
   */
  customEditors?: readonly SimEditor[];
  songs?: number;
  /**
   * Audio files to evaluate on instead of synthesised songs (`--songs-dir`): shuffled by the seed,
   * then the last `heldOut` (default: half, at most 8) are held out. `songs` is ignored.
   */
  songFiles?: readonly string[];
  heldOut?: number;
  verdicts?: number;
  algorithms?: PolicyAlgorithm[];
  policySteps?: Readonly<Record<PolicyAlgorithm, number>>;
  seed?: number;
  backend?: BackendPreference;
  /** reward-training options other than the defaults (sweeps) */
  rewardTraining?: Pick<RewardTrainOptions, 'maxEpochs' | 'patience' | 'learningRate' | 'batchPairs'>;
  log?: (line: string) => void;
}

export const EVAL_TARGETS = { heldOutAccuracy: 0.85, winRate: 0.75 } as const;

export interface SongComparison {
  songs: Array<{ song: string; before: number; after: number; result: 'win' | 'tie' | 'loss' }>;
  winRate: number;
  ties: number;
  meanScoreBefore: number;
  meanScoreAfter: number;
}

export interface PolicyEval {
  algorithm: PolicyAlgorithm;
  version: string | null;
  /**
   * What the user is shown first: `suggest` (the policy's samples ranked by the combined reward).
   * Before = bootstrap policy with the dense reward alone (a new user); after = the fine-tuned policy
   * with the trained reward model. The fields below without this prefix are the policy alone (greedy
   * decode, no reranking), so the policy's own share of the gain is visible.
   */
  topSuggestion: SongComparison;
  /** policy alone, per held-out song: mean editor score of the greedy decode over its targets */
  songs: SongComparison['songs'];
  winRate: number;
  ties: number;
  meanScoreBefore: number;
  meanScoreAfter: number;
  /** share of held-out suggestions within 50 ms of the target */
  durationExact: number;
  maxDurationErrorSeconds: number;
  klToReferenceHeldOut: number;
  trainRewardBefore: number;
  trainRewardAfter: number;
  wallSeconds: number;
}

export interface EditorEval {
  editor: string;
  description: string;
  verdicts: number;
  trainSongs: number;
  heldOutSongs: number;
  reward: { version: string | null; validationAccuracy: number | null; heldOutAccuracy: number; heldOutPairs: number; trainPairs: number; epochs: number; wallSeconds: number };
  /** The top suggestion with the bootstrap policy still proposing and the learned reward ranking: the reward model's own share. */
  rerankOnly: SongComparison;
  policies: PolicyEval[];
  targetsMet: { heldOutAccuracy: boolean; winRate: boolean };
  wallSeconds: number;
}

export async function runEval(opts: EvalOptions = {}): Promise<{ editors: EditorEval[]; targets: typeof EVAL_TARGETS; wallSeconds: number; home: string }> {
  const t0 = performance.now();
  const custom = (opts.customEditors ?? []).map(checkedEditor);
  const known = [...SIM_EDITORS, ...custom];
  const clash = known.find((e, i) => known.findIndex((x) => x.name === e.name) !== i);
  if (clash) throw new RecutError('invalid_argument', `two editors are named "${clash.name}" (the built-in ones: ${SIM_EDITORS.map((x) => x.name).join(', ')})`);
  const names = opts.editors ?? (custom.length ? custom : SIM_EDITORS.slice(0, 4)).map((e) => e.name);
  const editors = names.map((n) => {
    const e = known.find((x) => x.name === n);
    if (!e) throw new RecutError('invalid_argument', `unknown simulated editor "${n}" (have: ${known.map((x) => x.name).join(', ')})`);
    return e;
  });
  const base = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'recut-eval-'));
  const out: EditorEval[] = [];
  for (const editor of editors) out.push(await evalEditor(editor, path.join(base, editor.name), opts));
  return { editors: out, targets: EVAL_TARGETS, wallSeconds: (performance.now() - t0) / 1000, home: base };
}

async function evalEditor(editor: SimEditor, home: string, opts: EvalOptions): Promise<EditorEval> {
  const t0 = performance.now();
  const say = opts.log ?? (() => undefined);
  const seed = opts.seed ?? 1;
  const nSongs = opts.songFiles ? opts.songFiles.length : opts.songs ?? 16;
  const nHeld = opts.heldOut ?? (opts.songFiles ? Math.min(8, Math.floor(nSongs / 2)) : 8);
  if (nSongs - nHeld < 2 || nHeld < 1) throw new RecutError('invalid_argument', `eval needs at least 2 training songs and 1 held-out song (${nSongs} songs, ${nHeld} held out)`);
  const layout = ensureHome(home);
  const db = openDatabase(layout.database);
  try {
    const deps = learningDepsFromDb(db, layout);
    const songs = opts.songFiles
      ? await prepareSongFiles(filesInSeedOrder(opts.songFiles, seed), new SongStore(db), new AnalysisStore(db))
      : await prepareSimSongs(simSongSpecs(nSongs, seed), path.join(home, 'songs'), new SongStore(db), new AnalysisStore(db));
    if (new Set(songs.map((s) => s.songId)).size !== songs.length) throw new RecutError('invalid_argument', 'the same audio appears twice among the songs: a held-out song would also be a training song');
    const train = songs.slice(0, nSongs - nHeld);
    const held = songs.slice(nSongs - nHeld);
    const boot = loadBootstrapPolicy();
    const perSong = Math.ceil((opts.verdicts ?? 200) / train.length);
    for (const s of train) deps.prefs.addAll(await labelSong(s.songId, s.analysis, editor, { verdicts: perSong, seed: seed * 31 + 1, policy: boot, policyVersion: 'bootstrap' }));
    const verdicts = deps.prefs.count();
    say(`${editor.name}: ${verdicts} verdicts on ${train.length} songs; training the reward model`);

    const rw = await trainRewardModel(deps, { ...opts.rewardTraining, seed, songIds: train.map((s) => s.songId), backend: opts.backend, fromScratch: true });
    const heldOutAccuracy = await heldOutPairAccuracy(editor, held, rw.version!.checkpoint, seed, boot);
    say(`${editor.name}: ${rw.version?.name} held-out accuracy ${(heldOutAccuracy.accuracy * 100).toFixed(1)} % (${heldOutAccuracy.pairs} pairs), ${rw.wallSeconds.toFixed(0)} s`);

    const policies: PolicyEval[] = [];
    const scorer = rw.version ? RewardScorer.fromVersion(rw.version) : undefined;
    // A new user's top suggestions (bootstrap, dense reward): the "before" of every comparison below.
    const before = await topSuggestionScores(editor, held, boot, undefined, seed);
    const againstBefore = (after: number[]) => comparison(held.map((s, i) => ({ song: s.name, before: before[i], after: after[i] })));
    const rerankOnly = againstBefore(await topSuggestionScores(editor, held, boot, scorer, seed));
    say(`${editor.name}: the learned reward ranking the bootstrap's candidates wins on ${(rerankOnly.winRate * 100).toFixed(0)} % of ${held.length} held-out songs (${rerankOnly.meanScoreBefore.toFixed(3)} -> ${rerankOnly.meanScoreAfter.toFixed(3)})`);
    const steps = opts.policySteps ?? DEFAULT_POLICY_STEPS;
    for (const algorithm of opts.algorithms ?? (['ppo', 'dpo'] as PolicyAlgorithm[])) {
      const tp = performance.now();
      const r = await trainPolicy(deps, { algorithm, totalSteps: steps[algorithm], songIds: train.map((s) => s.songId), seed, backend: opts.backend, fromBootstrap: true });
      const tuned = new PolicyModel(loadPolicy(r.version!.checkpoint).weights);
      const topSuggestion = againstBefore(await topSuggestionScores(editor, held, tuned, scorer, seed));
      policies.push({ ...compareOnHeldOut(editor, held, boot, tuned), topSuggestion, algorithm, version: r.version?.name ?? null, trainRewardBefore: r.rewardBefore, trainRewardAfter: r.rewardAfter, wallSeconds: (performance.now() - tp) / 1000 });
      tuned.dispose();
      const p = policies[policies.length - 1];
      say(`${editor.name}: ${algorithm} top suggestion wins on ${(p.topSuggestion.winRate * 100).toFixed(0)} % of ${held.length} held-out songs (score ${p.topSuggestion.meanScoreBefore.toFixed(3)} -> ${p.topSuggestion.meanScoreAfter.toFixed(3)}); policy alone ${(p.winRate * 100).toFixed(0)} % (${p.meanScoreBefore.toFixed(3)} -> ${p.meanScoreAfter.toFixed(3)}), KL ${p.klToReferenceHeldOut.toFixed(4)}`);
    }
    scorer?.dispose();
    return {
      editor: editor.name, description: editor.description, verdicts, trainSongs: train.length, heldOutSongs: held.length,
      reward: { version: rw.version?.name ?? null, validationAccuracy: rw.heldOutAccuracy, heldOutAccuracy: heldOutAccuracy.accuracy, heldOutPairs: heldOutAccuracy.pairs, trainPairs: rw.trainPairs, epochs: rw.epochs, wallSeconds: rw.wallSeconds },
      rerankOnly,
      policies,
      targetsMet: { heldOutAccuracy: heldOutAccuracy.accuracy >= EVAL_TARGETS.heldOutAccuracy, winRate: policies.some((p) => p.topSuggestion.winRate >= EVAL_TARGETS.winRate) },
      wallSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    db.close();
  }
}

/** The editor labels the held-out songs the same way; the reward model's accuracy on those pairs. */
async function heldOutPairAccuracy(editor: SimEditor, held: SimSong[], checkpoint: string, seed: number, policy: PolicyModel | null): Promise<{ accuracy: number; pairs: number }> {
  const records: PreferenceRecord[] = [];
  for (const s of held) {
    // Judged without the verdict noise the training labels carry: the accuracy measures the taste the
    // model learned, not coin flips between two edits the editor likes equally (those are ties here).
    const prefs = await labelSong(s.songId, s.analysis, editor, { verdicts: 40, seed: seed * 31 + 2, policy, singleShare: 0, noise: 0 });
    for (const p of prefs) {
      if (p.kind !== 'pair') continue;
      records.push({ id: records.length + 1, uid: '', songId: s.songId, kind: 'pair', planA: p.planA, planB: p.planB, choice: p.choice, verdict: null, strength: p.strength ?? 1, targetSeconds: p.targetSeconds ?? null, policyVersion: null, rewardVersion: null, seed: null, source: 'test', createdAt: '', deletedAt: null });
    }
  }
  const enc = new PairEncoder((id) => held.find((s) => s.songId === id)!.analysis);
  const pairs = enc.encode(pairsFromPreferences(records));
  const { model } = loadRewardModel(checkpoint);
  try {
    const r = await evaluatePairs(model, pairs);
    return { accuracy: r.accuracy, pairs: pairs.filter((p) => p.target !== 0.5).length };
  } finally {
    model.dispose();
  }
}

/**
 * Per held-out song, the editor's mean score over its targets of the first suggestion `suggest` shows
 * with this policy and reward model (none: the dense reward alone), the same seeds for every call.
 */
export async function topSuggestionScores(editor: SimEditor, held: SimSong[], policy: PolicyModel | null, reward: LearnedScorer | undefined, seed: number): Promise<number[]> {
  const scores: number[] = [];
  for (const s of held) {
    const targets = targetsFor(s.analysis);
    let score = 0;
    for (const [i, t] of targets.entries()) {
      const [top] = await suggest(s.analysis, { targetSeconds: t, count: TOP_SUGGESTION_COUNT, seed: seed * 97 + i, policy, rewardModel: reward });
      score += editor.score(top.plan, s.analysis) / targets.length;
    }
    scores.push(score);
  }
  return scores;
}

/** Candidates per request in the top-suggestion comparison (what the editor view asks for). */
export const TOP_SUGGESTION_COUNT = 6;

function comparison(results: Array<{ song: string; before: number; after: number }>): SongComparison {
  const songs = results.map((r) => ({ ...r, result: (r.after > r.before + 1e-9 ? 'win' : r.after < r.before - 1e-9 ? 'loss' : 'tie') as 'win' | 'tie' | 'loss' }));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    songs, winRate: songs.filter((s) => s.result === 'win').length / Math.max(1, songs.length), ties: songs.filter((s) => s.result === 'tie').length,
    meanScoreBefore: mean(songs.map((s) => s.before)), meanScoreAfter: mean(songs.map((s) => s.after)),
  };
}

export function compareOnHeldOut(editor: SimEditor, held: SimSong[], boot: PolicyModel | null, tuned: PolicyModel): Omit<PolicyEval, 'algorithm' | 'version' | 'topSuggestion' | 'trainRewardBefore' | 'trainRewardAfter' | 'wallSeconds'> {
  const ref = boot ? clonePolicy(boot) : tuned;
  const songs: Array<{ song: string; before: number; after: number }> = [];
  let exact = 0;
  let n = 0;
  let maxErr = 0;
  const inputs = [];
  for (const s of held) {
    let before = 0;
    let after = 0;
    const targets = targetsFor(s.analysis);
    for (const t of targets) {
      const ep = episode(s.songId, s.analysis, t);
      inputs.push(ep.inputs);
      const b = greedyPlan(ref, ep);
      const a = greedyPlan(tuned, ep);
      before += editor.score(b.plan, s.analysis) / targets.length;
      after += editor.score(a.plan, s.analysis) / targets.length;
      const err = Math.abs(a.durationSeconds - t);
      maxErr = Math.max(maxErr, err);
      if (err <= DURATION_TOLERANCE_SECONDS) exact++;
      n++;
    }
    songs.push({ song: s.name, before, after });
  }
  const kl = meanKl(tuned, ref, inputs);
  if (ref !== tuned) ref.dispose();
  return {
    ...comparison(songs),
    durationExact: exact / n, maxDurationErrorSeconds: maxErr, klToReferenceHeldOut: kl,
  };
}

/** The files in an order fixed by the seed, so which songs are held out does not follow their names. */
const filesInSeedOrder = (files: readonly string[], seed: number) => new Prng(seed * 7919 + 17).permutation(files.length).map((i) => files[i]);

/**
 * An editor from outside (a module the user wrote) checked for shape, and its scores checked as it
 * judges: a score that is not a number in [0, 1] stops the evaluation with the editor named, rather
 * than turning into verdicts no one meant.
 */
export function checkedEditor(e: SimEditor): SimEditor {
  if (!e || typeof e !== 'object' || typeof e.name !== 'string' || !/^[\w-][\w.-]{0,63}$/.test(e.name) || typeof e.score !== 'function') {
    throw new RecutError('invalid_argument', 'an editor needs a name (letters, digits, "-", "_" and, not first, "."; at most 64: it names a folder) and a score(plan, analysis) function');
  }
  const score = e.score.bind(e);
  return {
    name: e.name,
    description: typeof e.description === 'string' ? e.description : '',
    score(plan, analysis) {
      let v: unknown;
      try {
        v = score(plan, analysis);
      } catch (err) {
        throw new RecutError('invalid_argument', `editor "${e.name}" failed to score a plan: ${(err as Error)?.message ?? String(err)}`);
      }
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RecutError('invalid_argument', `editor "${e.name}" scored a plan ${String(v)}; scores must be numbers in [0, 1]`);
      return v;
    },
  };
}
