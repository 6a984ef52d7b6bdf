import type { PcmAudio } from '../../audio/pcm';
import { resampleToMono } from '../../dsp/polyphase-resample';
import { RecutError } from '../../../shared/errors';
import {
  FEATURE_COLUMNS, FEATURE_COUNT, FEATURE_OFFSETS, FEATURE_VERSION, FRAME_DESCRIPTOR_COUNT, featureSegments, previousFeatureRow,
  type FeatureSegmentKind,
} from '../../../shared/feature-columns';
import { FEATURE_SAMPLE_RATE, HOP, FFT_SIZE, MEL_BANDS, MFCC_COUNT, runFramePass, type FramePass } from './frame-pass';
import { sourceActivity, type SourceFrames } from './hpss';
import { writeRhythm } from './rhythm';

export interface FeatureSegment {
  start: number;
  end: number;
  kind: FeatureSegmentKind;
}

export interface BeatFeatures {
  featureVersion: number;
  columns: readonly string[];
  /** beats.length + 1: row k = beat unit k (the last one is the tail), row B = intro (src/shared/feature-columns.ts). */
  rows: number;
  /** Row-major rows x 121, always finite. */
  matrix: Float32Array;
  segments: FeatureSegment[];
}

export interface BeatFeatureOptions {
  /**
   * The same audio already mixed to mono at FEATURE_SAMPLE_RATE (22050 Hz), e.g. shared with another
   * analysis step; skips the resampling. Must have length ceil(duration * 22050).
   */
  mono22050?: Float32Array;
}

/** Time-domain measures of a segment use at least this many samples (centred), so empty segments get values. */
const MIN_SEGMENT_SAMPLES = HOP;
/** Samples beyond this magnitude are broken input (a lying float file); clamp so no power overflows. */
const SAMPLE_CLAMP = 16;
const DB_EPS = 1e-12;
/** How far outside [0, duration] a beat may be (and is then clamped). */
const TIME_TOLERANCE_S = 0.1;
/** Mean square of a frame from its one-sided power sum: 2 * S / (N * sum(hann^2)), sum(hann^2) = 3N/8. */
const POWER_TO_MEAN_SQUARE = 16 / (3 * FFT_SIZE * FFT_SIZE);

/**
 * The per-beat feature matrix of `audio` for the given beats and downbeats (seconds).
 * Throws RecutError('invalid_argument') for malformed audio or beats (unsorted, non-finite, more than
 * 100 ms outside the file; beats less far outside are clamped into it, and `segments` shows the result).
 */
export function computeBeatFeatures(audio: PcmAudio, rawBeats: readonly number[], downbeats: readonly number[], opts: BeatFeatureOptions = {}): BeatFeatures {
  const duration = validateAudio(audio);
  validateTimes('beats', rawBeats, duration, true);
  validateTimes('downbeats', downbeats, Infinity, false);
  const beats = rawBeats.map((t) => Math.min(duration, Math.max(0, t)));

  const expected = Math.ceil(duration * FEATURE_SAMPLE_RATE);
  if (opts.mono22050 && Math.abs(opts.mono22050.length - expected) > 2) {
    throw new RecutError('invalid_argument', `mono22050 has ${opts.mono22050.length} samples, expected ${expected}`);
  }
  const signal = sanitise(opts.mono22050 ?? resampleToMono(audio, FEATURE_SAMPLE_RATE));
  const B = beats.length;
  const rows = B + 1;
  const segments: FeatureSegment[] = featureSegments(beats, duration);

  const frames = runFramePass(signal);
  const sources = sourceActivity(frames.mel, frames.frames, MEL_BANDS, frames.melCentreHz);
  const matrix = new Float32Array(rows * FEATURE_COUNT);
  for (let r = 0; r < rows; r++) {
    const at = r * FEATURE_COUNT;
    writeTimeDomain(signal, segments[r], matrix, at);
    const [f0, f1] = frameRange(segments[r], frames.frames);
    if (f1 > f0) {
      poolFrames(frames, f0, f1, matrix, at);
      poolSources(sources, f0, f1, matrix, at + FEATURE_OFFSETS.source);
    } else {
      writeSilentSources(matrix, at + FEATURE_OFFSETS.source);
    }
  }
  for (let r = 0; r < rows; r++) {
    const p = previousFeatureRow(r, B);
    if (p < 0) continue; // the intro: deltas stay 0
    const cur = r * FEATURE_COUNT, prev = p * FEATURE_COUNT;
    for (let c = 0; c < FRAME_DESCRIPTOR_COUNT; c++) matrix[cur + FEATURE_OFFSETS.delta + c] = matrix[cur + c] - matrix[prev + c];
  }
  writeRhythm(matrix, FEATURE_COUNT, FEATURE_OFFSETS.rhythm, beats, downbeats);
  // Defence in depth: every path above is finite by construction, but a NaN must never reach a model.
  for (let i = 0; i < matrix.length; i++) if (!Number.isFinite(matrix[i])) matrix[i] = 0;
  return { featureVersion: FEATURE_VERSION, columns: FEATURE_COLUMNS, rows, matrix, segments };
}

function validateAudio(audio: PcmAudio): number {
  const bad = (why: string) => new RecutError('invalid_argument', `cannot compute features: ${why}`);
  if (!audio || !Array.isArray(audio.channels) || audio.channels.length === 0) throw bad('audio has no channels');
  if (!(audio.sampleRate >= 1000 && audio.sampleRate <= 768000)) throw bad(`unsupported sample rate ${audio.sampleRate}`);
  const n = audio.channels[0].length;
  if (audio.channels.some((c) => !(c instanceof Float32Array) || c.length !== n)) throw bad('channels differ in length or type');
  return n / audio.sampleRate;
}

