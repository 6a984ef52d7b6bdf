/** Deterministic synthetic inputs for the reward-model tests and the benchmark (not real audio features). */
import { REWARD_FEATURES } from './architecture';
import { buildRewardInputs, type RewardInputs } from './inputs';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticFeatures(beats: number, seed: number): { rows: number; matrix: Float32Array } {
  const rnd = mulberry32(seed);
  const rows = beats + 1;
  const matrix = new Float32Array(rows * REWARD_FEATURES);
  for (let i = 0; i < matrix.length; i++) matrix[i] = rnd() * 2 - 1;
  return { rows, matrix };
}

/** A candidate with `cutShare` of its beats cut (the rest KEEP, a few loops and reorders). */
export function syntheticCandidate(beats: number, seed: number, cutShare = 0.3): RewardInputs {
  const rnd = mulberry32(seed * 7919 + 1);
  const actions = Array.from({ length: beats }, () => {
    const r = rnd();
    if (r < cutShare) return 1;
    if (r < cutShare + 0.05) return 2 + Math.floor(rnd() * 3);
    if (r < cutShare + 0.08) return 5 + Math.floor(rnd() * 4);
    return 0;
  });
  return buildRewardInputs(syntheticFeatures(beats, seed), actions);
}
