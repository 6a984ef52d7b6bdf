import { RealFft, hannWindow } from '../../dsp/fft';
import { frameCount } from '../../dsp/stft';
import { chromaBank, contrastBandBins, dctMatrix, melBank } from './filterbanks';

/**
 * One streaming STFT pass over the 22050 Hz mono signal that computes every spectral frame descriptor
 * from the same power spectrum, then the descriptors that need neighbouring frames (log-mel, MFCC and
 * its derivative, onset strength).
 *
 * Why hand-written instead of essentia.js: essentia.js calls cross into WASM once per algorithm per frame
 * and copy vectors each time; window + spectrum + MFCC + centroid alone measured ~5.9 s per audio minute
 * here (2-core machine), against a budget of ~0.5 s for all 121 columns. Here the spectrum is never kept
 * (only 128 mel bands per frame are, for MFCC, onsets and HPSS), nothing is allocated per frame, and the
 * filterbanks are sparse tables built once.
 *
 * Frames are centred like librosa (`center=True`, zero padding): frame t is centred on sample t * HOP.
 */

export const FEATURE_SAMPLE_RATE = 22050;
export const FFT_SIZE = 2048;
export const HOP = 512;
export const MEL_BANDS = 128;
export const MFCC_COUNT = 13;
/** librosa power_to_db defaults: amin 1e-10 and an 80 dB range below the file's loudest mel cell. */
const AMIN = 1e-10;
const TOP_DB = 80;
const ROLLOFF = 0.85;
const CONTRAST_QUANTILE = 0.02;
/** Savitzky-Golay (order 1) derivative over +-4 frames, librosa.feature.delta's default width 9. */
const DELTA_HALF_WIDTH = 4;

export interface FramePass {
  frames: number;
  /** Per frame. */
  centroid: Float32Array;
  rolloff: Float32Array;
  bandwidth: Float32Array;
  flatness: Float32Array;
  onset: Float32Array;
  /** frames x 7 */
  contrast: Float32Array;
  /** frames x 13 */
  mfcc: Float32Array;
  /** frames x 13 */
  dmfcc: Float32Array;
  /** frames x 12 */
  chroma: Float32Array;
  /** frames x MEL_BANDS, power (linear, unnormalised FFT scale). */
  mel: Float32Array;
  melCentreHz: Float64Array;
}

/** Tables built once per process: the filterbanks do not depend on the audio. */
let tables: ReturnType<typeof buildTables> | undefined;
function buildTables() {
  const { bank: mel, centreHz } = melBank(MEL_BANDS, FFT_SIZE, FEATURE_SAMPLE_RATE);
  return {
    fft: new RealFft(FFT_SIZE),
    window: hannWindow(FFT_SIZE),
    mel,
    melCentreHz: centreHz,
    chroma: chromaBank(FFT_SIZE, FEATURE_SAMPLE_RATE),
    contrastBins: contrastBandBins(FFT_SIZE, FEATURE_SAMPLE_RATE),
    dct: dctMatrix(MFCC_COUNT, MEL_BANDS),
    freq: Float64Array.from({ length: FFT_SIZE / 2 + 1 }, (_, k) => (k * FEATURE_SAMPLE_RATE) / FFT_SIZE),
  };
}

