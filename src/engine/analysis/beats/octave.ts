import type { OnsetEnvelopes } from './onset';

/**
 * Tempo-octave correction from backbeat evidence.
 *
 * The autocorrelation of a kick-snare pattern peaks at the bar-half (kick to kick), so a tracker with
 * a tempo prior often taps every other beat of fast backbeat music (168 BPM tapped at 84). The tell:
 * the tapped beats carry the kick, and nearly every midpoint between them carries a snare-like
 * broadband hit (the backbeat) that is stronger in the high band than the tapped beats themselves.
 * In music tapped at the right level the midpoints hold off-beat eighths (hats, arpeggios): quieter,
 * and not consistently louder in the high band than the beats.
 */
export interface MidpointEvidence {
  /** Mean high-band onset at midpoints / mean at beats. */
  highRatio: number;
  /** Fraction of midpoints whose high-band onset exceeds half the median high-band onset at beats. */
  highConsistency: number;
}

/** Doubling is only considered when the doubled tempo stays musical. */
export const MAX_DOUBLED_BPM = 220;
const MIN_CONSISTENCY = 0.75;
const MIN_HIGH_RATIO = 1.0;

function peakNear(env: Float32Array, f: number, radius = 2): number {
  let m = 0;
  const lo = Math.max(0, Math.round(f) - radius), hi = Math.min(env.length - 1, Math.round(f) + radius);
  for (let t = lo; t <= hi; t++) if (env[t] > m) m = env[t];
  return m;
}

export function midpointEvidence(frames: number[], env: OnsetEnvelopes): MidpointEvidence {
  if (frames.length < 3) return { highRatio: 0, highConsistency: 0 };
  const atBeats = frames.map((f) => peakNear(env.high, f));
  const atMids: number[] = [];
  for (let i = 0; i + 1 < frames.length; i++) atMids.push(peakNear(env.high, (frames[i] + frames[i + 1]) / 2));
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const beatMean = sum(atBeats) / atBeats.length;
  const midMean = sum(atMids) / atMids.length;
  const sorted = atBeats.slice().sort((a, b) => a - b);
  const med = sorted[sorted.length >> 1];
  // With (almost) no high-band energy on the beats, any hat at the midpoints would pass "half the median".
  const floor = Math.max(med, 0.1 * midMean);
  const consistent = atMids.filter((m) => m > 0.5 * floor).length;
  return { highRatio: beatMean > 0 ? midMean / beatMean : midMean > 0 ? Infinity : 0, highConsistency: consistent / atMids.length };
}

export function shouldDoubleTempo(frames: number[], env: OnsetEnvelopes): boolean {
  if (frames.length < 8) return false;
  const beatPeriod = (frames[frames.length - 1] - frames[0]) / (frames.length - 1);
  const bpm = (60 * env.frameRate) / beatPeriod;
  if (2 * bpm > MAX_DOUBLED_BPM) return false;
  const e = midpointEvidence(frames, env);
  return e.highConsistency >= MIN_CONSISTENCY && e.highRatio >= MIN_HIGH_RATIO;
}

export interface GroupingEvidence {
  group: 2 | 3;
  phase: number;
  /** Mean strength of the other positions / mean strength of the strongest position. */
  weakRatio: number;
  /** Fraction of groups whose strong position is the strongest in the group. */
  consistency: number;
}

/**
 * Is the tracked pulse a subdivision (tatum) of the beat? If every 2nd (or 3rd) tracked beat is clearly
 * and consistently stronger than the others, the listener's beat may be the strong one (eighths tapped
 * in a 60 BPM ballad). Strength is the full-band onset, so kick and snare both count as strong.
 */
