import { RecutError } from '../../../shared/errors';
import { decimateMix } from '../../dsp/resample';
import type { PcmAudio } from '../../audio/pcm';
import { dpBeats, trimWeakEnds } from './dp';
import { normaliseEnvelope, onsetEnvelopes, type OnsetEnvelopes } from './onset';
import { downbeatsFrom, estimateMeter, subdivisionOf } from './meter';
import { compoundPhase, halvingPhase, regroupCompound, shouldDoubleTempo } from './octave';
import { localTempoPath, periodPerFrame, tempogram } from './tempo';
import { emptyAnalysis, type BeatAnalysis, type TrackBeatsOptions } from './types';

/** Analysis rate floor: 44.1 kHz -> 11.025 kHz, 48 kHz -> 12 kHz. Onsets and tempo need nothing above ~5 kHz. */
export const ANALYSIS_MIN_RATE = 11025;
/** Hop of the onset envelope, ~11.6 ms: well inside the +-70 ms evaluation window. */
const HOP_SECONDS = 128 / 11025;
/** Below this mean log-band energy the whole input counts as silence. */
const SILENCE_ENERGY = 1e-3;

export function validatePcm(audio: PcmAudio): void {
  if (!audio || !Array.isArray(audio.channels) || audio.channels.length === 0) {
    throw new RecutError('invalid_argument', 'Audio has no channels');
  }
  if (!(audio.sampleRate >= 1000 && audio.sampleRate <= 768000)) {
    throw new RecutError('invalid_argument', `Unsupported sample rate: ${audio.sampleRate}`);
  }
  const n = audio.channels[0].length;
  for (const ch of audio.channels) {
    if (!(ch instanceof Float32Array) || ch.length !== n) throw new RecutError('invalid_argument', 'Audio channels must be Float32Arrays of equal length');
  }
}

/** Mono, decimated, NaN-free analysis signal. */
export function analysisSignal(audio: PcmAudio): { signal: Float32Array; sampleRate: number } {
  validatePcm(audio);
  const d = decimateMix(audio.channels, audio.sampleRate, ANALYSIS_MIN_RATE);
  // Every input sample reaches some output through the FIR, so a NaN or Inf anywhere shows up here.
  assertFinite(d.signal);
  return { signal: d.signal, sampleRate: d.sampleRate };
}

function assertFinite(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RecutError('corrupt_audio', 'Audio contains non-finite samples', { index: i });
  }
}

export interface BeatEvidence {
  env: OnsetEnvelopes;
  /** Normalised, lightly smoothed onset strength used by the DP. */
  localScore: Float32Array;
  period: Float32Array;
}

export function computeEvidence(signal: Float32Array, sampleRate: number, opts: TrackBeatsOptions = {}): BeatEvidence {
  const hop = Math.max(1, Math.round(HOP_SECONDS * sampleRate));
  const env = onsetEnvelopes(signal, sampleRate, hop);
  const norm = normaliseEnvelope(env.onset, Math.round(env.frameRate * 0.5));
  const localScore = gaussianSmooth(norm, 1.0);
  const tg = tempogram(localScore, env.frameRate);
  const path = localTempoPath(tg, { priorCentreBpm: opts.priorCentreBpm });
  const period = periodPerFrame(path, tg.centres, localScore.length, env.frameRate);
  return { env, localScore, period };
}

export function trackBeats(audio: PcmAudio, opts: TrackBeatsOptions = {}): BeatAnalysis {
  const { signal, sampleRate } = analysisSignal(audio);
  return trackBeatsAnalysisSignal(signal, sampleRate, opts);
}

/**
 * The same tracker on a mono signal the caller already has (e.g. the feature extractor's 22.05 kHz mix),
 * so the full-rate mix and resampling are not done twice. It is decimated to ~11 kHz here.
 */
export function trackBeatsMono(mono: Float32Array, sampleRate: number, opts: TrackBeatsOptions = {}): BeatAnalysis {
  const { signal, sampleRate: rate } = analysisSignal({ sampleRate, channels: [mono] });
  return trackBeatsAnalysisSignal(signal, rate, opts);
}

