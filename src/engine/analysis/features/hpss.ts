import { BASS_MAX_HZ, VOCAL_MAX_HZ } from '../../../shared/feature-columns';

/**
 * Harmonic/percussive separation (Fitzgerald 2010, as librosa.decompose.hpss) on the 128-band mel power
 * spectrogram rather than the 1025-bin STFT: 8x fewer cells, and the mel frames are already in memory.
 * Harmonic estimate = median over time (17 frames, ~0.4 s), percussive estimate = median over frequency
 * (9 mel bands), soft Wiener masks of power 2. Medians are sliding (sorted window updated by one removal
 * and one insertion per step), so the cost is O(cells x kernel) with tiny constants: a few ms per minute.
 *
 * Then each frame's power is split into the four sources of the feature columns:
 *   perc  = percussive part, all bands          bass  = whole mix, bands centred below BASS_MAX_HZ
 *   vocal = harmonic part, BASS_MAX_HZ-VOCAL_MAX_HZ   other = harmonic part above VOCAL_MAX_HZ
 */

export const HARMONIC_KERNEL_FRAMES = 17;
export const PERCUSSIVE_KERNEL_BANDS = 9;
export const SOURCE_COUNT = 4; // perc, bass, vocal, other (the order of SOURCES)

export interface SourceFrames {
  /** frames x 4: power of each source per frame (mel power units). */
  power: Float32Array;
  /** frames x 4: sum of centre frequency x power, for energy-weighted centroids. */
  powerHz: Float32Array;
  /** Total mel power per frame. */
  total: Float32Array;
}

export function sourceActivity(mel: Float32Array, frames: number, bands: number, centreHz: Float64Array): SourceFrames {
  const harmonic = new Float32Array(frames * bands);
  const percussive = new Float32Array(frames * bands);
  const seq = new Float64Array(Math.max(frames, bands));
  const med = new Float64Array(Math.max(frames, bands));
  const window = new Float64Array(Math.max(HARMONIC_KERNEL_FRAMES, PERCUSSIVE_KERNEL_BANDS));

  for (let b = 0; b < bands; b++) {
    for (let f = 0; f < frames; f++) seq[f] = mel[f * bands + b];
    slidingMedian(seq, frames, HARMONIC_KERNEL_FRAMES, window, med);
    for (let f = 0; f < frames; f++) harmonic[f * bands + b] = med[f];
  }
  for (let f = 0; f < frames; f++) {
    const row = f * bands;
    for (let b = 0; b < bands; b++) seq[b] = mel[row + b];
    slidingMedian(seq, bands, PERCUSSIVE_KERNEL_BANDS, window, med);
    for (let b = 0; b < bands; b++) percussive[row + b] = med[b];
  }

  const power = new Float32Array(frames * 4), powerHz = new Float32Array(frames * 4), total = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    const row = f * bands;
    let tot = 0;
    for (let b = 0; b < bands; b++) {
      const x = mel[row + b];
      if (x <= 0) continue;
      const h = harmonic[row + b], p = percussive[row + b];
      const h2 = h * h, p2 = p * p;
      const maskH = h2 + p2 > 0 ? h2 / (h2 + p2) : 0.5;
      const xh = x * maskH, xp = x - xh;
      const hz = centreHz[b];
      tot += x;
      add(power, powerHz, f * 4 + 0, xp, hz);
      if (hz < BASS_MAX_HZ) add(power, powerHz, f * 4 + 1, x, hz);
      else if (hz < VOCAL_MAX_HZ) add(power, powerHz, f * 4 + 2, xh, hz);
      else add(power, powerHz, f * 4 + 3, xh, hz);
    }
    total[f] = tot;
  }
  return { power, powerHz, total };
}

function add(power: Float32Array, powerHz: Float32Array, at: number, p: number, hz: number): void {
  power[at] += p;
  powerHz[at] += p * hz;
}

/**
 * Median of x[i - h .. i + h] for every i < n (odd kernel k = 2h + 1), edges repeating the end samples.
 * `win` (length >= k) holds the current window sorted; each step removes the outgoing sample and inserts
 * the incoming one by shifting, O(k) per sample without allocation.
 */
export function slidingMedian(x: Float64Array, n: number, k: number, win: Float64Array, out: Float64Array): void {
  if (n === 0) return;
  const h = k >> 1;
  const at = (i: number) => x[i < 0 ? 0 : i >= n ? n - 1 : i];
  for (let j = 0; j < k; j++) win[j] = at(j - h);
  const w = win.subarray(0, k);
  w.sort();
  for (let i = 0; i < n; i++) {
    out[i] = w[h];
    if (i === n - 1) break;
    const leaving = at(i - h), entering = at(i + h + 1);
    if (leaving === entering) continue;
    // Remove `leaving` (it is in the window: find it by binary search).
    let lo = 0, hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid] < leaving) lo = mid + 1;
      else hi = mid;
    }
    let pos = lo;
    // Slide `entering` into the hole, keeping the window sorted.
    while (pos > 0 && w[pos - 1] > entering) {
      w[pos] = w[pos - 1];
      pos--;
    }
    while (pos < k - 1 && w[pos + 1] < entering) {
      w[pos] = w[pos + 1];
      pos++;
    }
    w[pos] = entering;
  }
}
