import { describe, expect, it } from 'vitest';
import { continuity, evaluateBeats, evaluateDownbeats, fMeasure, matchCount, referenceVariations, trimBeats } from './beatMetrics';

const grid = (start: number, period: number, n: number) => Array.from({ length: n }, (_, i) => start + i * period);
/** 120 BPM from 0 s to 30 s. */
const ref = grid(0, 0.5, 61);

describe('trimBeats', () => {
  it('drops events before 5 s, keeps 5 s itself', () => {
    expect(trimBeats([1, 4.99, 5, 6])).toEqual([5, 6]);
  });
});

describe('fMeasure', () => {
  it('is 1 for a perfect estimate and for one within the window', () => {
    expect(fMeasure(ref, ref)).toBe(1);
    expect(fMeasure(ref, ref.map((b) => b + 0.069))).toBe(1);
  });
  it('is 0 for the off-beat and for beats outside the window', () => {
    expect(fMeasure(ref, ref.map((b) => b + 0.25))).toBe(0);
    expect(fMeasure(ref, ref.map((b) => b + 0.071))).toBe(0);
  });
  it('hand-computed: double tempo gives P = 1/2, R = 1', () => {
    const est = grid(0, 0.25, 121);
    // 61 matches, P = 61/121, R = 1, F = 2PR/(P+R)
    const p = 61 / 121;
    expect(fMeasure(ref, est)).toBeCloseTo((2 * p) / (p + 1), 12);
  });
  it('matches one-to-one: two estimates near one reference count once', () => {
    expect(matchCount([1], [0.97, 1.03], 0.07)).toBe(1);
    expect(matchCount([1, 1.1], [1.05], 0.07)).toBe(1);
    // both references have a partner only if 1.0 takes 0.95 and 1.1 takes 1.06
    expect(matchCount([1.0, 1.1], [0.95, 1.06], 0.07)).toBe(2);
    expect(matchCount([1.0, 1.1, 1.2], [1.06, 1.13], 0.07)).toBe(2);
  });
  it('is 0 on empty input', () => {
    expect(fMeasure([], ref)).toBe(0);
    expect(fMeasure(ref, [])).toBe(0);
  });
});

describe('continuity', () => {
  it('is 1 everywhere for a perfect estimate', () => {
    expect(continuity(ref, ref)).toEqual({ CMLc: 1, CMLt: 1, AMLc: 1, AMLt: 1 });
  });

  it('off-beat: CML 0, AML 1 (minus the unmatched last annotation)', () => {
    const est = grid(0.25, 0.5, 60);
    const s = continuity(ref, est);
    expect(s.CMLt).toBe(0);
    // The off-beat variation has 60 annotations, 60 estimates: all match.
    expect(s.AMLt).toBe(1);
  });

  it('double tempo: CMLt 0, AMLt 1', () => {
    const est = grid(0, 0.25, 121);
    const s = continuity(ref, est);
    expect(s.CMLt).toBe(0);
    expect(s.AMLt).toBe(1);
  });

  it('half tempo: CMLt 0, AMLt 1', () => {
    const est = grid(0, 1, 31);
    const s = continuity(ref, est);
    expect(s.CMLt).toBe(0);
    expect(s.AMLt).toBe(1);
  });

  it('hand-computed: one wrong beat in the middle splits the longest run', () => {
    const est = ref.slice();
    est[30] += 0.2; // 40 % of the interval: fails phase; neighbours fail period too
    const s = continuity(ref, est);
    // Beat 30 fails on phase (0.2/0.5 = 40 %), beat 31 on period (interval 0.3 vs 0.5); beat 29's interval is unaffected.
    // Successes: 0..29 (30 beats) and 32..60 (29 beats) => CMLt = 59/61, CMLc = 30/61.
    expect(s.CMLt).toBeCloseTo(59 / 61, 12);
    expect(s.CMLc).toBeCloseTo(30 / 61, 12);
  });

  it('tempo drift beyond 17.5 % fails', () => {
    expect(continuity(ref, grid(0, 0.5 * 1.2, 51)).CMLt).toBeLessThan(0.2);
  });

  it('is 0, not NaN, for fewer than two beats', () => {
    expect(continuity(ref, [1])).toEqual({ CMLc: 0, CMLt: 0, AMLc: 0, AMLt: 0 });
    expect(continuity([], [])).toEqual({ CMLc: 0, CMLt: 0, AMLc: 0, AMLt: 0 });
  });

  it('reference variations follow mir_eval', () => {
    const v = referenceVariations([0, 1, 2, 3]);
    expect(v).toEqual([[0, 1, 2, 3], [0.5, 1.5, 2.5], [0, 0.5, 1, 1.5, 2, 2.5, 3], [0, 2], [1, 3]]);
  });
});

describe('evaluateBeats / evaluateDownbeats', () => {
  it('ignores the first 5 s of both', () => {
    const est = [...ref.filter((b) => b < 5).map((b) => b + 0.25), ...ref.filter((b) => b >= 5)];
    expect(evaluateBeats(ref, est)).toEqual({ F: 1, CMLc: 1, CMLt: 1, AMLc: 1, AMLt: 1 });
  });
  it('downbeat F for a bar-phase error is 0', () => {
    const down = grid(0, 2, 16);
    expect(evaluateDownbeats(down, down)).toBe(1);
    expect(evaluateDownbeats(down, down.map((d) => d + 0.5))).toBe(0);
  });
});
