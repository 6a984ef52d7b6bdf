/**
 * Policy fine-tuning job (issue #5.3): PPO on the combined reward, or DPO / IPO on the stored
 * comparisons, starting from the active policy (or the bootstrap one), which is also the frozen
 * reference. Checkpoints every `saveInterval` steps: weights, Adam moments and PPO's reward statistics
 * (resume continues from the last one exactly where it was), the best step kept, metrics in SQLite, a
 * readable log, and a new version: activated when its greedy suggestions score higher than the
 * reference's on the training songs under the same reward.
 */
import path from 'node:path';
import fs from 'node:fs';
import { RecutError } from '../../shared/errors';
import type { EditPlan } from '../../shared/edit-plan';
import { Prng, deriveSeed } from '../audio/synth/prng';
import { selectBackend, type BackendPreference } from '../models/backends';
import { combinedReward, trustFromAccuracy } from '../models/dense/combined';
import { denseReward } from '../models/dense/dense-reward';
import { PolicyModel } from '../models/policy/model';
import { loadBootstrapPolicy } from '../models/policy/suggest';
import { loadPolicy, savePolicy } from '../models/policy/weights';
import type { ModelVersion } from '../store/models';
import { TrainingLog, type LearningDeps, type TrainingControl } from './context';
import { DPO_DEFAULTS, DpoTrainer, type DpoPair } from './dpo';
import { barActionsOfPlan, clonePolicy, episode, greedyPlan, loadActivePolicy, meanKl, type Episode } from './policy-common';
import { PPO_DEFAULTS, PpoTrainer, type RewardFn } from './ppo';
import { restoreOptimizerState, saveOptimizerState } from './optimizer-state';
import { fileSha256 } from './reward-checkpoint';
import { pairsFromPreferences } from './reward-data';
import { RewardScorer } from './reward-scorer';
import { TrainingRun } from './run-state';
import { targetsFor } from './sim/labeller';

export type PolicyAlgorithm = 'ppo' | 'dpo' | 'ipo';

/**
 * Fine-tuning steps when none are asked for: the background fine-tune after a better reward model
 * lands and `recut eval` use the same, so the eval measures what the app runs. PPO 30 (15 before:
 * downbeat-cutter's top suggestion won on 5 of 8 held-out songs with 15 iterations, 7 with 30; the
 * other editors the same or better, learning README).
 */
export const DEFAULT_POLICY_STEPS: Readonly<Record<PolicyAlgorithm, number>> = { ppo: 30, dpo: 60, ipo: 60 };

export interface PolicyTrainOptions {
  algorithm: PolicyAlgorithm;
  totalSteps: number;
  /** songs to train on (default: every song with verdicts) */
  songIds?: string[];
  /** reward model version ("v3", "reward-v3"); default the active one */
  rewardModel?: string;
  backend?: BackendPreference;
  saveInterval?: number;
  resume?: boolean;
  seed?: number;
  learningRate?: number;
  klCoef?: number;
  beta?: number;
  stopAfterSteps?: number;
  /** fine-tune the bootstrap policy instead of the active version */
  fromBootstrap?: boolean;
}

export interface PolicyTrainResult {
  version: ModelVersion | null;
  promoted: boolean;
  reason: string;
  algorithm: PolicyAlgorithm;
  steps: number;
  rewardBefore: number;
  rewardAfter: number;
  klToReference: number;
  wallSeconds: number;
  logPath: string;
  runId: string;
  stopped: boolean;
}

interface RunData {
  algorithm: PolicyAlgorithm;
  seed: number;
  songIds: string[];
  rewardVersionId: number | null;
  parentId: number | null;
  parentName: string;
  step: number;
  bestScore: number | null;
  bestStep: number;
  maxPreferenceId: number;
}

