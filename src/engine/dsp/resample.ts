/**
 * Integer-factor decimation with a windowed-sinc anti-alias filter.
 *
 * Analysis only needs content below ~5 kHz, so we decimate by the integer factor that brings the rate
 * closest to (not below) a target (44.1 kHz -> 11.025 kHz, 48 kHz -> 12 kHz). The FIR is evaluated only at
 * output samples, so the cost is outputs x taps (about 20 M multiply-adds per audio minute), not inputs x taps.
 */
export interface Decimated {
  signal: Float32Array;
  sampleRate: number;
  factor: number;
}

export function decimateFactor(sampleRate: number, minRate: number): number {
  return Math.max(1, Math.floor(sampleRate / minRate));
}

export function decimate(signal: Float32Array, sampleRate: number, minRate: number, tapsPerFactor = 8): Decimated {
  return decimateMix([signal], sampleRate, minRate, tapsPerFactor);
}

/**
 * Mono mix (mean of the channels) and decimation in one pass, so no full-rate mono copy is made.
 * With one channel and nothing to decimate, the channel itself is returned.
 */
export function decimateMix(channels: Float32Array[], sampleRate: number, minRate: number, tapsPerFactor = 8): Decimated {
  const factor = decimateFactor(sampleRate, minRate);
  if (channels.length !== 1) {
    // Stereo and beyond: mix through a unit-gain "FIR" of one tap when there is nothing to decimate.
    if (factor === 1) return { signal: mixDown(channels), sampleRate, factor };
  } else if (factor === 1) return { signal: channels[0], sampleRate, factor };
  if (channels.length > 2) return decimateMix([mixDown(channels)], sampleRate, minRate, tapsPerFactor);
  const signal = channels[0];
  const other = channels.length === 2 ? channels[1] : null;
  // Cutoff a little below the new Nyquist; tap count grows with the factor to keep the transition band proportional.
  const fir = lowpassFir(tapsPerFactor * factor, 0.45 / factor);
  const m = fir.length;
  const centre = (m - 1) / 2;
  // ceil: the last output still sees the final input samples (so a NaN there is not silently dropped).
  const outLen = Math.ceil(signal.length / factor);
  const out = new Float32Array(outLen);
  const n = signal.length;
  const off = Math.floor(centre);
  for (let o = 0; o < outLen; o++) {
    const base = o * factor - off;
    let acc = 0;
    if (other) {
      if (base >= 0 && base + m <= n) {
        for (let j = 0; j < m; j++) acc += fir[j] * (signal[base + j] + other[base + j]);
      } else {
        for (let j = 0; j < m; j++) {
          const s = base + j;
          if (s >= 0 && s < n) acc += fir[j] * (signal[s] + other[s]);
        }
      }
      out[o] = 0.5 * acc;
    } else {
      if (base >= 0 && base + m <= n) {
        for (let j = 0; j < m; j++) acc += fir[j] * signal[base + j];
      } else {
        for (let j = 0; j < m; j++) {
          const s = base + j;
          if (s >= 0 && s < n) acc += fir[j] * signal[s];
        }
      }
      out[o] = acc;
    }
  }
  return { signal: out, sampleRate: sampleRate / factor, factor };
}

function mixDown(channels: Float32Array[]): Float32Array {
  const n = channels[0].length;
  const out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] += ch[i];
  const k = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] *= k;
  return out;
}

/** Blackman-windowed sinc lowpass, cutoff as a fraction of the sample rate (0.5 = Nyquist), unit DC gain. */
export function lowpassFir(taps: number, cutoff: number): Float64Array {
  const h = new Float64Array(taps);
  const c = (taps - 1) / 2;
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const x = i - c;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (taps - 1));
    h[i] = sinc * w;
    sum += h[i];
  }
  for (let i = 0; i < taps; i++) h[i] /= sum;
  return h;
}
