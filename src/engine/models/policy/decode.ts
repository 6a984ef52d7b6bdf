/**
 * Policy sample -> EditPlan that meets the hard constraints.
 *
 * The bar actions steer the planner's DP (planner.ts) instead of being applied literally: playing a bar
 * the policy cut, or skipping one it kept, costs DISAGREE_COST; LOOP xr plays the bar r times;
 * FADE_OUT makes a fade ending near that bar cheaper. The DP then returns the plan closest to the sample
 * that is exactly the target length, cuts only on bar lines and ends on the real ending or a bar-aligned
 * fade. The 15 % loop cap is enforced after the DP: while the loops exceed it, the largest loop loses a
 * repeat and the DP runs again.
 */
import { ACTION, NUM_ACTIONS } from '../../../shared/edit-plan-actions';
import type { SongAnalysis } from '../../analysis/analyze';
import { LOOP_CAP, repetitionStats } from '../dense/dense-reward';
import { songGrid, type SongGrid } from '../planner/grid';
import { planEdit, type PlannedEdit } from '../planner/planner';

export const DISAGREE_COST = 1.2;
export const FADE_HINT_BONUS = 0.6;

export interface DecodedEdit extends PlannedEdit {
  /** Loop count per bar actually used (after the cap). */
  repeats: Int32Array;
  loopFraction: number;
}

export function decodeBarActions(analysis: SongAnalysis, barActions: ArrayLike<number>, targetSeconds: number): DecodedEdit {
  const grid = songGrid(analysis);
  const M = grid.bars.length;
  const play = new Float64Array(M);
  const skip = new Float64Array(M);
  const fadeAt = new Float64Array(M);
  const repeat = new Int32Array(M).fill(1);
  for (let m = 0; m < M; m++) {
    const a = barActions[m];
    if (a === ACTION.CUT) play[m] = DISAGREE_COST;
    else skip[m] = DISAGREE_COST;
    if (a >= ACTION.LOOP_X2 && a <= ACTION.LOOP_X4) repeat[m] = a;
    if (a === ACTION.FADE_OUT || (m > 0 && barActions[m - 1] === ACTION.FADE_OUT)) fadeAt[m] = -FADE_HINT_BONUS;
  }
  for (let iter = 0; ; iter++) {
    const planned = planEdit(analysis, targetSeconds, { bias: { play, skip, fadeAt, repeat } });
    const { loopSeconds } = repetitionStats(planned.plan, grid);
    const loopFraction = loopSeconds / planned.durationSeconds;
    if (loopFraction <= LOOP_CAP + 1e-9 || iter > 3 * M) return { ...planned, repeats: repeat, loopFraction };
    reduceLargestLoop(grid, planned.barPath, repeat);
  }
}

function reduceLargestLoop(grid: SongGrid, barPath: number[], repeat: Int32Array): void {
  let best = -1;
  let bestExtra = 0;
  for (const m of new Set(barPath)) {
    const extra = (repeat[m] - 1) * (grid.unitStart[grid.bars[m].end] - grid.unitStart[grid.bars[m].start]);
    if (extra > bestExtra) [best, bestExtra] = [m, extra];
  }
  if (best < 0) repeat.fill(1);
  else repeat[best]--;
}

/** Per-beat ids from per-bar ids: every beat takes its bar's action; FADE_OUT marks only the bar's first beat. */
export function beatActionsFromBars(grid: SongGrid, barActions: ArrayLike<number>): number[] {
  const out = new Array<number>(grid.units).fill(ACTION.KEEP);
  grid.bars.forEach((bar, m) => {
    const a = barActions[m];
    for (let k = bar.start; k < bar.end; k++) out[k] = a === ACTION.FADE_OUT && k > bar.start ? ACTION.KEEP : a;
  });
  return out;
}

/** Per-bar ids from per-beat ids (the action at each bar's first beat). */
export function barActionsFromBeats(grid: SongGrid, beatActions: ArrayLike<number>): Int32Array {
  return Int32Array.from(grid.bars, (bar) => {
    const a = beatActions[bar.start];
    return Number.isInteger(a) && a >= 0 && a < NUM_ACTIONS ? a : ACTION.KEEP;
  });
}
