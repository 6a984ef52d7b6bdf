import { CONTRAST_BAND_EDGES_HZ } from '../../../shared/feature-columns';

/**
 * Precomputed, sparse filterbanks over the bins of one STFT, built once per extractor so the per-frame
 * loop is only multiply-adds over typed arrays.
 */

export interface SparseBank {
  /** First bin of filter b. */
  start: Int32Array;
  /** Number of bins of filter b. */
  length: Int32Array;
  /** Offset of filter b's weights in `weights`. */
  offset: Int32Array;
  weights: Float32Array;
}

/** Slaney mel scale (librosa's default, htk=False): linear below 1 kHz, logarithmic above. */
export function hzToMel(hz: number): number {
  const fSp = 200 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
  return hz < minLogHz ? hz / fSp : minLogMel + Math.log(hz / minLogHz) / logStep;
}

export function melToHz(mel: number): number {
  const fSp = 200 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
  return mel < minLogMel ? mel * fSp : minLogHz * Math.exp(logStep * (mel - minLogMel));
}

/**
 * Triangular mel filters of peak height 1 (no area normalisation) from 0 Hz to Nyquist. With height-1
 * triangles the filters sum to ~1 at every interior bin, so the band powers of a frame add up to its
 * spectral power: the source-activity RMS and energy ratios rely on that.
 */
export function melBank(bands: number, fftSize: number, sampleRate: number): { bank: SparseBank; centreHz: Float64Array } {
  const bins = fftSize / 2 + 1;
  const maxMel = hzToMel(sampleRate / 2);
  const edges = Float64Array.from({ length: bands + 2 }, (_, i) => melToHz((maxMel * i) / (bands + 1)));
  const rows: number[][] = [];
  const starts: number[] = [];
  for (let b = 0; b < bands; b++) {
    const lo = edges[b], mid = edges[b + 1], hi = edges[b + 2];
    const w: number[] = [];
    let first = -1;
    for (let k = 0; k < bins; k++) {
      const f = (k * sampleRate) / fftSize;
      const v = Math.max(0, Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid)));
      if (v > 0) {
        if (first < 0) first = k;
        // Zeros inside the run keep the run contiguous (never happens for a triangle, but be exact).
        while (first + w.length < k) w.push(0);
        w.push(v);
      }
    }
    starts.push(Math.max(0, first));
    rows.push(w);
  }
  return { bank: toSparse(starts, rows), centreHz: edges.slice(1, bands + 1) };
}

/**
 * Chroma: each bin between 60 Hz and 5 kHz gives its power to the two pitch classes nearest its
 * frequency, linearly by distance in semitones (weights sum to 1). Below 60 Hz a 10.8 Hz bin spans more
 * than two semitones, above 5 kHz there is little pitch: both are left out.
 */
export function chromaBank(fftSize: number, sampleRate: number, fminHz = 60, fmaxHz = 5000): { bin: Int32Array; pcLow: Int32Array; weightLow: Float32Array } {
  const bins: number[] = [], pcs: number[] = [], ws: number[] = [];
  for (let k = 1; k < fftSize / 2 + 1; k++) {
    const f = (k * sampleRate) / fftSize;
    if (f < fminHz || f > fmaxHz) continue;
    const midi = 69 + 12 * Math.log2(f / 440);
    const low = Math.floor(midi);
    bins.push(k);
    pcs.push(((low % 12) + 12) % 12); // MIDI 60 = C, so pitch class = midi mod 12
    ws.push(1 - (midi - low));
  }
  return { bin: Int32Array.from(bins), pcLow: Int32Array.from(pcs), weightLow: Float32Array.from(ws) };
}

/** [first, last) bin of each spectral-contrast octave band; the last band includes Nyquist. */
export function contrastBandBins(fftSize: number, sampleRate: number): Int32Array {
  const bins = fftSize / 2 + 1;
  const edges = CONTRAST_BAND_EDGES_HZ.map((hz, i) =>
    i === CONTRAST_BAND_EDGES_HZ.length - 1 ? bins : Math.min(bins, Math.round((hz * fftSize) / sampleRate)),
  );
  return Int32Array.from(edges);
}

/** Orthonormal DCT-II matrix, `coeffs` x `inputs`, row-major (scipy.fft.dct(norm='ortho'), as librosa's MFCC). */
export function dctMatrix(coeffs: number, inputs: number): Float32Array {
  const m = new Float32Array(coeffs * inputs);
  for (let c = 0; c < coeffs; c++) {
    const scale = c === 0 ? Math.sqrt(1 / inputs) : Math.sqrt(2 / inputs);
    for (let i = 0; i < inputs; i++) m[c * inputs + i] = scale * Math.cos((Math.PI * c * (2 * i + 1)) / (2 * inputs));
  }
  return m;
}

function toSparse(starts: number[], rows: number[][]): SparseBank {
  const n = rows.length;
  const start = Int32Array.from(starts);
  const length = Int32Array.from(rows.map((r) => r.length));
  const offset = new Int32Array(n);
  let total = 0;
  for (let b = 0; b < n; b++) {
    offset[b] = total;
    total += rows[b].length;
  }
  const weights = new Float32Array(total);
  rows.forEach((r, b) => weights.set(r, offset[b]));
  return { start, length, offset, weights };
}
