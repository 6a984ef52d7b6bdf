/**
 * Reward-model training on the user's verdicts (issue #5.2): Bradley-Terry with ties and strength
 * (models/reward/train.ts does the step), single verdicts paired accepted-vs-rejected, validation split
 * by song, early stopping on the validation loss, the best epoch kept. A new model (not one resumed or
 * continued from the active version) starts one attention head on the joins of its training
 * candidates (models/reward/join-attention.ts). Resumable: the model, the AdamW
 * moments and the run state are checkpointed every `saveInterval` steps and at each epoch end.
 * The result is a new numbered version (parent, data range, backend, metrics incl. held-out accuracy);
 * it is activated only if its held-out accuracy on this run's validation songs beats the active
 * version's accuracy on the same pairs.
 */
import path from 'node:path';
import fs from 'node:fs';
import { RecutError } from '../../shared/errors';
import { Prng, deriveSeed } from '../audio/synth/prng';
import { selectBackend, type BackendPreference } from '../models/backends';
import { denseReward } from '../models/dense/dense-reward';
import { fitNormalization } from '../models/reward/inputs';
import { startHeadOnJoins, JOIN_HEAD } from '../models/reward/join-attention';
import { RewardModel } from '../models/reward/model';
import { RewardTrainer, type PreferencePair } from '../models/reward/train';
import type { ModelVersion } from '../store/models';
import { TrainingLog, type LearningDeps, type TrainingControl } from './context';
import { fileSha256, loadRewardModel, loadTrainerState, saveRewardModel, saveTrainerState } from './reward-checkpoint';
import { PairEncoder, pairsFromPreferences, validationSongs, type PlanPair } from './reward-data';
import { TrainingRun } from './run-state';

export interface RewardTrainOptions {
  seed?: number;
  maxEpochs?: number;
  /** pairs per step */
  batchPairs?: number;
  learningRate?: number;
  /** epochs without a better validation loss before stopping */
  patience?: number;
  /** checkpoint every N steps (and at every epoch end) */
  saveInterval?: number;
  resume?: boolean;
  backend?: BackendPreference;
  validationShare?: number;
  /** start from random weights even when a reward model is active */
  fromScratch?: boolean;
  /** stop after this many steps in this call (tests of resume) */
  stopAfterSteps?: number;
  /** only the songs given (eval keeps its held-out songs out of training entirely) */
  songIds?: string[];
}

export interface RewardTrainResult {
  version: ModelVersion | null;
  promoted: boolean;
  reason: string;
  heldOutAccuracy: number | null;
  activeAccuracy: number | null;
  trainPairs: number;
  validationPairs: number;
  steps: number;
  epochs: number;
  wallSeconds: number;
  logPath: string;
  runId: string;
  stopped: boolean;
}

interface RunData {
  seed: number;
  maxPreferenceId: number;
  songIds: string[];
  valSongs: string[];
  step: number;
  epoch: number;
  batchInEpoch: number;
  bestValLoss: number | null;
  bestAccuracy: number | null;
  bestEpoch: number;
  badEpochs: number;
  parentId: number | null;
  history: Array<{ epoch: number; step: number; trainLoss: number; valLoss: number; valAccuracy: number }>;
}

/**
 * The rate at a step: linear warm-up over the first epoch, then cosine decay to a tenth of the base
 * rate at the last planned step. A few hundred verdicts make a noisy gradient; the decay lets the
 * late epochs settle instead of jumping between minima, so the epoch early stopping keeps is a good one.
 * A function of the step alone, so a resumed run continues on the same schedule.
 */