function trackBeatsAnalysisSignal(signal: Float32Array, sampleRate: number, opts: TrackBeatsOptions): BeatAnalysis {
  if (signal.length < sampleRate * 0.5) return emptyAnalysis();
  const ev = computeEvidence(signal, sampleRate, opts);
  let maxEnergy = 0;
  for (const e of ev.env.energy) if (e > maxEnergy) maxEnergy = e;
  if (maxEnergy < SILENCE_ENERGY) return emptyAnalysis();
  const frames = chooseMetricalLevel(trimWeakEnds(dpBeats(ev.localScore, ev.period), ev.localScore), ev);
  const beats = frames.map((f) => f / ev.env.frameRate + ev.env.latency);
  const out = emptyAnalysis();
  out.beats = beats;
  out.tempo = globalTempo(beats);
  out.tempoCurve = tempoCurve(beats);
  out.confidence = beatConfidence(frames, ev.localScore);
  if (beats.length >= 2) {
    const meter = estimateMeter(beats, ev.env, opts.beatsPerBar);
    out.meter = { beatsPerBar: meter.beatsPerBar, subdivision: meter.subdivision };
    out.downbeats = downbeatsFrom(beats, meter);
  }
  return out;
}

/**
 * Fixes the metrical-level errors a tempo prior cannot: half tempo in backbeat music (re-track at
 * double tempo), double tempo over quiet off-beats (keep the strong half), and 6/8 tapped in quarter
 * notes (regroup three taps into two dotted quarters). Each check is in ./octave with its evidence.
 */
function chooseMetricalLevel(tracked: number[], ev: BeatEvidence): number[] {
  let frames = tracked;
  if (shouldDoubleTempo(frames, ev.env)) {
    // Re-track at the doubled tempo rather than inserting midpoints, so swung or drifting beats stay exact.
    const half = ev.period.map((p) => p / 2);
    return trimWeakEnds(dpBeats(ev.localScore, half), ev.localScore);
  }
  // A compound beat (three tatums) grouped in twos is a 6/8 bar, not a slower beat: never halve it.
  const keep = subdivisionOf(frames, ev.env.onset) === 2 ? halvingPhase(frames, ev.env) : -1;
  if (keep >= 0) frames = frames.filter((_, i) => i % 2 === keep);
  const compound = compoundPhase(frames, ev.env);
  if (compound.phase >= 0) frames = regroupCompound(frames, compound.phase);
  return frames;
}

export function gaussianSmooth(x: Float32Array, sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-0.5 * ((i - r) / sigma) ** 2));
  const ks = k.reduce((a, b) => a + b, 0);
  const out = new Float32Array(x.length);
  for (let t = 0; t < x.length; t++) {
    let s = 0;
    for (let j = -r; j <= r; j++) {
      const u = t + j;
      if (u >= 0 && u < x.length) s += x[u] * k[j + r];
    }
    out[t] = s / ks;
  }
  return out;
}

function median(v: number[]): number {
  if (v.length === 0) return 0;
  const s = v.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function globalTempo(beats: number[]): number {
  if (beats.length < 2) return 0;
  const ibis: number[] = [];
  for (let i = 1; i < beats.length; i++) ibis.push(beats[i] - beats[i - 1]);
  const m = median(ibis);
  return m > 0 ? 60 / m : 0;
}

/** Tempo at each beat from the median of the (up to) four surrounding inter-beat intervals. */
export function tempoCurve(beats: number[]): Array<{ time: number; bpm: number }> {
  if (beats.length < 2) return [];
  return beats.map((time, i) => {
    const ibis: number[] = [];
    for (let j = Math.max(1, i - 1); j <= Math.min(beats.length - 1, i + 2); j++) ibis.push(beats[j] - beats[j - 1]);
    const m = median(ibis);
    return { time, bpm: m > 0 ? 60 / m : 0 };
  });
}

/**
 * How much stronger the onset envelope is at the beats than on average, mapped to 0..1:
 * 1 + 2x the mean (a clear pulse) gives ~0.63, 1 + 6x gives ~0.95; no contrast gives 0.
 */
export function beatConfidence(frames: number[], localScore: Float32Array): number {
  if (frames.length < 2 || localScore.length === 0) return 0;
  let all = 0;
  for (const v of localScore) all += v;
  all /= localScore.length;
  let at = 0;
  for (const f of frames) at += localScore[Math.round(f)] ?? 0;
  at /= frames.length;
  if (!(all > 0)) return 0;
  const r = at / all;
  return Math.max(0, Math.min(1, 1 - Math.exp(-(r - 1) / 2)));
}

