/**
 * Renders an EditPlan against decoded audio, sample-accurately, at the native rate and channels.
 *
 * 1. Every piece (intro, segment repeats) is block-copied to its output position: the output length
 *    is exactly the sum of the pieces, and a plan that changes nothing copies the file bit for bit.
 * 2. Each non-contiguous join (a cut or a loop repeat) gets an equal-power crossfade of ~crossfadeMs
 *    that overlaps the two pieces in place, so it changes no length: around output join J, the
 *    outgoing piece continues past its end in the source (its "handle") while the incoming one starts
 *    early, gains cos/sin of a quarter period. The crossfade centre is nudged (up to
 *    ZERO_CROSS_WINDOW_MS either way) to where both signals are closest to zero, which keeps any
 *    residual step at the join small. Handles are clamped at the file edges and to half of each
 *    neighbouring piece so crossfades never overlap each other.
 * 3. `fadeOut: {beats: F}` fades the last F output beat units to silence (equal-power cosine).
 */
import { RecutError } from '../../shared/errors';
import { planPieces, unitStartSample, validatePlan, type EditPlan, type Piece } from '../../shared/edit-plan';
import { pcmLength, type PcmAudio } from './pcm';

export const ZERO_CROSS_WINDOW_MS = 2;

export interface RenderOptions {
  /** Overrides plan.crossfadeMs. */
  crossfadeMs?: number;
  /** Disable the zero-crossing nudge (for tests and comparisons). */
  zeroCrossing?: boolean;
}

export function renderPlan(audio: PcmAudio, beats: number[], plan: EditPlan, opts: RenderOptions = {}): PcmAudio {
  if (audio.channels.length === 0) throw new RecutError('invalid_argument', 'cannot render audio with no channels');
  const checked = validatePlan(plan, beats.length);
  const len = pcmLength(audio);
  const sr = audio.sampleRate;
  const pieces = planPieces(checked, beats, sr, len);
  const outLen = pieces.reduce((n, p) => n + p.srcEnd - p.srcStart, 0);
  const out = audio.channels.map(() => new Float32Array(outLen));
  for (const p of pieces) {
    audio.channels.forEach((src, c) => out[c].set(src.subarray(p.srcStart, p.srcEnd), p.outStart));
  }

  const xfMs = opts.crossfadeMs ?? checked.crossfadeMs;
  const half = Math.round((xfMs / 1000) * sr) >> 1;
  const window = opts.zeroCrossing === false ? 0 : Math.round((ZERO_CROSS_WINDOW_MS / 1000) * sr);
  if (half > 0) {
    for (let i = 1; i < pieces.length; i++) {
      const a = pieces[i - 1];
      const b = pieces[i];
      if (a.srcEnd !== b.srcStart) crossfadeJoin(audio, out, a, b, half, window);
    }
  }

  const fadeBeats = checked.fadeOut?.beats ?? 0;
  if (fadeBeats > 0 && outLen > 0) {
    const start = fadeStartSample(checked, beats, sr, len, fadeBeats);
    fadeOutTail(out, start);
  }
  return { sampleRate: sr, channels: out };
}

function crossfadeJoin(audio: PcmAudio, out: Float32Array[], a: Piece, b: Piece, wantHalf: number, window: number): void {
  const len = pcmLength(audio);
  const lenA = a.srcEnd - a.srcStart;
  const lenB = b.srcEnd - b.srcStart;
  // Room on each side: inside the neighbouring pieces (half of each, so joins never overlap) and
  // inside the source (the outgoing piece reads past its end, the incoming one before its start).
  const roomLeft = Math.min(lenA >> 1, b.srcStart);
  const roomRight = Math.min(lenB >> 1, len - a.srcEnd);
  const J = b.outStart;
  let d = 0;
  if (window > 0) d = bestCentre(audio, a.srcEnd, b.srcStart, Math.min(window, roomLeft - 1, roomRight - 1));
  const half = Math.min(wantHalf, roomLeft + d, roomRight - d);
  if (half <= 0) return;
  const n = 2 * half;
  const first = d - half; // offset of the crossfade's first sample relative to the join
  const gOut = new Float32Array(n);
  const gIn = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const x = ((k + 0.5) / n) * (Math.PI / 2);
    gOut[k] = Math.cos(x);
    gIn[k] = Math.sin(x);
  }
  for (let c = 0; c < out.length; c++) {
    const src = audio.channels[c];
    const dst = out[c];
    const o = J + first;
    const sa = a.srcEnd + first;
    const sb = b.srcStart + first;
    for (let k = 0; k < n; k++) dst[o + k] = src[sa + k] * gOut[k] + src[sb + k] * gIn[k];
  }
}

/** Offset in [-w, w] where the outgoing and incoming signals (all channels) are nearest zero together. */
function bestCentre(audio: PcmAudio, aEnd: number, bStart: number, w: number): number {
  if (w <= 0) return 0;
  let best = 0;
  let bestCost = Infinity;
  for (let d = -w; d <= w; d++) {
    let cost = 0;
    for (const ch of audio.channels) cost += Math.abs(ch[aEnd + d]) + Math.abs(ch[bStart + d]);
    // Prefer the nominal join on ties so silent material is rendered without any shift.
    if (cost < bestCost - 1e-12 || (cost <= bestCost + 1e-12 && Math.abs(d) < Math.abs(best))) {
      bestCost = cost;
      best = d;
    }
  }
  return best;
}

/** Output sample where the last F output beat units start (loop repeats counted). */
function fadeStartSample(plan: EditPlan, beats: number[], sr: number, len: number, fadeBeats: number): number {
  const unitStarts: number[] = [];
  let out = plan.includeIntro ? unitStartSample(beats, 0, sr, len) : 0;
  for (const s of plan.segments) {
    for (let r = 0; r < s.repeat; r++) {
      for (let k = s.from; k < s.to; k++) {
        unitStarts.push(out);
        out += unitStartSample(beats, k + 1, sr, len) - unitStartSample(beats, k, sr, len);
      }
    }
  }
  if (unitStarts.length === 0) return 0;
  return unitStarts[Math.max(0, unitStarts.length - fadeBeats)];
}

function fadeOutTail(out: Float32Array[], start: number): void {
  const len = out[0].length;
  const n = len - start;
  if (n <= 0) return;
  for (const ch of out) {
    for (let k = 0; k < n; k++) ch[start + k] *= Math.cos(((k + 1) / n) * (Math.PI / 2));
  }
}