export function learningRateAt(base: number, step: number, warmupSteps: number, totalSteps: number): number {
  const warm = Math.min(1, (step + 1) / Math.max(1, warmupSteps));
  const progress = Math.min(1, step / Math.max(1, totalSteps));
  return base * warm * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

export const REWARD_DEFAULTS = { maxEpochs: 12, batchPairs: 8, learningRate: 3e-4, patience: 4, saveInterval: 20, validationShare: 0.2 } as const;

export async function trainRewardModel(deps: LearningDeps, opts: RewardTrainOptions = {}, control: TrainingControl = {}): Promise<RewardTrainResult> {
  const t0 = performance.now();
  const o = { ...REWARD_DEFAULTS, ...opts };
  const seed = opts.seed ?? 1;
  const backend = await selectBackend(opts.backend ?? 'auto');
  const active = deps.models.active('reward');

  let run = opts.resume ? TrainingRun.latestUnfinished<RunData>(deps.layout, 'reward') : null;
  const resumed = run !== null;
  const only = run ? run.state.data.songIds : opts.songIds;
  const prefs = deps.prefs.list().filter((p) => (run ? p.id <= run.state.data.maxPreferenceId : true) && (!only || only.includes(p.songId)));
  const pairs = pairsFromPreferences(prefs);
  if (pairs.length < 4) throw new RecutError('invalid_argument', `reward training needs at least 4 comparisons; there are ${pairs.length} (give more verdicts first)`);
  const songIds = [...new Set(pairs.map((p) => p.songId))].sort();
  if (!run) {
    run = TrainingRun.create<RunData>(deps.layout, 'reward', {
      seed, maxPreferenceId: Math.max(...prefs.map((p) => p.id)), songIds, valSongs: [...validationSongs(songIds, o.validationShare, seed)],
      step: 0, epoch: 0, batchInEpoch: 0, bestValLoss: null, bestAccuracy: null, bestEpoch: -1, badEpochs: 0, parentId: opts.fromScratch ? null : active?.id ?? null, history: [],
    });
  }
  const d = run.state.data;
  const log = new TrainingLog(deps.layout, `train-reward-${run.state.runId}`);
  const jobId = control.jobId ?? `reward-${run.state.runId}`;
  log.line(`${resumed ? 'resuming' : 'starting'} reward training run ${run.state.runId} on ${backend.name} (${backend.device}); ${pairs.length} comparisons from ${prefs.length} verdicts on ${songIds.length} songs; validation songs: ${d.valSongs.length}`);

  const analyses = new Map<string, Awaited<ReturnType<LearningDeps['analysisOf']>>>();
  for (const id of songIds) analyses.set(id, await deps.analysisOf(id));
  const enc = new PairEncoder((id) => analyses.get(id)!);
  const isVal = (p: PlanPair) => d.valSongs.includes(p.songId);
  const train = enc.encode(pairs.filter((p) => !isVal(p)));
  const val = enc.encode(pairs.filter(isVal));
  if (enc.dropped) log.line(`dropped ${enc.dropped} comparison(s) whose plans do not fit their song's analysis`);
  if (!train.length) throw new RecutError('invalid_argument', 'no comparisons left for training after the validation split');

  const trainSongs = songIds.filter((id) => !d.valSongs.includes(id)).map((id) => ({ matrix: analyses.get(id)!.features.matrix, rows: analyses.get(id)!.features.rows }));
  let model: RewardModel;
  if (resumed && fs.existsSync(run.file('last.rck'))) model = loadRewardModel(run.file('last.rck')).model;
  else if (d.parentId !== null && active) model = loadRewardModel(active.checkpoint).model;
  else {
    model = RewardModel.create({ seed, normalization: fitNormalization(trainSongs) });
    const start = await startHeadOnJoins(model, train.flatMap((p) => [p.a, p.b]));
    log.line(start ? `attention head ${JOIN_HEAD.head} of layer ${JOIN_HEAD.layer} starts on the joins (${start.joinSides} join sides in ${start.beats} beats)` : 'no joins among the candidates: every attention head starts at random');
  }
  const trainer = new RewardTrainer(model, { learningRate: o.learningRate });
  if (resumed && fs.existsSync(run.file('last-optim.rck'))) loadTrainerState(run.file('last-optim.rck'), trainer);
  const stepsPerEpoch = Math.ceil(train.length / o.batchPairs);
  const totalSteps = stepsPerEpoch * o.maxEpochs;

  const checkpoint = async () => {
    await saveRewardModel(run!.file('last.rck'), model, { runId: run!.state.runId, step: d.step });
    await saveTrainerState(run!.file('last-optim.rck'), trainer);
    run!.save();
  };

  let stopped = false;
  let stepsThisCall = 0;
  try {
    for (; d.epoch < o.maxEpochs && d.badEpochs < o.patience; d.epoch++, d.batchInEpoch = 0) {
      const order = new Prng(deriveSeed(seed, d.epoch)).permutation(train.length);
      let lossSum = 0;
      let lossN = 0;
      for (; d.batchInEpoch < stepsPerEpoch; d.batchInEpoch++) {
        control.throwIfCancelled?.();
        if (opts.stopAfterSteps !== undefined && stepsThisCall >= opts.stopAfterSteps) {
          stopped = true;
          await checkpoint();
          log.line(`stopped after ${stepsThisCall} steps at step ${d.step} (resume with --resume)`);
          return result(null, false, 'stopped before the end', null, null);
        }
        const batch = order.slice(d.batchInEpoch * o.batchPairs, (d.batchInEpoch + 1) * o.batchPairs).map((i) => train[i]);
        trainer.options.learningRate = learningRateAt(o.learningRate, d.step, stepsPerEpoch, totalSteps);
        const r = await trainer.trainStep(batch);
        d.step++;
        stepsThisCall++;
        lossSum += r.loss;
        lossN++;
        deps.models.addMetrics(jobId, 'reward', d.step, { loss: r.loss, gradNorm: r.gradNorm });
        control.progress?.(Math.min(0.95, d.step / totalSteps), `epoch ${d.epoch + 1}, step ${d.step}: loss ${r.loss.toFixed(4)}`);
        if (d.step % o.saveInterval === 0) await checkpoint();
      }
      const trainLoss = lossN ? lossSum / lossN : NaN;
      const v = val.length ? await evaluatePairs(model, val) : { loss: trainLoss, accuracy: NaN };
      d.history.push({ epoch: d.epoch, step: d.step, trainLoss, valLoss: v.loss, valAccuracy: v.accuracy });
      deps.models.addMetrics(jobId, 'reward', d.step, { trainLoss, valLoss: v.loss, valAccuracy: v.accuracy, epoch: d.epoch + 1 });
      const better = d.bestValLoss === null || v.loss < d.bestValLoss - 1e-4;
      log.line(`epoch ${d.epoch + 1}/${o.maxEpochs}: train loss ${trainLoss.toFixed(4)}, validation loss ${v.loss.toFixed(4)}, held-out accuracy ${(v.accuracy * 100).toFixed(1)} %${better ? ' (best so far)' : ''}`);
      if (better) {
        d.bestValLoss = v.loss;
        d.bestAccuracy = Number.isFinite(v.accuracy) ? v.accuracy : null;
        d.bestEpoch = d.epoch;
        d.badEpochs = 0;
        await saveRewardModel(run.file('best.rck'), model, { runId: run.state.runId, epoch: d.epoch + 1 });
      } else d.badEpochs++;
      d.batchInEpoch = stepsPerEpoch;
      await checkpoint();
    }
  } finally {
    trainer.dispose();
    model.dispose();
  }

  // The best epoch becomes a version; compare with the active version on the same validation pairs.
  const best = loadRewardModel(run.file('best.rck')).model;
  const dir = path.join(deps.layout.models, 'reward');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `reward-${run.state.runId}.rck`);
  const heldOut = d.bestAccuracy;
  let activeAcc: number | null = null;
  if (active && val.length) {
    try {
      const prev = loadRewardModel(active.checkpoint).model;
      activeAcc = (await evaluatePairs(prev, val)).accuracy;
      prev.dispose();
    } catch (e) {
      log.line(`the active ${active.name} could not be loaded to compare (${(e as Error).message}); it will be replaced`);
    }
  }
  const denseAcc = denseAccuracy(pairs.filter(isVal));
  const metrics = {
    heldOutAccuracy: heldOut, validationLoss: d.bestValLoss, bestEpoch: d.bestEpoch + 1, epochs: d.epoch, steps: d.step, trainPairs: train.length, validationPairs: val.length,
    denseAccuracyOnSameData: denseAcc,
    activeAccuracyOnSameData: activeAcc, wallSeconds: (performance.now() - t0) / 1000, learningRate: o.learningRate, batchPairs: o.batchPairs,
  };
  await saveRewardModel(file, best, { runId: run.state.runId, metrics });
  best.dispose();
  const version = deps.models.add({
    kind: 'reward', parentId: d.parentId, algorithm: 'bradley-terry', checkpoint: file, checksum: fileSha256(file), backend: `${backend.name}: ${backend.device}`, metrics,
    dataRange: { maxPreferenceId: d.maxPreferenceId, verdicts: prefs.length, songs: d.songIds.length, validationSongs: d.valSongs },
  });
  const beats = heldOut !== null && (activeAcc === null || heldOut > activeAcc);
  const reason = !active
    ? 'first reward model'
    : heldOut === null
      ? 'no held-out songs to measure it on'
      : activeAcc === null
        ? `the active ${active.name} could not be measured`
        : `held-out accuracy ${pct(heldOut)} vs ${pct(activeAcc)} for ${active.name}`;
  const promoted = !active || beats; // the first model is activated; the combined reward still ignores it below the trust threshold
  if (promoted) deps.models.activate('reward', version.id, reason);
  log.line(`${version.name}: held-out accuracy ${heldOut === null ? 'n/a' : pct(heldOut)}; ${promoted ? 'activated' : 'kept inactive'} (${reason}); checkpoint ${file}`);
  run.finish();
  return result(deps.models.get(version.id), promoted, reason, heldOut, activeAcc);

  /** The dense reward's accuracy on the validation comparisons (ties excluded), at each verdict's target. */
  function denseAccuracy(valPairs: PlanPair[]): number | null {
    const targetOf = new Map(prefs.map((p) => [p.id, p.targetSeconds]));
    let decided = 0;
    let right = 0;
    for (const p of valPairs) {
      if (p.target === 0.5) continue;
      try {
        const a = analyses.get(p.songId)!;
        const target = targetOf.get(p.from[0]) ?? null;
        const diff = denseReward(p.a, a, target).score - denseReward(p.b, a, target).score;
        decided++;
        if (agrees(diff, p.target)) right++;
      } catch {
        // a plan that does not fit its song was dropped from training too
      }
    }
    return decided ? right / decided : null;
  }

  function result(v: ModelVersion | null, promoted: boolean, reason: string, acc: number | null, activeAccuracy: number | null): RewardTrainResult {
    return {
      version: v, promoted, reason, heldOutAccuracy: acc, activeAccuracy, trainPairs: train.length, validationPairs: val.length,
      steps: d.step, epochs: d.epoch, wallSeconds: (performance.now() - t0) / 1000, logPath: log.path, runId: run!.state.runId, stopped,
    };
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** Weighted Bradley-Terry loss and accuracy (ties excluded from accuracy) of a model on pairs. */
export async function evaluatePairs(model: RewardModel, pairs: readonly PreferencePair[]): Promise<{ loss: number; accuracy: number }> {
  const r = await model.score(pairs.flatMap((p) => [p.a, p.b]));
  let loss = 0;
  let w = 0;
  let right = 0;
  let decided = 0;
  pairs.forEach((p, i) => {
    const diff = r[2 * i] - r[2 * i + 1];
    loss += p.weight * (Math.log1p(Math.exp(-Math.abs(diff))) + Math.max(diff, 0) - p.target * diff);
    w += p.weight;
    if (p.target !== 0.5) {
      decided++;
      if (agrees(diff, p.target)) right++;
    }
  });
  return { loss: w ? loss / w : NaN, accuracy: decided ? right / decided : NaN };
}

/** Whether a score difference A - B agrees with a decided verdict (target 1: A, 0: B). */
const agrees = (diff: number, target: number) => (diff > 0 && target > 0.5) || (diff < 0 && target < 0.5);

