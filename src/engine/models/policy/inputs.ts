/**
 * Policy inputs: one row per decision point. The policy decides per bar (its first beat is the
 * decision beat; the other beats of the bar follow it), so edits stay bar-aligned by construction.
 *
 * Row of bar m (POLICY_INPUT_DIM numbers, all roughly unit scale; features are z-scored per song, so
 * no global normalisation statistics are needed and none are stored):
 *  0-13  mean song-z-scored timbre over the bar (MFCC 2-13, centroid, flatness)
 *  14    bar level, z-scored over the song's bars
 *  15    level change to the next bar (dB / 6)
 *  16-17 timbre distance to the previous / next bar (novelty)
 *  18-19 bar start and end as a share of the song
 *  20-23 boundary level of the bar start one-hot (inside, bar, 4-bar phrase, 8-bar phrase)
 *  24-25 pickup bar, last bar (the real ending)
 *  26-27 sin / cos of the bar number over an 8-bar phrase
 *  28-29 target / song length, log2 of it
 *  30-31 seconds from the song start / to the song end over the target (clipped at 3)
 */
import { ACTION, NUM_ACTIONS } from '../../../shared/edit-plan-actions';
import { TIMBRE_DIM, barSecondsOf, type SongGrid } from '../planner/grid';

export const POLICY_INPUT_DIM = 32;

export interface PolicyInputs {
  /** bars x POLICY_INPUT_DIM, row-major. */
  x: Float32Array;
  bars: number;
  /** bars x NUM_ACTIONS: 1 where the action is allowed. */
  mask: Uint8Array;
}

/** Actions a bar may take: KEEP, CUT, LOOP x2-x4 (not the pickup or the ending), FADE_OUT (not the first bar). */
export function barActionMask(grid: SongGrid, m: number): Uint8Array {
  const allowed = new Uint8Array(NUM_ACTIONS);
  const bar = grid.bars[m];
  allowed[ACTION.KEEP] = 1;
  allowed[ACTION.CUT] = 1;
  const loopable = bar.number >= 0 && m < grid.bars.length - 1;
  for (let a = ACTION.LOOP_X2; a <= ACTION.LOOP_X4; a++) allowed[a] = loopable ? 1 : 0;
  // REORDER (5-8) moves single beats and would break the bar grid: masked for the bootstrap policy.
  allowed[ACTION.FADE_OUT] = m > 0 ? 1 : 0;
  return allowed;
}

export function policyInputs(grid: SongGrid, targetSeconds: number): PolicyInputs {
  const M = grid.bars.length;
  const D = POLICY_INPUT_DIM;
  const x = new Float32Array(M * D);
  const mask = new Uint8Array(M * NUM_ACTIONS);
  const timb = new Float32Array(M * TIMBRE_DIM);
  const lvl = new Float32Array(M);
  grid.bars.forEach((bar, m) => {
    const n = Math.max(1, bar.end - bar.start);
    for (let k = bar.start; k < bar.end; k++) {
      for (let j = 0; j < TIMBRE_DIM; j++) timb[m * TIMBRE_DIM + j] += grid.timbre[k * TIMBRE_DIM + j] / n;
      lvl[m] += grid.rmsDb[k] / n;
    }
  });
  let mean = 0;
  for (const v of lvl) mean += v / M;
  let sd = 0;
  for (const v of lvl) sd += (v - mean) ** 2 / M;
  sd = Math.max(1, Math.sqrt(sd));
  const dist = (p: number, q: number) => {
    let d = 0;
    for (let j = 0; j < TIMBRE_DIM; j++) d += (timb[p * TIMBRE_DIM + j] - timb[q * TIMBRE_DIM + j]) ** 2;
    return Math.sqrt(d / TIMBRE_DIM);
  };
  const ratio = targetSeconds / grid.duration;
  const clip3 = (v: number) => Math.min(3, v);
  grid.bars.forEach((bar, m) => {
    const r = x.subarray(m * D, (m + 1) * D);
    for (let j = 0; j < TIMBRE_DIM; j++) r[j] = Math.max(-4, Math.min(4, timb[m * TIMBRE_DIM + j]));
    r[14] = (lvl[m] - mean) / sd;
    r[15] = m + 1 < M ? Math.max(-3, Math.min(3, (lvl[m + 1] - lvl[m]) / 6)) : 0;
    r[16] = m > 0 ? dist(m, m - 1) : 0;
    r[17] = m + 1 < M ? dist(m, m + 1) : 0;
    const t0 = grid.unitStart[bar.start];
    const t1 = t0 + barSecondsOf(grid, bar);
    r[18] = t0 / grid.duration;
    r[19] = t1 / grid.duration;
    r[20 + grid.boundary[bar.start]] = 1;
    r[24] = bar.number < 0 ? 1 : 0;
    r[25] = m === M - 1 ? 1 : 0;
    const ph = (2 * Math.PI * (((bar.number % 8) + 8) % 8)) / 8;
    r[26] = Math.sin(ph);
    r[27] = Math.cos(ph);
    r[28] = ratio;
    r[29] = Math.log2(ratio);
    r[30] = clip3(t0 / targetSeconds);
    r[31] = clip3((grid.duration - t1) / targetSeconds);
    mask.set(barActionMask(grid, m), m * NUM_ACTIONS);
  });
  return { x, bars: M, mask };
}
