/**
 * Engine API: suggestions for a song and a target length, and scoring of any plan.
 *
 * suggest(): the policy runs once over the song's bars; candidates are seeded samples from it
 * (temperature / top-k), each decoded into a plan that meets the hard constraints (decode.ts). Identical
 * plans are dropped, every candidate is scored by the combined reward (dense; plus the learned reward
 * model when given and trusted), and `count` are picked greedily by combined reward minus a penalty for
 * sharing cut points with those already picked, so suggestions differ where it matters. Without a policy
 * checkpoint, candidates come from the planner with seeded jitter (source 'planner').
 */
import path from 'node:path';
import fs from 'node:fs';
import { RecutError } from '../../../shared/errors';
import { actionsFromPlan } from '../../../shared/edit-plan-actions';
import type { EditPlan } from '../../../shared/edit-plan';
import type { SongAnalysis } from '../../analysis/analyze';
import type { PcmAudio } from '../../audio/pcm';
import { deriveSeed, Prng } from '../../audio/synth/prng';
import { combinedReward, trustFromAccuracy, type CombinedReward } from '../dense/combined';
import { denseReward, type JoinBreakdown } from '../dense/dense-reward';
import { songGrid } from '../planner/grid';
import { checkTarget, planEdit } from '../planner/planner';
import { trimmedPlanSeconds } from '../planner/trim';
import { beatActionsFromBars, decodeBarActions } from './decode';
import { policyInputs } from './inputs';
import { PolicyModel } from './model';
import { loadPolicy } from './weights';

/** A learned reward model as suggest/scorePlan use it (the lead adapts the reward model to this). */
export interface LearnedScorer {
  /** Rewards in [-10, 10], one per plan. */
  score(analysis: SongAnalysis, plans: EditPlan[]): Promise<number[]> | number[];
  /** Held-out pairwise accuracy of this version; below the threshold the dense reward is used alone. */
  heldOutAccuracy: number | null;
  /** The dense reward's accuracy on the same held-out verdicts (trustFromAccuracy), when measured. */
  denseAccuracy?: number | null;
}

export interface PlanScore extends CombinedReward {
  joins: JoinBreakdown[];
  durationSeconds: number;
}

export interface RewardWeights {
  learnedWeight: number;
  denseWeight: number;
}

export interface SuggestOptions {
  targetSeconds: number;
  count: number;
  seed: number;
  temperature?: number;
  topK?: number;
  rewardModel?: LearnedScorer;
  /** Weights of the combined reward (the user's settings); default 0.8 learned + 0.2 dense. */
  weights?: RewardWeights;
  /** The decoded song, for click scores from the samples (optional). */
  audio?: PcmAudio;
  /** The policy to sample (default: the bootstrap policy from resources/models). */
  policy?: PolicyModel | null;
}

export interface Suggestion {
  plan: EditPlan;
  durationSeconds: number;
  /** One action id per beat describing the plan (actionsFromPlan). */
  actions: number[];
  /** The policy's sampled ids per beat (what PPO scores with logProbs), null for planner candidates. */
  sampledActions: number[] | null;
  source: 'policy' | 'planner';
  seed: number;
  reward: PlanScore;
}

export const MAX_SUGGESTIONS = 16;
/** Penalty weight for sharing cut points with an already chosen suggestion. */
export const DIVERSITY_PENALTY = 0.05;

export function bootstrapPolicyPath(): string {
  return process.env.RECUT_BOOTSTRAP_POLICY ?? path.resolve(import.meta.dirname, '../../../../resources/models/bootstrap-policy.json');
}

let bootstrap: PolicyModel | null | undefined;
/** The committed bootstrap policy, loaded once; null when the file is absent. */
export function loadBootstrapPolicy(): PolicyModel | null {
  if (bootstrap === undefined) {
    const p = bootstrapPolicyPath();
    bootstrap = fs.existsSync(p) ? new PolicyModel(loadPolicy(p).weights) : null;
  }
  return bootstrap;
}

