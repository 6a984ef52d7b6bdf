import type { OnsetEnvelopes } from './onset';

/**
 * Meter and bar phase from accent evidence at the tracked beats.
 *
 * Per beat we measure: low-band onset (kick/bass land on bar starts), full-band onset, and harmonic
 * change (chroma of the beat vs the beat before: chords change on bar starts). Each is z-scored over
 * the piece. For every candidate bar length B in {2,3,4,5} and phase p, the score is the weighted mean
 * of the evidence on beats i = p (mod B) minus its mean on the other beats; the best (B, p) wins, with
 * a preference for 4 over 2 unless two-beat bars are clearly stronger (4/4 is the common case and a
 * kick on 1 and 3 alone makes 2 and 4 look alike).
 *
 * Subdivision (2 vs 3) comes from the beat-synchronous onset profile: onsets at 1/3 and 2/3 of the beat
 * vs at 1/2. Swung eighths land near 2/3 only, so swing stays duple.
 */
export interface MeterEstimate {
  beatsPerBar: number;
  subdivision: 2 | 3;
  /** Index (into beats) of the first downbeat, < beatsPerBar. */
  phase: number;
  /** Per-beat downbeat evidence (z-scored, weighted), for diagnostics and refinement. */
  evidence: Float64Array;
}

const W_LOW = 1.0;
const W_ONSET = 0.5;
const W_CHROMA = 1.0;

function zscore(v: Float64Array): Float64Array {
  const n = v.length;
  if (n === 0) return v;
  let m = 0;
  for (const x of v) m += x;
  m /= n;
  let s = 0;
  for (const x of v) s += (x - m) ** 2;
  const sd = Math.sqrt(s / n);
  return v.map((x) => (sd > 1e-12 ? (x - m) / sd : 0));
}

/** Max of `env` within +-radius frames of frame f. */
function peakNear(env: Float32Array, f: number, radius: number): number {
  let m = 0;
  const lo = Math.max(0, Math.round(f) - radius), hi = Math.min(env.length - 1, Math.round(f) + radius);
  for (let t = lo; t <= hi; t++) if (env[t] > m) m = env[t];
  return m;
}

/** Mean chroma (unit-normalised) over frames [a, b) of the envelope frame grid. */
function beatChroma(env: OnsetEnvelopes, a: number, b: number): Float64Array {
  const c = new Float64Array(12);
  const rows = env.chroma.length / 12;
  const r0 = Math.max(0, Math.floor(a / env.chromaStep));
  const r1 = Math.min(rows, Math.max(r0 + 1, Math.ceil(b / env.chromaStep)));
  for (let r = r0; r < r1; r++) for (let k = 0; k < 12; k++) c[k] += Math.sqrt(env.chroma[r * 12 + k]);
  let norm = 0;
  for (const x of c) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let k = 0; k < 12; k++) c[k] /= norm;
  return c;
}

/** Beat frames (envelope grid) from beat times. */
export function beatFrames(beats: number[], env: OnsetEnvelopes): number[] {
  return beats.map((b) => (b - env.latency) * env.frameRate);
}

/** Max of `env` over frames [a, b]. */
function peakIn(env: Float32Array, a: number, b: number): number {
  let m = 0;
  for (let t = Math.max(0, Math.round(a)); t <= Math.min(env.length - 1, Math.round(b)); t++) if (env[t] > m) m = env[t];
  return m;
}

/**
 * Per-beat downbeat evidence. Syncopated music anticipates bar starts (kick, bass and chord arrive an
 * off-beat early), so the onset evidence of beat i looks back half a beat, and the harmonic change
 * compares the beat after b_i with the beat before b_{i-1}, skipping the beat that holds anticipations.
 */
