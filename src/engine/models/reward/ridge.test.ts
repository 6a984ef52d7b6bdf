import { describe, expect, it } from 'vitest';
import { ridgeFit } from './ridge';
import { mulberry32 } from './test-helpers';

describe('ridgeFit', () => {
  it('recovers planted weights and offset from noiseless data when the penalty is small', () => {
    const rnd = mulberry32(5);
    const rows = 400;
    const cols = 12;
    const planted = Array.from({ length: cols }, (_, i) => (i % 3 === 0 ? 0 : rnd() * 4 - 2));
    const x = new Float64Array(rows * cols).map(() => rnd() * 2 - 1 + 3); // off-centre columns
    const y = Array.from({ length: rows }, (_, r) => 0.7 + planted.reduce((s, w, c) => s + w * x[r * cols + c], 0));
    const fit = ridgeFit(x, rows, cols, y, 1e-9);
    planted.forEach((w, c) => expect(fit.weights[c]).toBeCloseTo(w, 5));
    const r0 = planted.reduce((s, _, c) => s + (x[c] - fit.mean[c]) * fit.weights[c], fit.yMean);
    expect(r0).toBeCloseTo(y[0], 5);
  });

  it('shrinks the weights as the penalty grows', () => {
    const rnd = mulberry32(9);
    const x = new Float64Array(200 * 4).map(() => rnd());
    const y = Array.from({ length: 200 }, (_, r) => x[r * 4] * 3);
    const norm = (l: number) => Math.hypot(...ridgeFit(x, 200, 4, y, l).weights);
    expect(norm(10)).toBeLessThan(norm(0.1));
    expect(norm(0.1)).toBeLessThan(norm(1e-6) + 1e-9);
  });

  it('refuses mismatched shapes and a non-positive penalty', () => {
    expect(() => ridgeFit([1, 2, 3], 2, 2, [1, 2], 1)).toThrow(/ridge regression/);
    expect(() => ridgeFit([1, 2, 3, 4], 2, 2, [1, 2], 0)).toThrow(/penalty/);
  });
});
