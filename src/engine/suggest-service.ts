import { createHash } from 'node:crypto';
import type { Candidate, JoinExplanation, RewardBreakdown, Suggestions } from '../shared/contract';
import type { SongAnalysis } from './analysis/analyze';
import type { JoinBreakdown } from './models/dense/dense-reward';
import { scorePlan, suggest, type LearnedScorer, type PlanScore, type RewardWeights } from './models/policy/suggest';
import type { PolicyModel } from './models/policy/model';
import type { EditPlan } from '../shared/edit-plan';

/** What the engine knows about the models in use when it is asked for suggestions. */
export interface ActiveModels {
  policy: PolicyModel | null | undefined;
  policyVersion: string;
  reward: LearnedScorer | undefined;
  rewardVersion: string | null;
  /** The combined reward's weights from the user's settings. */
  weights?: RewardWeights;
}

const planId = (plan: EditPlan) => createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 16);

export function toJoinExplanation(j: JoinBreakdown): JoinExplanation {
  return { outSeconds: j.outSeconds, fromSeconds: j.fromSeconds, toSeconds: j.toSeconds, kind: j.kind, quality: j.quality, scores: { ...j.scores } };
}

export function toRewardBreakdown(r: PlanScore): RewardBreakdown {
  return {
    learned: r.learned,
    dense: r.dense,
    combined: r.combined,
    mode: r.mode,
    reason: r.reason,
    terms: Object.fromEntries(Object.entries(r.terms).map(([k, t]) => [k, { value: t.value, weight: t.weight }])),
  };
}

/** Suggestions in the contract's shape: ranked candidates with their reward and per-join "why". */
export async function suggestForSong(
  songId: string,
  analysis: SongAnalysis,
  models: ActiveModels,
  opts: { targetSeconds: number; count: number; seed?: number; temperature?: number },
): Promise<Suggestions> {
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const found = await suggest(analysis, {
    targetSeconds: opts.targetSeconds,
    count: opts.count,
    seed,
    temperature: opts.temperature,
    rewardModel: models.reward,
    weights: models.weights,
    ...(models.policy !== undefined ? { policy: models.policy } : {}),
  });
  const candidates: Candidate[] = found.map((s) => ({
    id: planId(s.plan),
    plan: s.plan,
    durationSeconds: s.durationSeconds,
    actions: s.actions,
    reward: toRewardBreakdown(s.reward),
    joins: s.reward.joins.map(toJoinExplanation),
  }));
  return { songId, targetSeconds: opts.targetSeconds, seed, policyVersion: models.policyVersion, rewardVersion: models.rewardVersion, candidates };
}

export async function scoreForSong(analysis: SongAnalysis, plan: EditPlan, targetSeconds: number | null, models: ActiveModels) {
  const r = await scorePlan(analysis, plan, targetSeconds, models.reward, { weights: models.weights });
  return { reward: toRewardBreakdown(r), joins: r.joins.map(toJoinExplanation), durationSeconds: r.durationSeconds };
}
