import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RecutError } from '../../../shared/errors';
import { REWARD_FEATURES, REWARD_INPUTS } from './architecture';
import { beatPositions, buildPlanRewardInputs, buildRewardInputs, fitNormalization, packBatch, identityNormalization, scoreWindows, sliceRewardInputs } from './inputs';

const features = (beats: number, f: (r: number, c: number) => number = (r, c) => r * 1000 + c) => {
  const rows = beats + 1;
  const matrix = new Float32Array(rows * REWARD_FEATURES);
  for (let r = 0; r < rows; r++) for (let c = 0; c < REWARD_FEATURES; c++) matrix[r * REWARD_FEATURES + c] = f(r, c);
  return { rows, matrix };
};
const col = (x: { values: Float32Array }, row: number, c: number) => x.values[row * REWARD_INPUTS + c];
/** Position rows first, first + 1, ...: a 4/4 song whose first beat sits at row `first`. */
const counting = (rows: number, first = 0) => Int32Array.from({ length: rows }, (_, i) => first + i);
/** A bar grid of the given phrase ids, one position row per beat. */
const grid = (phrases: number[]) => ({ phrases, positions: counting(phrases.length) });

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
    const wholePhrase = buildPlanRewardInputs(features(6), plan([{ from: 0, to: 3 }]), beats, 6.5, grid(phrases));
    expect([0, 1, 2, 3, 4, 5].map((r) => col(wholePhrase, r, 124))).toEqual([0.5, 0.5, 0.5, 0, 0, 0]);
    const across = buildPlanRewardInputs(features(6), plan([{ from: 0, to: 2 }, { from: 4, to: 6 }]), beats, 6.5, grid(phrases));
    expect([0, 1, 2, 3, 4, 5].map((r) => col(across, r, 124))).toEqual([1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    // replaying a whole phrase reads 1 on it; a replay from inside a phrase reads in between
    const replayed = buildPlanRewardInputs(features(6), plan([{ from: 0, to: 6 }, { from: 3, to: 6 }]), beats, 6.5, grid(phrases));
    expect([0, 3].map((r) => col(replayed, r, 124))).toEqual([0.5, 1]);
    const inside = buildPlanRewardInputs(features(6), plan([{ from: 0, to: 6 }, { from: 4, to: 6 }]), beats, 6.5, grid(phrases));
    expect(col(inside, 3, 124)).toBeCloseTo(5 / 6);
    expect(() => buildPlanRewardInputs(features(6), plan([{ from: 0, to: 6 }]), beats, 6.5, grid([0, 0]))).toThrow(RecutError);
    expect(() => buildPlanRewardInputs(features(6), plan([{ from: 0, to: 6 }]), beats, 6.5, { phrases, positions: counting(5) })).toThrow(RecutError);
  });

  it('marks removed beats and both sides of every audible join in the cut column', () => {
    const cutColumn = (x: { values: Float32Array }) => [0, 1, 2, 3, 4, 5].map((r) => col(x, r, 122));
    // 0 1 | 4 5: the source would have gone on with beat 2 (removed, and a join side), beat 4 plays instead
    expect(cutColumn(buildPlanRewardInputs(features(6), plan([{ from: 0, to: 2 }, { from: 4, to: 6 }]), beats, 6.5))).toEqual([0, 0, 1, 0.5, 0.5, 0]);
    // to the end and back to beat 3: the end of the file has no row, beat 3 is marked
    expect(cutColumn(buildPlanRewardInputs(features(6), plan([{ from: 0, to: 6 }, { from: 3, to: 6 }]), beats, 6.5))).toEqual([0, 0, 0, 0.5, 0, 0]);
    // ending early: removed beats but no join
    expect(cutColumn(buildPlanRewardInputs(features(6), plan([{ from: 0, to: 4 }]), beats, 6.5))).toEqual([0, 0, 0, 0, 0.5, 0.5]);
  });

  it('takes learned positions from the bar grid, counting from 0 without one', () => {
    const whole = plan([{ from: 0, to: 6 }]);
    expect(Array.from(buildPlanRewardInputs(features(6), whole, beats, 6.5).positions)).toEqual([0, 1, 2, 3, 4, 5]);
    const g = { phrases: [-1, -1, 0, 0, 0, 0], positions: Int32Array.from([46, 47, 48, 49, 50, 51]) };
    expect(Array.from(buildPlanRewardInputs(features(6), whole, beats, 6.5, g).positions)).toEqual([46, 47, 48, 49, 50, 51]);
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
    // beat 1 removed; joins 1 -> 2 (the cut) and 3 -> 2 (the loop's repeat)
    expect([0, 1, 2, 3].map((r) => col(x, r, 122))).toEqual([0, 1, 0.5, 0.5]);
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
    expect(Array.from(b.positions)).toEqual([0, 1, 2, 0, 0, 0, 1, 2, 3, 4]);
  });

  it('refuses a sequence that would run past the last learned position', () => {
    const x = { ...buildRewardInputs(features(470), new Array(470).fill(0)), positions: counting(470, 40) };
    expect(() => packBatch([x], identityNormalization())).toThrow(RecutError);
    expect(packBatch([sliceRewardInputs(x, 0, 460)], identityNormalization()).positions[459]).toBe(499);
    expect(sliceRewardInputs(x, 20, 100).positions[0]).toBe(12); // row 60, moved down by 48
    expect(() => packBatch([{ ...x, positions: counting(3) }], identityNormalization())).toThrow(RecutError);
  });
});