export function runFramePass(signal: Float32Array): FramePass {
  tables ??= buildTables();
  const t = tables;
  const bins = FFT_SIZE / 2 + 1;
  const frames = frameCount(signal.length, HOP);
  const out: FramePass = {
    frames,
    centroid: new Float32Array(frames),
    rolloff: new Float32Array(frames),
    bandwidth: new Float32Array(frames),
    flatness: new Float32Array(frames),
    onset: new Float32Array(frames),
    contrast: new Float32Array(frames * 7),
    mfcc: new Float32Array(frames * MFCC_COUNT),
    dmfcc: new Float32Array(frames * MFCC_COUNT),
    chroma: new Float32Array(frames * 12),
    mel: new Float32Array(frames * MEL_BANDS),
    melCentreHz: t.melCentreHz,
  };
  const buf = new Float64Array(FFT_SIZE);
  const re = new Float64Array(bins), im = new Float64Array(bins);
  const power = new Float64Array(bins), mag = new Float64Array(bins);
  const lowScratch = new Float64Array(bins), highScratch = new Float64Array(bins);
  const n = signal.length, half = FFT_SIZE >> 1;

  for (let f = 0; f < frames; f++) {
    const start = f * HOP - half;
    if (start >= 0 && start + FFT_SIZE <= n) {
      for (let i = 0; i < FFT_SIZE; i++) buf[i] = signal[start + i] * t.window[i];
    } else {
      for (let i = 0; i < FFT_SIZE; i++) {
        const s = start + i;
        buf[i] = s >= 0 && s < n ? signal[s] * t.window[i] : 0;
      }
    }
    t.fft.forward(buf, re, im);
    let magSum = 0, magF = 0, magF2 = 0, powSum = 0, logPowSum = 0, prod = 1;
    for (let k = 0; k < bins; k++) {
      const p = re[k] * re[k] + im[k] * im[k];
      const m = Math.sqrt(p);
      power[k] = p;
      mag[k] = m;
      const fk = t.freq[k];
      magSum += m;
      magF += m * fk;
      magF2 += m * fk * fk;
      const pc = p > AMIN ? p : AMIN;
      powSum += pc;
      // Flatness needs sum(log p): take one log per 16 bins of their product (p in [1e-10, ~1e9], so a
      // product of 16 stays far inside double range), 16x fewer Math.log calls.
      prod *= pc;
      if ((k & 15) === 15) {
        logPowSum += Math.log(prod);
        prod = 1;
      }
    }
    logPowSum += Math.log(prod);
    // Centroid, bandwidth (p = 2) and rolloff on the magnitude spectrum, flatness on power (librosa).
    if (magSum > 1e-9) {
      const c = magF / magSum;
      out.centroid[f] = c;
      out.bandwidth[f] = Math.sqrt(Math.max(0, magF2 / magSum - c * c));
      const target = ROLLOFF * magSum;
      let cum = 0, k = 0;
      for (; k < bins - 1; k++) {
        cum += mag[k];
        if (cum >= target) break;
      }
      out.rolloff[f] = t.freq[k];
    }
    out.flatness[f] = Math.min(1, Math.exp(logPowSum / bins) / (powSum / bins));

    spectralContrast(mag, t.contrastBins, lowScratch, highScratch, out.contrast, f * 7);
    chromaFrame(power, t.chroma, out.chroma, f * 12);
    const melRow = f * MEL_BANDS;
    const { start: ms, length: ml, offset: mo, weights: mw } = t.mel;
    for (let b = 0; b < MEL_BANDS; b++) {
      let acc = 0;
      const s0 = ms[b], o0 = mo[b], len = ml[b];
      for (let j = 0; j < len; j++) acc += mw[o0 + j] * power[s0 + j];
      out.mel[melRow + b] = acc;
    }
  }
  cepstralAndOnset(out, t.dct);
  return out;
}

/**
 * librosa spectral_contrast on one magnitude frame: 10*log10(mean top 2 % / mean bottom 2 %) per band.
 * The 2 % quantiles are at most 9 bins, so instead of sorting each band (measured ~0.1 s per audio minute)
 * one scan keeps the q smallest and q largest values in two tiny sorted lists; insertions are rare.
 */