export async function trainPolicy(deps: LearningDeps, opts: PolicyTrainOptions, control: TrainingControl = {}): Promise<PolicyTrainResult> {
  const t0 = performance.now();
  if (!['ppo', 'dpo', 'ipo'].includes(opts.algorithm)) throw new RecutError('invalid_argument', `--algorithm must be ppo, dpo or ipo, not ${opts.algorithm}`);
  if (!Number.isInteger(opts.totalSteps) || opts.totalSteps < 1 || opts.totalSteps > 100_000) throw new RecutError('invalid_argument', `--total-steps must be an integer from 1 to 100000, got ${opts.totalSteps}`);
  const backend = await selectBackend(opts.backend ?? 'auto');
  const saveInterval = opts.saveInterval ?? 10;

  let run = opts.resume ? TrainingRun.latestUnfinished<RunData>(deps.layout, 'policy') : null;
  const resumed = run !== null;
  if (!run) {
    const prefs = deps.prefs.list();
    const songIds = opts.songIds ?? [...new Set(prefs.map((p) => p.songId))].sort();
    if (!songIds.length) throw new RecutError('invalid_argument', 'no songs to train on: give verdicts first, or pass --data-dir');
    const rv = opts.rewardModel ? deps.models.find('reward', opts.rewardModel) : deps.models.active('reward');
    if (opts.rewardModel && !rv) throw new RecutError('not_found', `no reward model ${opts.rewardModel}`);
    const start = opts.fromBootstrap ? { versionId: null, name: 'bootstrap' } : loadActivePolicy(deps.models);
    if ('policy' in start) start.policy?.dispose();
    run = TrainingRun.create<RunData>(deps.layout, 'policy', {
      algorithm: opts.algorithm, seed: opts.seed ?? 1, songIds, rewardVersionId: rv?.id ?? null, parentId: start.versionId, parentName: start.name,
      step: 0, bestScore: null, bestStep: 0, maxPreferenceId: prefs.length ? Math.max(...prefs.map((p) => p.id)) : 0,
    });
  }
  const d = run.state.data;
  const log = new TrainingLog(deps.layout, `train-policy-${run.state.runId}`);
  const jobId = control.jobId ?? `policy-${run.state.runId}`;

  // Reference (frozen) and trainee.
  const parent = d.parentId !== null ? deps.models.get(d.parentId) : null;
  const boot = parent ? null : loadBootstrapPolicy();
  const ref = parent ? new PolicyModel(loadPolicy(parent.checkpoint).weights) : boot ? clonePolicy(boot) : null;
  if (!ref) throw new RecutError('not_found', 'no policy to fine-tune: the bootstrap policy file is missing');
  const policy = resumed && fs.existsSync(run.file('last.json')) ? new PolicyModel(loadPolicy(run.file('last.json')).weights) : clonePolicy(ref);

  const rewardVersion = d.rewardVersionId !== null ? deps.models.get(d.rewardVersionId) : null;
  const scorer = rewardVersion ? RewardScorer.fromVersion(rewardVersion) : null;
  const trust = trustFromAccuracy(scorer?.heldOutAccuracy, scorer?.denseAccuracy);
  log.line(`${resumed ? 'resuming' : 'starting'} ${d.algorithm.toUpperCase()} run ${run.state.runId} from ${d.parentName} on ${backend.name} (${backend.device}); ${d.songIds.length} songs; reward: ${rewardVersion ? `${rewardVersion.name} + dense (${trust.reason})` : 'dense only (no reward model)'}`);

  const analyses = new Map<string, Awaited<ReturnType<LearningDeps['analysisOf']>>>();
  for (const id of d.songIds) analyses.set(id, await deps.analysisOf(id));
  const episodes: Episode[] = d.songIds.flatMap((id) => targetsFor(analyses.get(id)!).map((t) => episode(id, analyses.get(id)!, t)));

  const reward: RewardFn = async (ep, plans) => {
    const learned = scorer && trust.trustworthy ? await scorer.score(ep.analysis, plans) : plans.map(() => null);
    return plans.map((p, i) => combinedReward(learned[i], denseReward(p, ep.analysis, ep.targetSeconds), trust).combined);
  };
  const greedyScore = async (p: PolicyModel) => {
    let s = 0;
    for (const ep of episodes) s += (await reward(ep, [greedyPlan(p, ep).plan]))[0];
    return s / episodes.length;
  };

  const ppo = d.algorithm === 'ppo' ? new PpoTrainer(policy, ref, { ...PPO_DEFAULTS, ...(opts.learningRate ? { learningRate: opts.learningRate } : {}), ...(opts.klCoef !== undefined ? { klCoef: opts.klCoef } : {}) }) : null;
  const dpo = d.algorithm !== 'ppo' ? new DpoTrainer(policy, ref, { ...DPO_DEFAULTS, loss: d.algorithm === 'ipo' ? 'ipo' : 'dpo', ...(opts.beta ? { beta: opts.beta } : {}), ...(opts.learningRate ? { learningRate: opts.learningRate } : {}) }) : null;
  if (resumed && fs.existsSync(run.file('last-optim.json'))) {
    // Adam moments (and PPO's reward statistics) as they were at the checkpoint; fresh ones when the
    // file does not check out (the weights themselves are fine, only the step sizes restart).
    try {
      const extra = await restoreOptimizerState(run.file('last-optim.json'), (ppo ?? dpo!).optimizer, policy.trainable().map((v) => v.shape));
      if (extra.step !== d.step) throw new RecutError('invalid_checkpoint', `optimizer state is from step ${extra.step}, the weights from step ${d.step}`);
      if (ppo && extra.rewardCount !== undefined) Object.assign(ppo.stats, { n: extra.rewardCount, mean: extra.rewardMean, m2: extra.rewardM2 });
      log.line(`optimizer state restored at step ${d.step}`);
    } catch (e) {
      log.line(`optimizer state not restored (${(e as Error).message}); Adam restarts from zero moments`);
    }
  }
  let stopped = false;
  let stepsThisCall = 0;
  const checkpoint = async () => {
    savePolicy(run!.file('last.json'), policy.getWeights(), { runId: run!.state.runId, step: d.step });
    const trainer = ppo ?? dpo!;
    const stats: Record<string, number> = ppo ? { rewardCount: ppo.stats.n, rewardMean: ppo.stats.mean, rewardM2: ppo.stats.m2 } : {};
    await saveOptimizerState(run!.file('last-optim.json'), trainer.optimizer, { step: d.step, ...stats });
    run!.save();
  };
  const rewardBefore = await greedyScore(ref);
  if (d.bestScore === null) {
    d.bestScore = rewardBefore;
    savePolicy(run.file('best.json'), ref.getWeights(), { runId: run.state.runId, step: 0 });
  }
  const dpoPairs = dpo ? buildDpoPairs(deps, d, analyses) : [];
  if (dpo && !dpoPairs.length) throw new RecutError('invalid_argument', 'DPO needs stored comparisons on the training songs; there are none');

  try {
    const evalEvery = Math.max(1, Math.min(saveInterval, Math.ceil(opts.totalSteps / 5)));
    while (d.step < opts.totalSteps) {
      control.throwIfCancelled?.();
      if (opts.stopAfterSteps !== undefined && stepsThisCall >= opts.stopAfterSteps) {
        stopped = true;
        await checkpoint();
        log.line(`stopped after ${stepsThisCall} steps at step ${d.step} (resume with --resume)`);
        break;
      }
      let metrics: Record<string, number>;
      if (ppo) {
        metrics = { ...(await ppo.iteration(episodes, reward, deriveSeed(d.seed, d.step))) };
      } else {
        const batch = sampleBatch(dpoPairs, dpo!.opts.batchPairs, deriveSeed(d.seed, d.step));
        metrics = { ...dpo!.step(batch) };
      }
      d.step++;
      stepsThisCall++;
      deps.models.addMetrics(jobId, 'policy', d.step, metrics);
      control.progress?.(Math.min(0.95, d.step / opts.totalSteps), `step ${d.step}/${opts.totalSteps}`);
      if (d.step % evalEvery === 0 || d.step === opts.totalSteps) {
        const score = await greedyScore(policy);
        const kl = meanKl(policy, ref, episodes.map((e) => e.inputs));
        deps.models.addMetrics(jobId, 'policy', d.step, { greedyReward: score, klToReference: kl });
        // The greedy reward picks the step to keep when it is the user's taste (a trusted reward
        // model). DPO without one keeps its last step: its objective is the verdicts themselves, and
        // the dense reward alone would judge them by rules the user may not share.
        const keepLast = dpo !== null && !(scorer && trust.trustworthy);
        const better = keepLast ? d.step === opts.totalSteps : score > (d.bestScore ?? -Infinity) + 1e-6;
        log.line(`step ${d.step}: ${Object.entries(metrics).map(([k, v]) => `${k} ${Number(v).toFixed(4)}`).join(', ')}; greedy reward ${score.toFixed(4)}, KL to reference ${kl.toFixed(4)}${better ? (keepLast ? ' (kept: the last step)' : ' (best so far)') : ''}`);
        if (better) {
          d.bestScore = score;
          d.bestStep = d.step;
          savePolicy(run.file('best.json'), policy.getWeights(), { runId: run.state.runId, step: d.step });
        }
      }
      if (d.step % saveInterval === 0) await checkpoint();
    }
    if (stopped) return { version: null, promoted: false, reason: 'stopped before the end', algorithm: d.algorithm, steps: d.step, rewardBefore, rewardAfter: d.bestScore ?? rewardBefore, klToReference: NaN, wallSeconds: (performance.now() - t0) / 1000, logPath: log.path, runId: run.state.runId, stopped };

    const best = new PolicyModel(loadPolicy(run.file('best.json')).weights);
    const rewardAfter = await greedyScore(best);
    const kl = meanKl(best, ref, episodes.map((e) => e.inputs));
    const dir = path.join(deps.layout.models, 'policy');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `policy-${run.state.runId}.json`);
    const metrics = { rewardBefore, rewardAfter, klToReference: kl, bestStep: d.bestStep, steps: d.step, wallSeconds: (performance.now() - t0) / 1000, rewardModel: rewardVersion?.name ?? null };
    savePolicy(file, best.getWeights(), { runId: run.state.runId, algorithm: d.algorithm, parent: d.parentName });
    best.dispose();
    const version = deps.models.add({
      kind: 'policy', parentId: d.parentId, algorithm: d.algorithm, checkpoint: file, checksum: fileSha256(file), backend: `${backend.name}: ${backend.device}`, metrics,
      dataRange: { songs: d.songIds.length, songIds: d.songIds, maxPreferenceId: d.maxPreferenceId, rewardModel: rewardVersion?.name ?? null },
    });
    const promoted = rewardAfter > rewardBefore + 1e-6;
    const reason = `greedy reward ${rewardAfter.toFixed(4)} vs ${rewardBefore.toFixed(4)} for ${d.parentName}`;
    if (promoted) deps.models.activate('policy', version.id, reason);
    log.line(`${version.name}: ${reason}, KL to reference ${kl.toFixed(4)}; ${promoted ? 'activated' : 'kept inactive'}; checkpoint ${file}`);
    run.finish();
    return { version: deps.models.get(version.id), promoted, reason, algorithm: d.algorithm, steps: d.step, rewardBefore, rewardAfter, klToReference: kl, wallSeconds: (performance.now() - t0) / 1000, logPath: log.path, runId: run.state.runId, stopped };
  } finally {
    ppo?.dispose();
    dpo?.dispose();
    policy.dispose();
    ref.dispose();
    scorer?.dispose();
  }
}

