/** Reward-model training state on disk: weights (the models' own format) plus AdamW moments. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { readCheckpoint, writeCheckpoint } from '../models/checkpoint/format';
import { loadRewardModel, saveRewardModel } from '../models/checkpoint/reward';
import { REWARD_ARCH_HASH, REWARD_PARAM_SPECS } from '../models/reward/architecture';
import type { RewardModel } from '../models/reward/model';
import type { RewardTrainer } from '../models/reward/train';

const OPTIM_KIND = 'reward-adamw';
const OPTIM_SPECS = REWARD_PARAM_SPECS.flatMap((s) => [
  { name: `m.${s.name}`, shape: s.shape },
  { name: `v.${s.name}`, shape: s.shape },
]);

export async function saveTrainerState(path: string, trainer: RewardTrainer): Promise<void> {
  const tensors = new Map<string, Float32Array>();
  for (const s of REWARD_PARAM_SPECS) {
    tensors.set(`m.${s.name}`, Float32Array.from((await trainer.m.get(s.name)!.data()) as Float32Array));
    tensors.set(`v.${s.name}`, Float32Array.from((await trainer.v.get(s.name)!.data()) as Float32Array));
  }
  writeCheckpoint(path, { kind: OPTIM_KIND, version: 1, archHash: REWARD_ARCH_HASH, normalization: null, meta: { step: trainer.step }, tensors }, OPTIM_SPECS);
}

export function loadTrainerState(path: string, trainer: RewardTrainer): void {
  const c = readCheckpoint(path, { kind: OPTIM_KIND, version: 1, archHash: REWARD_ARCH_HASH, tensors: OPTIM_SPECS, normalizationLength: null });
  for (const s of REWARD_PARAM_SPECS) {
    tf.tidy(() => {
      trainer.m.get(s.name)!.assign(tf.tensor(c.tensors.get(`m.${s.name}`)!, s.shape));
      trainer.v.get(s.name)!.assign(tf.tensor(c.tensors.get(`v.${s.name}`)!, s.shape));
    });
  }
  trainer.step = Number(c.meta.step) || 0;
}

export { loadRewardModel, saveRewardModel };

export function fileSha256(path: string): string {
  return createHash('sha256').update(fs.readFileSync(path)).digest('hex');
}

export type { RewardModel };