export function groupingEvidence(frames: number[], env: OnsetEnvelopes, group: 2 | 3): GroupingEvidence {
  const s = frames.map((f) => peakNear(env.onset, f));
  let best: GroupingEvidence = { group, phase: 0, weakRatio: 1, consistency: 0 };
  for (let phase = 0; phase < group; phase++) {
    let strong = 0, nStrong = 0, weak = 0, nWeak = 0, wins = 0, groups = 0;
    for (let i = phase; i + group <= s.length; i += group) {
      let isMax = true;
      for (let j = 1; j < group; j++) if (s[i + j] >= s[i]) isMax = false;
      if (i > 0 && s[i - 1] >= s[i]) isMax = false;
      if (isMax) wins++;
      groups++;
    }
    for (let i = 0; i < s.length; i++) {
      if ((i - phase) % group === 0) {
        strong += s[i];
        nStrong++;
      } else {
        weak += s[i];
        nWeak++;
      }
    }
    const ratio = strong > 0 ? weak / nWeak / (strong / nStrong) : 1;
    if (ratio < best.weakRatio) best = { group, phase, weakRatio: ratio, consistency: groups ? wins / groups : 0 };
  }
  return best;
}

/** Halving needs every other beat below this fraction of the strong ones, in nearly every pair... */
const MAX_WEAK_RATIO = 0.25;
const MIN_HALVE_CONSISTENCY = 0.95;
/** ...and a halved tempo of at least 60 BPM: slower beats are rare, and a 6/8 bar grouped in twos looks alike. */
export const MIN_HALVED_BPM = 60;

/** Phase (0 or 1) of the beats to keep when the tracked pulse is twice the beat, or -1 to keep all. */
export function halvingPhase(frames: number[], env: OnsetEnvelopes): number {
  if (frames.length < 8) return -1;
  const beatPeriod = (frames[frames.length - 1] - frames[0]) / (frames.length - 1);
  const bpm = (60 * env.frameRate) / beatPeriod;
  if (bpm / 2 < MIN_HALVED_BPM) return -1;
  const g = groupingEvidence(frames, env, 2);
  return g.weakRatio < MAX_WEAK_RATIO && g.consistency >= MIN_HALVE_CONSISTENCY ? g.phase : -1;
}

/**
 * Compound metre tapped at the wrong level: 6/8 at 65 BPM (dotted quarters) is easily tapped in
 * quarter notes at 98 BPM (every two eighths), a 3:2 error no double/half check can see. In that
 * reading each group of three tapped beats spans one 6/8 bar: the first tap and the midpoint between
 * the second and third taps are the real beats (eighths 1 and 4), the other two taps are weak eighths.
 * Returns the group phase (0..2) when that pattern holds, else -1.
 */
export function compoundPhase(frames: number[], env: OnsetEnvelopes): { phase: number; score: number } {
  let best = { phase: -1, score: 0 };
  if (frames.length < 12) return best;
  const s = (f: number) => peakNear(env.onset, f);
  for (let phase = 0; phase < 3; phase++) {
    let strong = 0, weak = 0, wins = 0, groups = 0;
    for (let i = phase; i + 2 < frames.length; i += 3) {
      const a = s(frames[i]);
      const mid = s((frames[i + 1] + frames[i + 2]) / 2);
      const w = Math.max(s(frames[i + 1]), s(frames[i + 2]));
      strong += Math.min(a, mid);
      weak += w;
      if (Math.min(a, mid) > w) wins++;
      groups++;
    }
    const score = weak > 0 ? strong / weak : 0;
    if (groups > 0 && wins / groups >= MIN_COMPOUND_WINS && score > best.score) best = { phase, score };
  }
  return best.score >= MIN_COMPOUND_SCORE ? best : { phase: -1, score: best.score };
}

/** Both real beats must out-score the stronger weak eighth on average, and in at least half the groups. */
const MIN_COMPOUND_SCORE = 0.9;
const MIN_COMPOUND_WINS = 0.5;

/** Beats at tapped-beat index phase + 1.5 k (halfway between taps for odd k): dotted quarters from quarters. */
export function regroupCompound(frames: number[], phase: number): number[] {
  const out: number[] = [];
  let p = phase;
  while (p - 1.5 >= 0) p -= 1.5;
  for (; p <= frames.length - 1; p += 1.5) {
    const i = Math.floor(p);
    out.push(p === i ? frames[i] : (frames[i] + frames[i + 1]) / 2);
  }
  return out;
}
