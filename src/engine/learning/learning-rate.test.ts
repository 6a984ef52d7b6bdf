import { describe, expect, it } from 'vitest';
import { learningRateAt } from './train-reward';

describe('learningRateAt (reward training schedule)', () => {
  it('warms up over the first epoch, then decays by a cosine to a tenth of the base rate', () => {
    const base = 3e-4;
    const lr = (step: number) => learningRateAt(base, step, 20, 240);
    expect(lr(0)).toBeCloseTo(base / 20, 12);
    expect(lr(9)).toBeCloseTo((base * 10) / 20 * (0.1 + 0.45 * (1 + Math.cos((Math.PI * 9) / 240))), 12);
    expect(lr(19)).toBeLessThanOrEqual(base);
    expect(lr(19)).toBeGreaterThan(0.98 * base);
    expect(lr(240)).toBeCloseTo(base / 10, 12);
    for (let s = 20; s < 240; s++) expect(lr(s + 1)).toBeLessThanOrEqual(lr(s));
    expect(learningRateAt(base, 5000, 20, 240)).toBeCloseTo(base / 10, 12); // past the plan (resumed with more epochs)
  });
});