describe('scoreWindows', () => {
  it('covers every beat with equal total weight', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 47 }), (rows, first) => {
        const ws = scoreWindows(counting(rows, first));
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
    expect(scoreWindows(counting(1000)).map((w) => w.start)).toEqual([0, 240, 480, 528]);
    for (const w of scoreWindows(counting(2777))) expect(w.start % 48).toBe(0); // same position phase in every window
    // a 2-beat pickup (first row 46): the first window holds 454 beats, the next start 2 beats early
    expect(scoreWindows(counting(1000, 46)).map((w) => [w.start, w.length])).toEqual([[0, 454], [194, 500], [434, 500], [530, 470]]);
    expect(scoreWindows(counting(454, 46))).toHaveLength(1);
    expect(scoreWindows(counting(455, 46))).toHaveLength(2);
  });

  it('windows songs in any meter by position rows: every slice fits the model and keeps its phase', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 6 }), (bpb, bars, pickup) => {
        const spans = [...(pickup > 0 ? [{ start: 0, end: pickup, number: -1 }] : []), ...Array.from({ length: bars }, (_, i) => ({ start: pickup + i * bpb, end: pickup + (i + 1) * bpb, number: i }))];
        const units = pickup + bars * bpb;
        const positions = beatPositions(spans, bpb, units);
        const ws = scoreWindows(positions);
        const x = { ...buildRewardInputs(features(units), new Array(units).fill(0)), positions };
        let total = 0;
        for (const w of ws) {
          const slice = sliceRewardInputs(x, w.start, w.length);
          expect(slice.positions[0]).toBeLessThan(48);
          expect(slice.positions[slice.rows - 1]).toBeLessThan(500);
          for (let t = 0; t < slice.rows; t++) expect((positions[w.start + t] - slice.positions[t]) % 48).toBe(0);
          total += w.weight;
        }
        expect(total).toBeCloseTo(1, 9);
      }),
      { numRuns: 40 },
    );
  });
});

describe('beatPositions', () => {
  const bar = (start: number, end: number, number: number) => ({ start, end, number });

  it('gives every bar 4 rows whatever the meter, so bars start on multiples of 4 and 4-bar phrases on multiples of 16', () => {
    expect(Array.from(beatPositions([bar(0, 4, 0), bar(4, 8, 1)], 4, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(beatPositions([bar(0, 3, 0), bar(3, 6, 1)], 3, 6))).toEqual([0, 1, 2, 4, 5, 6]);
    const waltz = beatPositions(Array.from({ length: 8 }, (_, i) => bar(3 * i, 3 * i + 3, i)), 3, 24);
    expect(waltz[12]).toBe(16); // bar 4, the second phrase
    // bars of more than 4 beats take a row per beat
    expect(Array.from(beatPositions([bar(0, 6, 0), bar(6, 12, 1)], 6, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('puts the first downbeat on a multiple of 48 whatever the pickup', () => {
    // 4/4 with a 2-beat pickup: beats 2 and 3 of the bar before, rows 46, 47
    expect(Array.from(beatPositions([bar(0, 2, -1), bar(2, 6, 0)], 4, 6))).toEqual([46, 47, 48, 49, 50, 51]);
    // 3/4 with a 1-beat pickup: the third beat of the bar before (row 2 of its 4)
    expect(Array.from(beatPositions([bar(0, 1, -1), bar(1, 4, 0), bar(4, 7, 1)], 3, 7))).toEqual([46, 48, 49, 50, 52, 53, 54]);
    const long = beatPositions([bar(0, 50, -1), bar(50, 51, 0)], 4, 51);
    expect([long[0], long[50]]).toEqual([46, 96]); // pickups longer than 48 rows shift by more
  });

  it('keeps an irregular bar in order: extra beats share its last row, the next bar starts on time', () => {
    expect(Array.from(beatPositions([bar(0, 6, 0), bar(6, 8, 1)], 4, 8))).toEqual([0, 1, 2, 3, 3, 3, 4, 5]);
    expect(Array.from(beatPositions([bar(0, 4, 0)], 4, 6))).toEqual([0, 1, 2, 3, 3, 3]); // beats no bar covers
  });
});
