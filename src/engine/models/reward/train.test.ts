import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecutError } from '../../../shared/errors';
import { selectBackend } from '../backends';
import { RewardModel } from './model';
import { RewardTrainer, type PreferencePair } from './train';
import { syntheticCandidate } from './test-helpers';

let model: RewardModel;
beforeAll(async () => {
  await selectBackend('wasm');
  model = RewardModel.create({ seed: 3 });
});
afterAll(() => model.dispose());

/** A learnable toy preference: the edit that keeps more of the song wins (ties when equal). */
function toyPairs(round: number): PreferencePair[] {
  return Array.from({ length: 8 }, (_, i) => {
    const seed = round * 100 + i;
    const keepMore = syntheticCandidate(12, seed, 0.1);
    const cutMore = syntheticCandidate(12, seed, 0.7);
    if (i === 7) return { a: keepMore, b: keepMore, target: 0.5, weight: 1 };
    return i % 2 === 0 ? { a: keepMore, b: cutMore, target: 1, weight: 1 + (i % 3) } : { a: cutMore, b: keepMore, target: 0, weight: 2 };
  });
}

describe('RewardTrainer.trainStep', () => {
  it('lowers the Bradley-Terry loss on a learnable preference, with finite gradients', async () => {
    const trainer = new RewardTrainer(model, { learningRate: 1e-3 });
    const held = toyPairs(999);
    const first = await trainer.trainStep(held);
    const losses: number[] = [];
    for (let step = 0; step < 25; step++) {
      const r = await trainer.trainStep(toyPairs(step % 5));
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(Number.isFinite(r.gradNorm)).toBe(true);
      losses.push(r.loss);
    }
    const after = await trainer.trainStep(held);
    expect(first.loss).toBeGreaterThan(0.5); // near log 2 at the start
    expect(after.loss).toBeLessThan(first.loss * 0.6);
    // and the model now ranks held-out edits the right way round
    const [keep, cut] = await model.score([held[0].a, held[0].b]);
    expect(keep).toBeGreaterThan(cut);
    trainer.dispose();
  }, 180_000);

  it('clips the update: a step with clipNorm moves weights no further than AdamW allows', async () => {
    const trainer = new RewardTrainer(model, { learningRate: 1e-4, clipNorm: 0.5, weightDecay: 0 });
    const before = await model.getWeights();
    const r = await trainer.trainStep(toyPairs(1));
    const after = await model.getWeights();
    let maxMove = 0;
    for (const [name, w] of before) after.get(name)!.forEach((v, i) => (maxMove = Math.max(maxMove, Math.abs(v - w[i]))));
    // Adam's first step moves each weight by about lr (sign of its gradient), never by much more
    expect(maxMove).toBeGreaterThan(1e-5);
    expect(maxMove).toBeLessThan(1.5e-4);
    expect(r.gradNorm).toBeGreaterThan(0);
    trainer.dispose();
  }, 60_000);

  it('gives the same update whether a batch is processed whole or in chunks', async () => {
    const whole = RewardModel.create({ seed: 21 });
    const chunked = RewardModel.create({ seed: 21 });
    const tw = new RewardTrainer(whole);
    const tc = new RewardTrainer(chunked, { maxStepBeats: 24 }); // one pair (2 x 12 beats) per chunk
    const a = await tw.trainStep(toyPairs(2));
    const c = await tc.trainStep(toyPairs(2));
    expect(c.loss).toBeCloseTo(a.loss, 5);
    expect(c.gradNorm).toBeCloseTo(a.gradNorm, 4);
    const x = [toyPairs(3)[0].a];
    expect((await chunked.score(x))[0]).toBeCloseTo((await whole.score(x))[0], 5);
    tw.dispose();
    tc.dispose();
    whole.dispose();
    chunked.dispose();
  }, 60_000);

  it('rejects empty batches, bad targets and weights', async () => {
    const trainer = new RewardTrainer(model);
    const p = toyPairs(0)[0];
    await expect(trainer.trainStep([])).rejects.toBeInstanceOf(RecutError);
    await expect(trainer.trainStep([{ ...p, target: 2 }])).rejects.toBeInstanceOf(RecutError);
    await expect(trainer.trainStep([{ ...p, weight: 0 }])).rejects.toBeInstanceOf(RecutError);
    trainer.dispose();
  });
});
