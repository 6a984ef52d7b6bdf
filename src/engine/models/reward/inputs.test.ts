import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RecutError } from '../../../shared/errors';
import { REWARD_FEATURES, REWARD_INPUTS } from './architecture';
import { buildPlanRewardInputs, buildRewardInputs, firstPositionOf, fitNormalization, packBatch, identityNormalization, scoreWindows, sliceRewardInputs } from './inputs';

const features = (beats: number, f: (r: number, c: number) => number = (r, c) => r * 1000 + c) => {
  const rows = beats + 1;
  const matrix = new Float32Array(rows * REWARD_FEATURES);
  for (let r = 0; r < rows; r++) for (let c = 0; c < REWARD_FEATURES; c++) matrix[r * REWARD_FEATURES + c] = f(r, c);
  return { rows, matrix };
};
const col = (x: { values: Float32Array }, row: number, c: number) => x.values[row * REWARD_INPUTS + c];

describe('buildPlanRewardInputs', () => {
  const beats = [0, 1, 2, 3, 4, 5];
  const plan = (segments: Array<{ from: number; to: number; repeat?: number }>, fadeOut: { beats: number; trimSeconds?: number } | null = null) => ({
    version: 1 as const, includeIntro: true, segments: segments.map((s) => ({ repeat: 1, ...s })), fadeOut, crossfadeMs: 20,
  });

  it('equals buildRewardInputs for a plan that actions express', () => {
    const p = plan([{ from: 0, to: 2 }, { from: 3, to: 4, repeat: 2 }, { from: 4, to: 6 }]);
    const a = buildPlanRewardInputs(features(6), p, beats, 6.5);
    const b = buildRewardInputs(features(6), [0, 0, 1, 2, 0, 0]);
    expect(Array.from(a.actions)).toEqual(Array.from(b.actions));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
  });

  it('shows a jump back: the replayed beats are labelled as loops and positions follow the plan', () => {
    // 0 1 2 3 | 2 3 | 4 5: beats 2 and 3 are heard twice (an extension that replays them)
    const x = buildPlanRewardInputs(features(6), plan([{ from: 0, to: 4 }, { from: 2, to: 6 }]), beats, 6.5);
    expect(Array.from(x.actions)).toEqual([0, 0, 2, 2, 0, 0]);
    expect([0, 1, 2, 3, 4, 5].map((r) => col(x, r, 123))).toEqual([0, 1, 2, 3, 6, 7].map((v) => Math.fround(v / 8)));
  });

  it('counts a trimmed last beat as partly heard', () => {
    const x = buildPlanRewardInputs(features(6), plan([{ from: 0, to: 6 }], { beats: 1, trimSeconds: 0.125 }), beats, 6.5);
    expect(col(x, 5, 121)).toBeCloseTo(1 - 0.125 / 1.5);
    expect(col(x, 4, 121)).toBe(1);
  });

  it('reads keep density per phrase when given the phrase grid: whole phrases cut read 0 or 1', () => {
    const phrases = [0, 0, 0, 1, 1, 1];
    const wholePhrase = buildPlanRewardInputs(features(6), plan([{ from: 0, to: 3 }]), beats, 6.5, phrases);
    expect([0, 1, 2, 3, 4, 5].map((r) => col(wholePhrase, r, 124))).toEqual([0.5, 0.5, 0.5, 0, 0, 0]);
    const across = buildPlanRewardInputs(features(6), plan([{ from: 0, to: 2 }, { from: 4, to: 6 }]), beats, 6.5, phrases);
    expect([0, 1, 2, 3, 4, 5].map((r) => col(across, r, 124))).toEqual([1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    // replaying a whole phrase reads 1 on it; a replay from inside a phrase reads in between
    const replayed = buildPlanRewardInputs(features(6), plan([{ from: 0, to: 6 }, { from: 3, to: 6 }]), beats, 6.5, phrases);
    expect([0, 3].map((r) => col(replayed, r, 124))).toEqual([0.5, 1]);
    const inside = buildPlanRewardInputs(features(6), plan([{ from: 0, to: 6 }, { from: 4, to: 6 }]), beats, 6.5, phrases);
    expect(col(inside, 3, 124)).toBeCloseTo(5 / 6);
    expect(() => buildPlanRewardInputs(features(6), plan([{ from: 0, to: 6 }]), beats, 6.5, [0, 0])).toThrow(RecutError);
  });

  it('places the first downbeat on a multiple of 48 learned positions, whatever the pickup', () => {
    const whole = plan([{ from: 0, to: 6 }]);
    expect(buildPlanRewardInputs(features(6), whole, beats, 6.5).firstPosition).toBe(0); // no bar grid
    expect(buildPlanRewardInputs(features(6), whole, beats, 6.5, [0, 0, 0, 1, 1, 1]).firstPosition).toBe(0);
    // a 2-beat pickup: beat 2 (the first downbeat) is position row 48, so beat 0 is row 46
    expect(buildPlanRewardInputs(features(6), whole, beats, 6.5, [-1, -1, 0, 0, 1, 1]).firstPosition).toBe(46);
    expect(firstPositionOf([-1, -1, -1, -1, -1, -1])).toBe(0);
    expect(firstPositionOf(new Array(50).fill(-1).concat([0]))).toBe(46); // pickups longer than 48 beats wrap
  });

  it('refuses a plan that does not fit the song with a typed error', () => {
    expect(() => buildPlanRewardInputs(features(6), plan([{ from: 0, to: 9 }]), beats, 6.5)).toThrow(RecutError);
  });
});

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
    expect(Array.from(b.firstPositions)).toEqual([0, 0]);
  });

  it('refuses a sequence that would run past the last learned position', () => {
    const x = { ...buildRewardInputs(features(470), new Array(470).fill(0)), firstPosition: 40 };
    expect(() => packBatch([x], identityNormalization())).toThrow(RecutError);
    expect(packBatch([sliceRewardInputs(x, 0, 460)], identityNormalization()).firstPositions[0]).toBe(40);
    expect(sliceRewardInputs(x, 20, 100).firstPosition).toBe(12); // (40 + 20) mod 48
  });
});

