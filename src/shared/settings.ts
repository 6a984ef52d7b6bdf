import { z } from 'zod';

/** User settings, stored in SQLite and shown on the training dashboard. Defaults fill what is unset. */
export const SettingsSchema = z
  .object({
    /** Weights of the combined reward: learned (reward model) and dense (hand-written terms). */
    learnedWeight: z.number().min(0).max(1).default(0.8),
    denseWeight: z.number().min(0).max(1).default(0.2),
    /** Retrain the reward model after this many new verdicts (0 = never automatically). */
    autoRetrainAfter: z.number().int().min(0).max(10_000).default(20),
    /** Fine-tune the policy automatically after a better reward model lands. */
    autoFineTune: z.boolean().default(true),
    /** Compute backend for training and scoring. */
    backend: z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']).default('auto'),
  })
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;
export const SettingsPatch = SettingsSchema.partial();
export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
