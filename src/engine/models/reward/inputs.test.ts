import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RecutError } from '../../../shared/errors';
import { REWARD_FEATURES, REWARD_INPUTS } from './architecture';
import { buildRewardInputs, fitNormalization, packBatch, identityNormalization, scoreWindows } from './inputs';

const features = (beats: number, f: (r: number, c: number) => number = (r, c) => r * 1000 + c) => {
  const rows = beats + 1;
  const matrix = new Float32Array(rows * REWARD_FEATURES);
  for (let r = 0; r < rows; r++) for (let c = 0; c < REWARD_FEATURES; c++) matrix[r * REWARD_FEATURES + c] = f(r, c);
  return { rows, matrix };
};
const col = (x: { values: Float32Array }, row: number, c: number) => x.values[row * REWARD_INPUTS + c];

describe('buildRewardInputs', () => {
  it('copies the beat rows and derives keep / cut / position / density', () => {
    // KEEP, CUT, LOOP x2, KEEP -> output beats: 0, 2, 2, 3 (4 units)
    const x = buildRewardInputs(features(4), [0, 1, 2, 0]);
    expect(x.rows).toBe(4);
    expect(col(x, 2, 5)).toBe(2005);
    expect([0, 1, 2, 3].map((r) => col(x, r, 121))).toEqual([1, 0, 1, 1]);
    expect([0, 1, 2, 3].map((r) => col(x, r, 122))).toEqual([0, 1, 0, 0]);
    // positions: beat0 at 0, cut beat1 -> where beat2 starts (1), beat2 at 1, beat3 at 3; / 4
    expect([0, 1, 2, 3].map((r) => col(x, r, 123))).toEqual([0, 0.25, 0.25, 0.75]);
    expect(col(x, 0, 124)).toBeCloseTo(3 / 4);
    expect(Array.from(x.actions)).toEqual([0, 1, 2, 0]);
  });

  it('follows reorders: a beat moved past its neighbour plays after it', () => {
    const x = buildRewardInputs(features(3), [5, 0, 0]); // beat 0 plays after beat 1
    expect([0, 1, 2].map((r) => col(x, r, 123))).toEqual([1 / 3, 0, 2 / 3].map(Math.fround));
  });

  it('rejects bad action ids and mismatched lengths with typed errors', () => {
    expect(() => buildRewardInputs(features(3), [0, 11, 0])).toThrow(RecutError);
    expect(() => buildRewardInputs(features(3), [0, 0, 0, 0, 0])).toThrow(RecutError);
    expect(() => buildRewardInputs({ rows: 3, matrix: new Float32Array(5) }, [0])).toThrow(RecutError);
  });
});

describe('normalisation and batches', () => {
  it('weights songs equally and leaves edit columns alone', () => {
    const a = features(9, () => 0); // 10 rows of 0
    const b = features(1, () => 2); // 2 rows of 2
    const n = fitNormalization([a, b]);
    expect(n.mean[0]).toBeCloseTo(1);
    expect(n.std[0]).toBeCloseTo(1);
    expect(n.mean[121]).toBe(0);
    expect(n.std[124]).toBe(1);
    const constant = fitNormalization([features(3, () => 7)]);
    expect(constant.std[3]).toBe(1);
  });

  it('pads with masked rows', () => {
    const x = buildRewardInputs(features(3), [0, 0, 0]);
    const b = packBatch([x, buildRewardInputs(features(5), [0, 0, 0, 0, 0])], identityNormalization());
    expect(b.length).toBe(5);
    expect(Array.from(b.mask)).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
    expect(b.x[3 * REWARD_INPUTS]).toBe(0);
  });
});

describe('scoreWindows', () => {
  it('covers every beat with equal total weight', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), (rows) => {
        const ws = scoreWindows(rows);
        const perBeat = new Float64Array(rows);
        const cover = new Int32Array(rows);
        for (const w of ws) {
          expect(w.start).toBeGreaterThanOrEqual(0);
          expect(w.start + w.length).toBeLessThanOrEqual(rows);
          expect(w.length).toBeLessThanOrEqual(500);
          for (let t = w.start; t < w.start + w.length; t++) cover[t]++;
        }
        for (const w of ws) for (let t = w.start; t < w.start + w.length; t++) perBeat[t] += 1 / cover[t];
        expect(Math.min(...cover)).toBeGreaterThan(0);
        expect(ws.reduce((s, w) => s + w.weight, 0)).toBeCloseTo(1, 9);
        for (const v of perBeat) expect(v).toBeCloseTo(1, 9);
      }),
      { numRuns: 60 },
    );
    expect(scoreWindows(1000).map((w) => w.start)).toEqual([0, 250, 500]);
  });
});