export function downbeatEvidence(frames: number[], env: OnsetEnvelopes): Float64Array {
  const n = frames.length;
  const low = new Float64Array(n);
  const on = new Float64Array(n);
  const chg = new Float64Array(n);
  const radius = 2;
  const chromas: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const ibi = i + 1 < n ? frames[i + 1] - frames[i] : i > 0 ? frames[i] - frames[i - 1] : 1;
    const back = i > 0 ? 0.55 * (frames[i] - frames[i - 1]) : radius;
    low[i] = peakIn(env.low, frames[i] - back, frames[i] + radius);
    on[i] = peakIn(env.onset, frames[i] - radius, frames[i] + radius);
    chromas.push(beatChroma(env, frames[i], frames[i] + ibi));
  }
  const dist = (a: Float64Array, b: Float64Array) => {
    let dot = 0;
    for (let k = 0; k < 12; k++) dot += a[k] * b[k];
    return 1 - dot;
  };
  for (let i = 0; i < n; i++) chg[i] = i >= 2 ? dist(chromas[i], chromas[i - 2]) : i === 1 ? dist(chromas[1], chromas[0]) : 0;
  if (n > 1) chg[0] = chg[1];
  const zl = zscore(low), zo = zscore(on), zc = zscore(chg);
  return zl.map((_, i) => W_LOW * zl[i] + W_ONSET * zo[i] + W_CHROMA * zc[i]);
}

/** Contrast of evidence on beats i = phase (mod B) against the rest. */
export function phaseContrast(evidence: Float64Array, B: number, phase: number): number {
  let on = 0, nOn = 0, off = 0, nOff = 0;
  for (let i = 0; i < evidence.length; i++) {
    if ((i - phase) % B === 0) {
      on += evidence[i];
      nOn++;
    } else {
      off += evidence[i];
      nOff++;
    }
  }
  if (nOn === 0 || nOff === 0) return 0;
  return on / nOn - off / nOff;
}

export function subdivisionOf(frames: number[], onset: Float32Array): 2 | 3 {
  const fr = [1 / 3, 1 / 2, 2 / 3];
  const acc = [0, 0, 0];
  let count = 0;
  for (let i = 0; i + 1 < frames.length; i++) {
    const a = frames[i], d = frames[i + 1] - frames[i];
    if (d < 6) continue; // too fast to resolve thirds at this frame rate
    fr.forEach((f, k) => (acc[k] += peakNear(onset, a + f * d, 1)));
    count++;
  }
  if (count === 0) return 2;
  const [third, half, twoThirds] = acc.map((x) => x / count);
  // Both triplet positions must clearly beat the duple midpoint (swing fills only the 2/3 position).
  return Math.min(third, twoThirds) > 1.5 * half ? 3 : 2;
}

export function estimateMeter(beats: number[], env: OnsetEnvelopes, forcedBeatsPerBar?: number): MeterEstimate {
  const frames = beatFrames(beats, env);
  const subdivision = subdivisionOf(frames, env.onset);
  const evidence = downbeatEvidence(frames, env);
  const candidates = forcedBeatsPerBar ? [forcedBeatsPerBar] : [2, 3, 4, 5];
  const best = new Map<number, { score: number; phase: number }>();
  for (const B of candidates) {
    let score = -Infinity, phase = 0;
    for (let p = 0; p < B; p++) {
      const s = phaseContrast(evidence, B, p);
      if (s > score) {
        score = s;
        phase = p;
      }
    }
    best.set(B, { score, phase });
  }
  let beatsPerBar = candidates[0];
  if (!forcedBeatsPerBar) {
    beatsPerBar = chooseBarLength((b) => best.get(b)!.score, subdivision);
  }
  return { beatsPerBar, subdivision, phase: best.get(beatsPerBar)!.phase, evidence };
}

/**
 * Odd bars (3, 5) win outright when their contrast is the best: an accent every 3rd or 5th beat does not
 * arise by accident in duple music. Between 2 and 4 (always correlated: a 4-beat accent pattern is also
 * a 2-beat one) the default is 4 for simple metres; compound metres (6/8 vs 12/8) have no default, so
 * the larger contrast decides.
 */
export function chooseBarLength(score: (beatsPerBar: number) => number, subdivision: 2 | 3): number {
  const s2 = score(2), s3 = score(3), s4 = score(4), s5 = score(5);
  const duple = Math.max(s2, s4);
  if (s3 > duple && s3 >= s5) return 3;
  if (s5 > duple && s5 > s3) return 5;
  const twoOverFour = subdivision === 3 ? 1.0 : 1.3;
  return s2 > twoOverFour * s4 ? 2 : 4;
}

export function downbeatsFrom(beats: number[], meter: Pick<MeterEstimate, 'beatsPerBar' | 'phase'>): number[] {
  return beats.filter((_, i) => i >= meter.phase && (i - meter.phase) % meter.beatsPerBar === 0);
}
