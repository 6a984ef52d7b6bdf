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
 * Is the tracked pulse a subdivision (tatum) of the beat? If every 2nd or 3rd tracked beat is clearly
 * and consistently stronger than the others, the listener's beat is the strong one (eighths tapped in
 * a 60 BPM ballad, or the eighths of a 6/8 jig).
 */
export function groupingEvidence(frames: number[], env: OnsetEnvelopes, group: 2 | 3): GroupingEvidence {
  const s = frames.map((f) => peakNear(env.onset, f) + peakNear(env.low, f));
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