describe('scoreWindows', () => {
  it('covers every beat with equal total weight', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 47 }), (rows, first) => {
        const ws = scoreWindows(rows, first);
        const perBeat = new Float64Array(rows);
        const cover = new Int32Array(rows);
        for (const w of ws) {
          expect(w.start).toBeGreaterThanOrEqual(0);
          expect(w.start + w.length).toBeLessThanOrEqual(rows);
          expect(w.length).toBeLessThanOrEqual(500);
          // every window fits the learned positions, and all but the first start on a multiple of 48 of them
          const firstRow = (first + w.start) % 48;
          expect(firstRow + w.length).toBeLessThanOrEqual(500);
          if (w.start > 0) expect(firstRow).toBe(0);
          for (let t = w.start; t < w.start + w.length; t++) cover[t]++;
        }
        for (const w of ws) for (let t = w.start; t < w.start + w.length; t++) perBeat[t] += 1 / cover[t];
        expect(Math.min(...cover)).toBeGreaterThan(0);
        expect(ws.reduce((s, w) => s + w.weight, 0)).toBeCloseTo(1, 9);
        for (const v of perBeat) expect(v).toBeCloseTo(1, 9);
      }),
      { numRuns: 60 },
    );
    expect(scoreWindows(1000).map((w) => w.start)).toEqual([0, 240, 480, 528]);
    for (const w of scoreWindows(2777)) expect(w.start % 48).toBe(0); // same position phase in every window
    // a 2-beat pickup (first row 46): the first window holds 454 beats, the next start 2 beats early
    expect(scoreWindows(1000, 46).map((w) => [w.start, w.length])).toEqual([[0, 454], [194, 500], [434, 500], [530, 470]]);
    expect(scoreWindows(454, 46)).toHaveLength(1);
    expect(scoreWindows(455, 46)).toHaveLength(2);
  });
});