/**
 * Times must be finite and increasing (strictly for beats), and inside the file give or take
 * TIME_TOLERANCE_S: a tracker's latency compensation can put a final beat a few ms past the end, which
 * is clamped to the end (an empty tail) rather than failing the whole analysis.
 */
function validateTimes(name: string, times: readonly number[], duration: number, strict: boolean): void {
  if (!Array.isArray(times)) throw new RecutError('invalid_argument', `${name} must be an array of seconds`);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    const ok =
      typeof t === 'number' && Number.isFinite(t) && t >= -TIME_TOLERANCE_S && t <= duration + TIME_TOLERANCE_S &&
      (i === 0 || (strict ? t > times[i - 1] : t >= times[i - 1]));
    if (!ok) {
      throw new RecutError('invalid_argument', `${name}[${i}] = ${t} is not a time in [0, ${duration}] after the previous one`, { index: i });
    }
  }
}

/** Replaces non-finite samples by 0 and clamps absurd ones (copying only when something changes). */
function sanitise(x: Float32Array): Float32Array {
  let out = x;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v >= -SAMPLE_CLAMP && v <= SAMPLE_CLAMP) continue;
    if (out === x) out = x.slice();
    out[i] = Number.isNaN(v) ? 0 : v > 0 ? SAMPLE_CLAMP : -SAMPLE_CLAMP;
  }
  return out;
}

/** Frames whose centre t * HOP / sr lies in [start, end); the single nearest frame when none does. */
export function frameRange(seg: { start: number; end: number }, frameCount: number): [number, number] {
  if (frameCount === 0) return [0, 0];
  const fps = FEATURE_SAMPLE_RATE / HOP;
  let f0 = Math.max(0, Math.ceil(seg.start * fps - 1e-9));
  let f1 = Math.min(frameCount, Math.ceil(seg.end * fps - 1e-9));
  if (f1 <= f0) {
    f0 = Math.min(frameCount - 1, Math.max(0, Math.round(((seg.start + seg.end) / 2) * fps)));
    f1 = f0 + 1;
  }
  return [f0, f1];
}

/** rms_db and zcr over the segment's samples, widened to MIN_SEGMENT_SAMPLES around its middle. */
function writeTimeDomain(x: Float32Array, seg: FeatureSegment, m: Float32Array, at: number): void {
  const n = x.length;
  let a = Math.round(seg.start * FEATURE_SAMPLE_RATE), b = Math.round(seg.end * FEATURE_SAMPLE_RATE);
  if (b - a < MIN_SEGMENT_SAMPLES) {
    const mid = (a + b) >> 1;
    a = mid - (MIN_SEGMENT_SAMPLES >> 1);
    b = a + MIN_SEGMENT_SAMPLES;
  }
  a = Math.max(0, a);
  b = Math.min(n, b);
  let sq = 0, crossings = 0;
  for (let i = a; i < b; i++) {
    const v = x[i];
    sq += v * v;
    if (i > a && (v >= 0) !== (x[i - 1] >= 0)) crossings++;
  }
  const len = b - a;
  m[at + 1] = 10 * Math.log10((len > 0 ? sq / len : 0) + DB_EPS);
  m[at + 2] = len > 1 ? crossings / (len - 1) : 0;
}

/** Mean over frames [f0, f1) of every frame descriptor except rms/zcr (columns 1, 2). */
function poolFrames(fp: FramePass, f0: number, f1: number, m: Float32Array, at: number): void {
  const k = 1 / (f1 - f0);
  const mean = (a: Float32Array) => {
    let s = 0;
    for (let f = f0; f < f1; f++) s += a[f];
    return s * k;
  };
  const meanBlock = (a: Float32Array, width: number, col: number) => {
    for (let c = 0; c < width; c++) {
      let s = 0;
      for (let f = f0; f < f1; f++) s += a[f * width + c];
      m[at + col + c] = s * k;
    }
  };
  m[at + 0] = mean(fp.onset);
  m[at + 3] = mean(fp.centroid);
  m[at + 4] = mean(fp.rolloff);
  m[at + 5] = mean(fp.bandwidth);
  m[at + 6] = mean(fp.flatness);
  meanBlock(fp.contrast, 7, 7);
  meanBlock(fp.mfcc, MFCC_COUNT, 14);
  meanBlock(fp.dmfcc, MFCC_COUNT, 27);
  meanBlock(fp.chroma, 12, 40);
}

/** Per source: RMS (dBFS), energy-weighted centroid (Hz), share of the segment's energy. */
function poolSources(s: SourceFrames, f0: number, f1: number, m: Float32Array, at: number): void {
  let total = 0;
  for (let f = f0; f < f1; f++) total += s.total[f];
  for (let src = 0; src < 4; src++) {
    let p = 0, ph = 0;
    for (let f = f0; f < f1; f++) {
      p += s.power[f * 4 + src];
      ph += s.powerHz[f * 4 + src];
    }
    const meanSquare = (p / (f1 - f0)) * POWER_TO_MEAN_SQUARE;
    m[at + 3 * src] = 10 * Math.log10(meanSquare + DB_EPS);
    m[at + 3 * src + 1] = p > 0 ? ph / p : 0;
    m[at + 3 * src + 2] = total > 0 ? Math.min(1, p / total) : 0;
  }
}

function writeSilentSources(m: Float32Array, at: number): void {
  for (let src = 0; src < 4; src++) m[at + 3 * src] = 10 * Math.log10(DB_EPS);
}
