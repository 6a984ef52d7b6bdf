/**
 * Beat-tracking metrics with mir_eval's definitions (mir_eval.beat), so our figures compare with
 * published ones:
 * - `trimBeats`: drop events before 5 s (both reference and estimate), as mir_eval.beat.trim_beats.
 * - `fMeasure`: one-to-one matching within +-70 ms, F = 2PR/(P+R).
 * - `continuity`: CMLc/CMLt (correct metrical level) and AMLc/AMLt (also allowing off-beat, double,
 *   and both half-tempo variants of the reference), phase and period tolerance 17.5 %.
 * Inputs are seconds, sorted ascending. Degenerate input returns 0, never NaN.
 */

export const DEFAULT_MIN_BEAT_TIME = 5;
export const DEFAULT_F_WINDOW = 0.07;
export const DEFAULT_CONTINUITY_TOLERANCE = 0.175;

export function trimBeats(beats: readonly number[], minBeatTime = DEFAULT_MIN_BEAT_TIME): number[] {
  return beats.filter((b) => b >= minBeatTime);
}

/**
 * Size of a maximum one-to-one matching between two sorted event lists with |ref - est| <= window.
 * For points on a line with a symmetric window, greedy left-to-right matching is optimal (an
 * exchange argument), so this equals mir_eval.util.match_events' bipartite matching size.
 */
export function matchCount(reference: readonly number[], estimate: readonly number[], window: number): number {
  let i = 0;
  let j = 0;
  let matched = 0;
  const eps = 1e-9; // mir_eval compares with <= on float distances
  while (i < reference.length && j < estimate.length) {
    const d = estimate[j] - reference[i];
    if (Math.abs(d) <= window + eps) {
      matched++;
      i++;
      j++;
    } else if (d < 0) j++;
    else i++;
  }
  return matched;
}

export function fMeasure(reference: readonly number[], estimate: readonly number[], window = DEFAULT_F_WINDOW): number {
  if (reference.length === 0 || estimate.length === 0) return 0;
  const m = matchCount(reference, estimate, window);
  if (m === 0) return 0;
  const p = m / estimate.length;
  const r = m / reference.length;
  return (2 * p * r) / (p + r);
}

export interface ContinuityScores {
  CMLc: number;
  CMLt: number;
  AMLc: number;
  AMLt: number;
}

/** Reference at its own level, off-beat, double tempo, half tempo (odd beats), half tempo (even beats). */
export function referenceVariations(reference: readonly number[]): number[][] {
  const doubled: number[] = [];
  for (let i = 0; i < reference.length; i++) {
    doubled.push(reference[i]);
    if (i + 1 < reference.length) doubled.push((reference[i] + reference[i + 1]) / 2);
  }
  const offBeat = doubled.filter((_, k) => k % 2 === 1);
  const halfOdd = reference.filter((_, k) => k % 2 === 0);
  const halfEven = reference.filter((_, k) => k % 2 === 1);
  return [reference.slice(), offBeat, doubled, halfOdd, halfEven];
}

function continuityOne(reference: readonly number[], estimate: readonly number[], phaseTol: number, periodTol: number): { c: number; t: number } {
  const nRef = reference.length;
  const nEst = estimate.length;
  const denom = Math.max(nRef, nEst);
  if (nRef < 2 || nEst < 2) return { c: 0, t: 0 };
  const used = new Uint8Array(nRef);
  const success = new Uint8Array(nEst);
  for (let m = 0; m < nEst; m++) {
    let nearest = 0;
    let minDiff = Infinity;
    for (let k = 0; k < nRef; k++) {
      const d = Math.abs(estimate[m] - reference[k]);
      if (d < minDiff) {
        minDiff = d;
        nearest = k;
      }
    }
    if (used[nearest]) continue;
    let refInterval: number;
    let estInterval: number;
    if (m === 0 || nearest === 0) {
      // First beat or first annotation: look forward (mir_eval's special case).
      refInterval = nearest + 1 < nRef ? reference[nearest + 1] - reference[nearest] : reference[nearest] - reference[nearest - 1];
      estInterval = m + 1 < nEst ? estimate[m + 1] - estimate[m] : estimate[m] - estimate[m - 1];
    } else {
      refInterval = reference[nearest] - reference[nearest - 1];
      estInterval = estimate[m] - estimate[m - 1];
    }
    if (refInterval === 0) continue;
    const phase = Math.abs(minDiff / refInterval);
    const period = Math.abs(1 - estInterval / refInterval);
    if (phase < phaseTol && period < periodTol) {
      used[nearest] = 1;
      success[m] = 1;
    }
  }
  let longest = 0;
  let run = 0;
  let total = 0;
  for (let m = 0; m < nEst; m++) {
    if (success[m]) {
      run++;
      total++;
      if (run > longest) longest = run;
    } else run = 0;
  }
  return { c: longest / denom, t: total / denom };
}

export function continuity(
  reference: readonly number[],
  estimate: readonly number[],
  phaseTol = DEFAULT_CONTINUITY_TOLERANCE,
  periodTol = DEFAULT_CONTINUITY_TOLERANCE,
): ContinuityScores {
  if (reference.length < 2 || estimate.length < 2) return { CMLc: 0, CMLt: 0, AMLc: 0, AMLt: 0 };
  const scores = referenceVariations(reference).map((ref) => continuityOne(ref, estimate, phaseTol, periodTol));
  return {
    CMLc: scores[0].c,
    CMLt: scores[0].t,
    AMLc: Math.max(...scores.map((s) => s.c)),
    AMLt: Math.max(...scores.map((s) => s.t)),
  };
}

export interface BeatScores extends ContinuityScores {
  F: number;
}

/** mir_eval-style evaluation of one estimate: trims the first `minBeatTime` s of both, then F and continuity. */
export function evaluateBeats(reference: readonly number[], estimate: readonly number[], minBeatTime = DEFAULT_MIN_BEAT_TIME): BeatScores {
  const ref = trimBeats(reference, minBeatTime);
  const est = trimBeats(estimate, minBeatTime);
  return { F: fMeasure(ref, est), ...continuity(ref, est) };
}

/** Downbeat F-measure: the same +-70 ms matching on bar starts, after the same trim. */
export function evaluateDownbeats(reference: readonly number[], estimate: readonly number[], minBeatTime = DEFAULT_MIN_BEAT_TIME): number {
  return fMeasure(trimBeats(reference, minBeatTime), trimBeats(estimate, minBeatTime));
}
