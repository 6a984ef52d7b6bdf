/**
 * Checkpoint contents a kill-loop child writes for step k, derived from (run seed, step) alone, so the
 * parent can tell exactly which version it loaded and that it is that version's bytes. Filling 2.6 M
 * floats with a closed-form pattern costs milliseconds; the writer and validator are the real ones.
 */
import { REWARD_ARCH_HASH, REWARD_INPUTS, REWARD_MODEL_KIND, REWARD_MODEL_VERSION, REWARD_PARAM_SPECS } from '../../../src/engine/models/reward/architecture';
import type { CheckpointContents } from '../../../src/engine/models/checkpoint/format';

const value = (seed: number, step: number, tensor: number, i: number) => ((((seed ^ (step * 2654435761)) + tensor * 40503 + i * 97) >>> 0) % 20011) / 20011 - 0.5;

export function rewardContents(seed: number, step: number): CheckpointContents {
  const tensors = new Map<string, Float32Array>();
  REWARD_PARAM_SPECS.forEach((s, k) => {
    // Every 997th value varies with the step (what rewardMismatch samples); the rest is one constant
    // per step, so the child spends its time writing, not computing, and kills land inside writes.
    const a = new Float32Array(s.shape.reduce((x, y) => x * y, 1)).fill(value(seed, step, k, 1));
    for (let i = 0; i < a.length; i += 997) a[i] = value(seed, step, k, i);
    tensors.set(s.name, a);
  });
  const mean = Float32Array.from({ length: REWARD_INPUTS }, (_, i) => value(seed, step, -1, i));
  const std = Float32Array.from({ length: REWARD_INPUTS }, (_, i) => 1 + Math.abs(value(seed, step, -2, i)));
  return { kind: REWARD_MODEL_KIND, version: REWARD_MODEL_VERSION, archHash: REWARD_ARCH_HASH, normalization: { mean, std }, meta: { step, seed }, tensors };
}

/** Null when the loaded tensors are exactly step `step`'s (sampled: every 997th value of every tensor). */
export function rewardMismatch(seed: number, step: number, tensors: ReadonlyMap<string, Float32Array>): string | null {
  for (let k = 0; k < REWARD_PARAM_SPECS.length; k++) {
    const a = tensors.get(REWARD_PARAM_SPECS[k].name);
    if (!a) return `tensor ${REWARD_PARAM_SPECS[k].name} missing`;
    for (let i = 0; i < a.length; i += 997) if (a[i] !== Math.fround(value(seed, step, k, i))) return `${REWARD_PARAM_SPECS[k].name}[${i}] is not step ${step}'s`;
  }
  return null;
}

export const policyValue = (seed: number, step: number, i: number) => value(seed, step, 7, i);
