import { describe, expect, it } from 'vitest';
import { RealFft, hannWindow } from './fft';

/** Direct O(N^2) DFT as the reference. */
function dft(x: number[]): { re: number[]; im: number[] } {
  const n = x.length;
  const re: number[] = [], im: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    let r = 0, i = 0;
    for (let t = 0; t < n; t++) {
      r += x[t] * Math.cos((-2 * Math.PI * k * t) / n);
      i += x[t] * Math.sin((-2 * Math.PI * k * t) / n);
    }
    re.push(r);
    im.push(i);
  }
  return { re, im };
}

describe('RealFft', () => {
  it.each([4, 8, 64, 512])('matches a direct DFT for size %i', (n) => {
    let seed = n;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    const x = Array.from({ length: n }, rnd);
    const fft = new RealFft(n);
    const re = new Float64Array(fft.bins), im = new Float64Array(fft.bins);
    fft.forward(x, re, im);
    const ref = dft(x);
    for (let k = 0; k < fft.bins; k++) {
      expect(re[k]).toBeCloseTo(ref.re[k], 9);
      expect(im[k]).toBeCloseTo(ref.im[k], 9);
    }
  });

  it('puts a pure tone in its bin and zero-pads short input', () => {
    const n = 256;
    const fft = new RealFft(n);
    const x = Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * 10 * t) / n));
    const mag = new Float64Array(fft.bins);
    fft.magnitude(x, mag);
    expect(mag[10]).toBeCloseTo(n / 2, 6);
    expect(mag[11]).toBeLessThan(1e-9);
    fft.magnitude([1], mag); // impulse: flat spectrum
    for (const v of mag) expect(v).toBeCloseTo(1, 12);
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => new RealFft(100)).toThrow(RangeError);
    expect(() => new RealFft(2)).toThrow(RangeError);
  });

  it('hann window is periodic and peaks at the centre', () => {
    const w = hannWindow(8);
    expect(w[0]).toBe(0);
    expect(w[4]).toBeCloseTo(1, 12);
    expect(w[1]).toBeCloseTo(w[7], 12);
  });
});