function spectralContrast(mag: Float64Array, edges: Int32Array, low: Float64Array, high: Float64Array, out: Float32Array, at: number): void {
  for (let b = 0; b < edges.length - 1; b++) {
    const lo = edges[b], hi = edges[b + 1], nb = hi - lo;
    if (nb <= 0) continue;
    const q = Math.max(1, Math.round(CONTRAST_QUANTILE * nb));
    // low: ascending, q smallest so far; high: descending, q largest so far.
    for (let j = 0; j < q; j++) {
      low[j] = Infinity;
      high[j] = -Infinity;
    }
    for (let k = lo; k < hi; k++) {
      const v = mag[k];
      if (v < low[q - 1]) {
        let j = q - 1;
        while (j > 0 && low[j - 1] > v) { low[j] = low[j - 1]; j--; }
        low[j] = v;
      }
      if (v > high[q - 1]) {
        let j = q - 1;
        while (j > 0 && high[j - 1] < v) { high[j] = high[j - 1]; j--; }
        high[j] = v;
      }
    }
    let valley = 0, peak = 0;
    for (let j = 0; j < q; j++) {
      valley += low[j];
      peak += high[j];
    }
    out[at + b] = 10 * Math.log10(Math.max(peak / q, AMIN)) - 10 * Math.log10(Math.max(valley / q, AMIN));
  }
}

function chromaFrame(power: Float64Array, bank: ReturnType<typeof chromaBank>, out: Float32Array, at: number): void {
  const { bin, pcLow, weightLow } = bank;
  for (let i = 0; i < bin.length; i++) {
    const p = power[bin[i]], w = weightLow[i], pc = pcLow[i];
    out[at + pc] += w * p;
    out[at + (pc === 11 ? 0 : pc + 1)] += (1 - w) * p;
  }
  let max = 0;
  for (let c = 0; c < 12; c++) if (out[at + c] > max) max = out[at + c];
  // Max-normalise each frame (librosa norm=inf); a frame with (almost) no pitched energy stays all zero.
  if (max > 1e-6) for (let c = 0; c < 12; c++) out[at + c] /= max;
  else for (let c = 0; c < 12; c++) out[at + c] = 0;
}

/** log-mel (dB, 80 dB range) -> MFCC by DCT, its time derivative, and onset strength (mean positive flux). */
function cepstralAndOnset(out: FramePass, dct: Float32Array): void {
  const { frames, mel, mfcc, dmfcc, onset } = out;
  let maxDb = -Infinity;
  const logMel = new Float32Array(mel.length);
  for (let i = 0; i < mel.length; i++) {
    const db = 10 * Math.log10(Math.max(mel[i], AMIN));
    logMel[i] = db;
    if (db > maxDb) maxDb = db;
  }
  const floor = maxDb - TOP_DB;
  for (let i = 0; i < logMel.length; i++) if (logMel[i] < floor) logMel[i] = floor;

  for (let f = 0; f < frames; f++) {
    const row = f * MEL_BANDS;
    for (let c = 0; c < MFCC_COUNT; c++) {
      let acc = 0;
      const d = c * MEL_BANDS;
      for (let b = 0; b < MEL_BANDS; b++) acc += dct[d + b] * logMel[row + b];
      mfcc[f * MFCC_COUNT + c] = acc;
    }
    if (f > 0) {
      let flux = 0;
      for (let b = 0; b < MEL_BANDS; b++) {
        const diff = logMel[row + b] - logMel[row - MEL_BANDS + b];
        if (diff > 0) flux += diff;
      }
      onset[f] = flux / MEL_BANDS;
    }
  }

  let norm = 0;
  for (let k = 1; k <= DELTA_HALF_WIDTH; k++) norm += 2 * k * k;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < MFCC_COUNT; c++) {
      let acc = 0;
      for (let k = 1; k <= DELTA_HALF_WIDTH; k++) {
        const ahead = Math.min(frames - 1, f + k), behind = Math.max(0, f - k); // edges repeat the end frame
        acc += k * (mfcc[ahead * MFCC_COUNT + c] - mfcc[behind * MFCC_COUNT + c]);
      }
      dmfcc[f * MFCC_COUNT + c] = acc / norm;
    }
  }
}