function buildDpoPairs(deps: LearningDeps, d: RunData, analyses: Map<string, Awaited<ReturnType<LearningDeps['analysisOf']>>>): DpoPair[] {
  const prefs = deps.prefs.list().filter((p) => p.id <= d.maxPreferenceId && analyses.has(p.songId));
  const targetOf = new Map(prefs.map((p) => [JSON.stringify([p.songId, p.planA]), p.targetSeconds]));
  const out: DpoPair[] = [];
  for (const p of pairsFromPreferences(prefs)) {
    const analysis = analyses.get(p.songId)!;
    const target = targetOf.get(JSON.stringify([p.songId, p.a])) ?? null;
    try {
      const ep = episode(p.songId, analysis, target ?? planSeconds(p.a, analysis));
      const [w, l] = p.target >= 0.5 ? [p.a, p.b] : [p.b, p.a];
      out.push({ ep, winner: barActionsOfPlan(w, ep), loser: barActionsOfPlan(l, ep), tie: p.target === 0.5, weight: p.weight });
    } catch {
      // a plan that does not fit the song's current analysis cannot be scored by the policy
    }
  }
  return out;
}

function planSeconds(plan: EditPlan, analysis: { beats: number[]; durationSeconds: number }): number {
  const t = (k: number) => (k >= analysis.beats.length ? analysis.durationSeconds : analysis.beats[k]);
  let s = plan.includeIntro ? t(0) : 0;
  for (const seg of plan.segments) s += (t(seg.to) - t(seg.from)) * seg.repeat;
  return s;
}

function sampleBatch<T>(items: readonly T[], n: number, seed: number): T[] {
  const rng = new Prng(seed);
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, () => items[rng.int(items.length)]);
}
