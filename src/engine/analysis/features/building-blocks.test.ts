import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { slidingMedian } from './hpss';
import { chromaBank, contrastBandBins, dctMatrix, hzToMel, melBank, melToHz } from './filterbanks';
import { barPhaseAt } from './rhythm';

function naiveMedian(x: number[], k: number): number[] {
  const h = k >> 1;
  return x.map((_, i) => {
    const w = Array.from({ length: k }, (_, j) => x[Math.min(x.length - 1, Math.max(0, i - h + j))]).sort((a, b) => a - b);
    return w[h];
  });
}

describe('slidingMedian', () => {
  it('equals a naive median filter with repeated edges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0, 1, 1, 2)), { minLength: 1, maxLength: 60 }),
        fc.constantFrom(1, 3, 5, 9, 17),
        (values, k) => {
          const x = Float64Array.from(values);
          const out = new Float64Array(x.length);
          slidingMedian(x, x.length, k, new Float64Array(k), out);
          const plusZero = (v: number) => v + 0; // -0 and 0 are the same median
          expect(Array.from(out, plusZero)).toEqual(naiveMedian(Array.from(x), k).map(plusZero));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('filterbanks', () => {
  it('mel scale round-trips and is linear below 1 kHz', () => {
    for (const hz of [0, 100, 440, 999, 1000, 4000, 11025]) expect(melToHz(hzToMel(hz))).toBeCloseTo(hz, 6);
    expect(hzToMel(600)).toBeCloseTo(9, 9);
  });

  it('height-1 mel triangles sum to 1 at every bin between the first and last centre (energy is kept)', () => {
    const { bank, centreHz } = melBank(128, 2048, 22050);
    const sum = new Float64Array(1025);
    for (let b = 0; b < 128; b++) for (let j = 0; j < bank.length[b]; j++) sum[bank.start[b] + j] += bank.weights[bank.offset[b] + j];
    const first = Math.ceil((centreHz[0] * 2048) / 22050), last = Math.floor((centreHz[127] * 2048) / 22050);
    for (let k = first; k <= last; k++) expect(sum[k]).toBeCloseTo(1, 5);
    expect(centreHz[127]).toBeLessThan(11025);
  });

  it('chroma maps A4 bins to pitch class 9 and splits a bin between two neighbours', () => {
    const c = chromaBank(2048, 22050);
    const i = Array.from(c.bin).indexOf(41); // 441.4 Hz, a hair above A4
    expect(c.pcLow[i]).toBe(9);
    expect(c.weightLow[i]).toBeGreaterThan(0.9);
    expect(Array.from(c.weightLow).every((w) => w > 0 && w <= 1)).toBe(true);
  });

  it('contrast bands are contiguous octaves ending at Nyquist', () => {
    const e = Array.from(contrastBandBins(2048, 22050));
    expect(e).toEqual([0, 19, 37, 74, 149, 297, 594, 1025]);
  });

  it('the DCT matrix is orthonormal', () => {
    const d = dctMatrix(13, 128);
    for (let a = 0; a < 13; a++) for (let b = 0; b < 13; b++) {
      let s = 0;
      for (let i = 0; i < 128; i++) s += d[a * 128 + i] * d[b * 128 + i];
      expect(s).toBeCloseTo(a === b ? 1 : 0, 5);
    }
  });
});

describe('barPhaseAt', () => {
  it('extrapolates before the first and after the last downbeat, and snaps round-off onto the downbeat', () => {
    const d = [2, 4, 6];
    expect(barPhaseAt(1, d, 99)).toBeCloseTo(0.5, 9);
    expect(barPhaseAt(7.5, d, 99)).toBeCloseTo(0.75, 9);
    expect(barPhaseAt(4 - 1e-7, d, 99)).toBe(0);
    expect(barPhaseAt(3, [2], 4)).toBeCloseTo(0.25, 9); // one downbeat: the fallback bar length
    expect(barPhaseAt(3, [], 4)).toBe(0);
  });
});
