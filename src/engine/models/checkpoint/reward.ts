/** Saving and loading the reward model with the checkpoint format (format.ts). */
import { REWARD_ARCH_HASH, REWARD_INPUTS, REWARD_MODEL_KIND, REWARD_MODEL_VERSION, REWARD_PARAM_SPECS } from '../reward/architecture';
import { RewardModel } from '../reward/model';
import { readCheckpoint, writeCheckpoint, type CheckpointExpectation } from './format';

export const REWARD_CHECKPOINT: CheckpointExpectation = {
  kind: REWARD_MODEL_KIND,
  version: REWARD_MODEL_VERSION,
  archHash: REWARD_ARCH_HASH,
  tensors: REWARD_PARAM_SPECS,
  normalizationLength: REWARD_INPUTS,
};

/** Writes the model's weights and normalisation statistics atomically; `meta` is free-form (metrics, parent...). */
export async function saveRewardModel(path: string, model: RewardModel, meta: Record<string, unknown> = {}): Promise<void> {
  writeCheckpoint(
    path,
    { kind: REWARD_MODEL_KIND, version: REWARD_MODEL_VERSION, archHash: REWARD_ARCH_HASH, normalization: model.normalization, meta, tensors: await model.getWeights() },
    REWARD_PARAM_SPECS,
  );
}

/** Validates the file completely, then builds a model from it. RecutError('invalid_checkpoint') on any defect. */
export function loadRewardModel(path: string): { model: RewardModel; meta: Record<string, unknown> } {
  const c = readCheckpoint(path, REWARD_CHECKPOINT);
  const model = RewardModel.create({ normalization: c.normalization! });
  model.setWeights(c.tensors);
  return { model, meta: c.meta };
}