export async function suggest(analysis: SongAnalysis, opts: SuggestOptions): Promise<Suggestion[]> {
  const grid = songGrid(analysis);
  const T = opts.targetSeconds;
  checkTarget(grid, T);
  if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > MAX_SUGGESTIONS) {
    throw new RecutError('invalid_argument', `count must be an integer from 1 to ${MAX_SUGGESTIONS}, got ${opts.count}`);
  }
  if (!Number.isInteger(opts.seed)) throw new RecutError('invalid_argument', `seed must be an integer, got ${opts.seed}`);
  const policy = opts.policy === undefined ? loadBootstrapPolicy() : opts.policy;
  const samples = opts.count * 2 + 2;
  const seen = new Set<string>();
  const candidates: Omit<Suggestion, 'reward'>[] = [];
  const add = (c: Omit<Suggestion, 'reward'>) => {
    const key = JSON.stringify([c.plan.segments, c.plan.fadeOut]);
    if (!seen.has(key)) {
      seen.add(key);
      candidates.push(c);
    }
  };
  const B = grid.units;
  if (policy) {
    const inputs = policyInputs(grid, T);
    const table = policy.logProbTable(inputs);
    for (let i = 0; i < samples; i++) {
      const seed = deriveSeed(opts.seed, i);
      const s = policy.sample(inputs, { seed, temperature: opts.temperature ?? 1, topK: opts.topK }, table);
      const d = decodeBarActions(analysis, s.actions, T);
      add({ plan: d.plan, durationSeconds: d.durationSeconds, actions: actionsFromPlan(d.plan, B), sampledActions: beatActionsFromBars(grid, s.actions), source: 'policy', seed });
    }
  }
  // Planner candidates: the only source without a policy, and a top-up when samples coincide. Later
  // tries also put a random price on playing each bar: on short songs the straight play-and-fade path
  // is so much cheaper than any jump that jitter on the jump costs alone never leaves it.
  for (let i = 0; candidates.length < opts.count && i < opts.count * 8 + 4; i++) {
    const seed = deriveSeed(opts.seed, 1000 + i);
    const p = planEdit(analysis, T, i === 0 ? {} : { noise: { seed, amount: 0.4 }, ...(i > 2 ? { bias: barPriceBias(grid.bars.length, seed, 0.5 * i) } : {}) });
    add({ plan: p.plan, durationSeconds: p.durationSeconds, actions: actionsFromPlan(p.plan, B), sampledActions: null, source: 'planner', seed });
  }

  const rewards = await scorePlans(analysis, candidates.map((c) => c.plan), T, opts.rewardModel, opts.audio, opts.weights);
  const scored = candidates.map((c, i) => ({ ...c, reward: rewards[i] }));
  return pickDiverse(scored, opts.count);
}

/** A planner bias that charges a random price (|N(0, amount)|) for playing each bar. */
function barPriceBias(bars: number, seed: number, amount: number) {
  const rng = new Prng(seed);
  return { play: Float64Array.from({ length: bars }, () => Math.abs(rng.gauss()) * amount), skip: new Float64Array(bars) };
}

function cutPoints(s: Suggestion): Set<string> {
  return new Set(s.reward.joins.map((j) => `${j.fromUnit}>${j.toUnit}`));
}

function pickDiverse(items: Suggestion[], count: number): Suggestion[] {
  const rest = [...items].sort((a, b) => b.reward.combined - a.reward.combined);
  const chosen: Suggestion[] = [];
  const chosenCuts: Set<string>[] = [];
  while (chosen.length < count && rest.length) {
    let bestI = 0;
    let bestV = -Infinity;
    rest.forEach((c, i) => {
      const cuts = cutPoints(c);
      let overlap = 0;
      for (const other of chosenCuts) {
        const inter = [...cuts].filter((x) => other.has(x)).length;
        const union = new Set([...cuts, ...other]).size;
        overlap = Math.max(overlap, union ? inter / union : 1);
      }
      const v = c.reward.combined - DIVERSITY_PENALTY * overlap;
      if (v > bestV) [bestV, bestI] = [v, i];
    });
    const [c] = rest.splice(bestI, 1);
    chosen.push(c);
    chosenCuts.push(cutPoints(c));
  }
  return chosen;
}

async function scorePlans(analysis: SongAnalysis, plans: EditPlan[], target: number | null, model?: LearnedScorer, audio?: PcmAudio, weights?: RewardWeights): Promise<PlanScore[]> {
  const dense = plans.map((p) => denseReward(p, analysis, target, { audio }));
  let learned: (number | null)[] = plans.map(() => null);
  let trust = { trustworthy: false, reason: 'no reward model has been trained yet' };
  if (model && plans.length) {
    trust = trustFromAccuracy(model.heldOutAccuracy, model.denseAccuracy);
    if (trust.trustworthy) {
      const r = await model.score(analysis, plans);
      if (!Array.isArray(r) || r.length !== plans.length) throw new RecutError('internal', 'the reward model returned the wrong number of scores');
      learned = r.map((x) => (Number.isFinite(x) ? x : null));
    }
  }
  return dense.map((d, i) => ({
    ...combinedReward(learned[i], d, { trustworthy: trust.trustworthy, reason: trust.reason, ...weights }),
    joins: d.joins,
    durationSeconds: d.durationSeconds,
  }));
}

/** Scores any plan (trim extension allowed): learned (or null), dense, combined, terms and joins. */
export async function scorePlan(
  analysis: SongAnalysis,
  plan: EditPlan,
  targetSeconds?: number | null,
  rewardModel?: LearnedScorer,
  opts: { audio?: PcmAudio; weights?: RewardWeights } = {},
): Promise<PlanScore> {
  const [s] = await scorePlans(analysis, [plan], targetSeconds ?? null, rewardModel, opts.audio, opts.weights);
  return s;
}

/** Output duration of a plan, trim included (re-exported for callers of this API). */
export function suggestionSeconds(analysis: SongAnalysis, plan: EditPlan): number {
  return trimmedPlanSeconds(plan, analysis.beats, analysis.durationSeconds);
}
