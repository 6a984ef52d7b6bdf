/**
 * Combined reward = learnedWeight * learned01 + denseWeight * dense (DESIGN.md section 4: 0.8 / 0.2).
 *
 * The learned reward model outputs r in [-10, 10] on the Bradley-Terry logit scale: P(A preferred to B)
 * = sigmoid(rA - rB). It is mapped to [0, 1] as sigmoid(r): the probability that this plan is preferred
 * to a neutral plan (r = 0). That keeps the model's own meaning (a difference of 1 is the same odds
 * ratio everywhere) instead of a linear (r + 10) / 20 that would squash all usual rewards near 0.5.
 *
 * Dense only (mode 'dense-only', with the reason) when there is no learned score or the model is not
 * trustworthy (trustFromAccuracy, decided by the caller).
 */
import type { DenseReward } from './dense-reward';

/** Held-out pairwise accuracy a reward model needs before its score is mixed in. */
export const LEARNED_ACCURACY_THRESHOLD = 0.6;

export interface CombineOptions {
  learnedWeight?: number;
  denseWeight?: number;
  /** Whether the learned model may be used (e.g. its held-out accuracy passed the threshold). */
  trustworthy: boolean;
  /** Why the model is (not) trusted: logged and shown. */
  reason?: string;
}

export interface CombinedReward {
  /** The raw learned reward in [-10, 10], or null without a model. */
  learned: number | null;
  dense: number;
  combined: number;
  terms: DenseReward['terms'];
  mode: 'combined' | 'dense-only';
  reason: string;
}

export const learnedTo01 = (r: number): number => 1 / (1 + Math.exp(-r));

/**
 * Whether a model may be mixed in, and the reason either way: when its held-out accuracy reaches the
 * threshold, or when it predicts the same held-out verdicts better than the dense reward does
 * (`denseAccuracy`, measured by the training run). The second case matters for tastes the dense
 * rules know nothing of: on a few validation songs such a model can read 57 % while the dense reward
 * reads 53 %, and ranking by the dense reward alone would then be the worse choice on the evidence.
 */
export function trustFromAccuracy(accuracy: number | null | undefined, denseAccuracy?: number | null): { trustworthy: boolean; reason: string } {
  if (accuracy === null || accuracy === undefined || !Number.isFinite(accuracy)) {
    return { trustworthy: false, reason: 'the reward model has no held-out accuracy yet' };
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  if (accuracy >= LEARNED_ACCURACY_THRESHOLD) return { trustworthy: true, reason: `reward model held-out accuracy ${pct(accuracy)} >= ${LEARNED_ACCURACY_THRESHOLD * 100} %` };
  const dense = typeof denseAccuracy === 'number' && Number.isFinite(denseAccuracy) ? denseAccuracy : null;
  if (dense !== null && accuracy > dense) {
    return { trustworthy: true, reason: `reward model held-out accuracy ${pct(accuracy)} beats the dense reward's ${pct(dense)} on the same verdicts` };
  }
  return {
    trustworthy: false,
    reason: `reward model held-out accuracy ${pct(accuracy)} is below ${LEARNED_ACCURACY_THRESHOLD * 100} %${dense !== null ? ` and not above the dense reward's ${pct(dense)}` : ''}`,
  };
}

export function combinedReward(learned: number | null, dense: DenseReward, opts: CombineOptions): CombinedReward {
  const lw = opts.learnedWeight ?? 0.8;
  const dw = opts.denseWeight ?? 0.2;
  if (learned === null || !Number.isFinite(learned) || !opts.trustworthy || lw + dw <= 0) {
    const reason =
      learned === null ? opts.reason ?? 'no reward model has been trained yet' : opts.reason ?? 'the reward model is not trusted';
    return { learned: learned ?? null, dense: dense.score, combined: dense.score, terms: dense.terms, mode: 'dense-only', reason };
  }
  const r = Math.max(-10, Math.min(10, learned));
  const combined = (lw * learnedTo01(r) + dw * dense.score) / (lw + dw);
  return { learned: r, dense: dense.score, combined, terms: dense.terms, mode: 'combined', reason: opts.reason ?? 'reward model trusted' };
}
