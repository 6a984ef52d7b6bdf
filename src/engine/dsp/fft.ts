/**
 * Radix-2 real FFT with precomputed twiddles and bit-reversal table.
 *
 * Written here rather than pulled from npm because the hot loop of every analysis (onset envelope,
 * chroma, per-beat features) is a few thousand small real FFTs per audio minute; a real-input transform
 * done as one complex FFT of half the size (the "packing" trick) is ~2x faster than a complex FFT of the
 * full size, and keeping it in one small file lets callers reuse one instance (no per-call allocation).
 *
 * Usage: `const fft = new RealFft(1024); fft.forward(frame, re, im)` with `re`/`im` of length 513.
 * Convention: X[k] = sum_n x[n] e^{-2 pi i k n / N}, unnormalised (numpy.fft.rfft).
 */
export class RealFft {
  readonly size: number;
  /** Number of output bins: size / 2 + 1. */
  readonly bins: number;
  private readonly half: number;
  private readonly bitrev: Uint32Array;
  /** cos/sin of -2 pi j / half for the complex half-size FFT, j < half / 2. */
  private readonly cosH: Float64Array;
  private readonly sinH: Float64Array;
  /** cos/sin of -2 pi k / size for the real-unpacking step, k <= half. */
  private readonly cosN: Float64Array;
  private readonly sinN: Float64Array;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
      throw new RangeError(`RealFft size must be a power of two >= 4, got ${size}`);
    }
    this.size = size;
    this.bins = size / 2 + 1;
    const half = size / 2;
    this.half = half;
    const bits = Math.log2(half);
    this.bitrev = new Uint32Array(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.bitrev[i] = r;
    }
    this.cosH = new Float64Array(Math.max(1, half / 2));
    this.sinH = new Float64Array(Math.max(1, half / 2));
    for (let j = 0; j < half / 2; j++) {
      this.cosH[j] = Math.cos((-2 * Math.PI * j) / half);
      this.sinH[j] = Math.sin((-2 * Math.PI * j) / half);
    }
    this.cosN = new Float64Array(half + 1);
    this.sinN = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      this.cosN[k] = Math.cos((-2 * Math.PI * k) / size);
      this.sinN[k] = Math.sin((-2 * Math.PI * k) / size);
    }
    this.zr = new Float64Array(half);
    this.zi = new Float64Array(half);
  }

  /** Spectrum of `input` (first `size` samples; shorter input is zero-padded) into `re`/`im` (length >= bins). */
  forward(input: ArrayLike<number>, re: Float64Array | Float32Array, im: Float64Array | Float32Array): void {
    const { half, zr, zi, bitrev } = this;
    const n = input.length;
    // Pack even samples as real part, odd samples as imaginary part, in bit-reversed order.
    if (n >= this.size) {
      for (let i = 0; i < half; i++) {
        const j = bitrev[i];
        zr[j] = input[2 * i];
        zi[j] = input[2 * i + 1];
      }
    } else {
      for (let i = 0; i < half; i++) {
        const j = bitrev[i];
        const a = 2 * i;
        zr[j] = a < n ? input[a] : 0;
        zi[j] = a + 1 < n ? input[a + 1] : 0;
      }
    }
    this.complexInPlace();
    // Unpack: X[k] = E[k] + W^k O[k], with E, O the spectra of even and odd samples.
    const { cosN, sinN } = this;
    for (let k = 0; k <= half; k++) {
      const k1 = k === half ? 0 : k;
      const k2 = k === 0 ? 0 : half - k;
      const ar = zr[k1], ai = zi[k1];
      const br = zr[k2], bi = -zi[k2]; // conj(Z[half-k])
      const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
      // O = (Z[k] - conj(Z[half-k])) / (2i)
      const dr = ar - br, di = ai - bi;
      const or = 0.5 * di, oi = -0.5 * dr;
      const wr = cosN[k], wi = sinN[k];
      re[k] = er + wr * or - wi * oi;
      im[k] = ei + wr * oi + wi * or;
    }
  }

  /** |X[k]| for k < bins into `out`. `scratchRe`/`scratchIm` avoid allocation when given. */
  magnitude(input: ArrayLike<number>, out: Float32Array | Float64Array, scratchRe?: Float64Array, scratchIm?: Float64Array): void {
    const re = scratchRe ?? new Float64Array(this.bins);
    const im = scratchIm ?? new Float64Array(this.bins);
    this.forward(input, re, im);
    for (let k = 0; k < this.bins; k++) out[k] = Math.sqrt(re[k] * re[k] + im[k] * im[k]);
  }

  private complexInPlace(): void {
    const { half, zr, zi, cosH, sinH } = this;
    // Stage 1 (length-2 butterflies) has twiddle 1: no multiplications.
    for (let p = 0; p < half; p += 2) {
      const ar = zr[p], ai = zi[p], br = zr[p + 1], bi = zi[p + 1];
      zr[p] = ar + br;
      zi[p] = ai + bi;
      zr[p + 1] = ar - br;
      zi[p + 1] = ai - bi;
    }
    for (let len = 4; len <= half; len <<= 1) {
      const hl = len >> 1;
      const step = half / len;
      for (let j = 0, t = 0; j < hl; j++, t += step) {
        const wr = cosH[t], wi = sinH[t];
        for (let p = j; p < half; p += len) {
          const q = p + hl;
          const qr = zr[q], qi = zi[q];
          const xr = qr * wr - qi * wi;
          const xi = qr * wi + qi * wr;
          const pr = zr[p], pi = zi[p];
          zr[q] = pr - xr;
          zi[q] = pi - xi;
          zr[p] = pr + xr;
          zi[p] = pi + xi;
        }
      }
    }
  }
}

/** Periodic Hann window of length n (the STFT convention: sums to a constant at 50 % / 75 % overlap). */
export function hannWindow(n: number): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
