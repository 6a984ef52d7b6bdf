/**
 * `recut backends --json`: how long one reward-model training step takes on a backend (a small batch:
 * 2 pairs of 64 beats, after one warm-up step), so the user sees what each backend is worth here.
 * Switches the process-wide tfjs backend to `name` and leaves it there.
 */
import { RewardModel } from '../reward/model';
import { RewardTrainer } from '../reward/train';
import { syntheticCandidate } from '../reward/test-helpers';
import { selectBackend, type BackendName } from '.';

export interface StepTime {
  name: BackendName;
  device: string;
  /** seconds for one training step (2 pairs x 64 beats) after warm-up */
  stepSeconds: number;
  pairs: number;
  beats: number;
}

export async function measureStepTime(name: BackendName, pairs = 2, beats = 64): Promise<StepTime> {
  const sel = await selectBackend(name);
  const model = RewardModel.create({ seed: 1 });
  const trainer = new RewardTrainer(model);
  const batch = Array.from({ length: pairs }, (_, i) => ({ a: syntheticCandidate(beats, 2 * i, 0.2), b: syntheticCandidate(beats, 2 * i + 1, 0.5), target: 1, weight: 1 }));
  try {
    await trainer.trainStep(batch); // warm-up: shader compilation, XNNPACK set-up
    const t0 = performance.now();
    await trainer.trainStep(batch);
    return { name: sel.name, device: sel.device, stepSeconds: (performance.now() - t0) / 1000, pairs, beats };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
