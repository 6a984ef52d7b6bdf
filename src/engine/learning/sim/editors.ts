/**
 * Simulated editors: each is a taste, written as a score in [0, 1] of a plan for an analysed song.
 * They stand in for a user in tests and in `recut eval`: the labeller (labeller.ts) shows them the
 * policy's own candidates and records their verdicts as a user's would be recorded.
 *
 *  - downbeat-cutter: every audible cut should leave and land on a downbeat that starts a 4-bar
 *    phrase (1), a plain bar line is tolerated (0.3), anything inside a bar is wrong (0). No cut: 1.
 *  - ending-keeper: the edit should end on the song's real ending (1, a little less when its decay
 *    is trimmed), never on a fade-out (0).
 *  - loop-hater: hates hearing the same material again soon. Every second of the output that replays
 *    something already heard costs 1 / (1 + gap / 4 s), gap = the time since that beat last started
 *    playing: a loop repeat (gap = the loop's length) costs most, a section coming back half a minute
 *    later costs little. Score 1 - 3 x (cost / output seconds), >= 0. An extension has to replay
 *    something; this editor wants it to be far-apart material, never loops.
 *  - energy-lover: keeps the loud sections: the output's mean bar level placed between the song's
 *    quietest (0) and loudest (1) bar.
 *  - few-joins: as few audible joins as possible: 1 / (1 + joins).
 */
import { audibleJoins, type EditPlan } from '../../../shared/edit-plan';
import type { SongAnalysis } from '../../analysis/analyze';
import { songGrid, type SongGrid } from '../../models/planner/grid';
import { lastOutputUnit, planTrimSeconds, trimmedPlanSeconds } from '../../models/planner/trim';

export interface SimEditor {
  name: string;
  description: string;
  score(plan: EditPlan, analysis: SongAnalysis): number;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

function pointScore(grid: SongGrid, unit: number): number {
  const level = grid.boundary[Math.min(unit, grid.units)];
  return level >= 2 ? 1 : level === 1 ? 0.3 : 0;
}

export const downbeatCutter: SimEditor = {
  name: 'downbeat-cutter',
  description: 'cuts only on downbeats that start a 4-bar phrase',
  score(plan, analysis) {
    const grid = songGrid(analysis);
    const joins = audibleJoins(plan);
    if (!joins.length) return 1;
    let s = 0;
    for (const [a, b] of joins) s += (pointScore(grid, a) + pointScore(grid, b)) / 2;
    return s / joins.length;
  },
};

export const endingKeeper: SimEditor = {
  name: 'ending-keeper',
  description: 'keeps the real ending, never fades out',
  score(plan, analysis) {
    const grid = songGrid(analysis);
    if (lastOutputUnit(plan) !== grid.units - 1) return 0;
    const tail = grid.duration - grid.unitStart[grid.units - 1];
    return tail > 0 ? clamp01(1 - 0.5 * (planTrimSeconds(plan) / tail)) : 1;
  },
};

export const loopHater: SimEditor = {
  name: 'loop-hater',
  description: 'hates hearing the same material again soon (loops most)',
  score(plan, analysis) {
    const grid = songGrid(analysis);
    const out = trimmedPlanSeconds(plan, analysis.beats, grid.duration);
    return out > 0 ? clamp01(1 - (3 * soonRepeatCost(plan, grid)) / out) : 0;
  },
};

/** Seconds of replayed material, each weighted by 1 / (1 + gap / 4 s) (see loop-hater above). */
export function soonRepeatCost(plan: EditPlan, grid: SongGrid): number {
  const lastStart = new Float64Array(grid.units).fill(-1);
  let t = 0;
  let cost = 0;
  for (const seg of plan.segments) {
    for (let r = 0; r < seg.repeat; r++) {
      for (let k = seg.from; k < seg.to; k++) {
        const d = grid.unitStart[k + 1] - grid.unitStart[k];
        if (lastStart[k] >= 0) cost += d / (1 + (t - lastStart[k]) / REPEAT_GAP_SECONDS);
        lastStart[k] = t;
        t += d;
      }
    }
  }
  return cost;
}

const REPEAT_GAP_SECONDS = 4;

export const energyLover: SimEditor = {
  name: 'energy-lover',
  description: 'keeps the loud, high-energy sections',
  score(plan, analysis) {
    const grid = songGrid(analysis);
    const barDb = grid.bars.map((b) => {
      let s = 0;
      for (let k = b.start; k < b.end; k++) s += grid.rmsDb[k];
      return s / Math.max(1, b.end - b.start);
    });
    const lo = Math.min(...barDb);
    const hi = Math.max(...barDb);
    let sum = 0;
    let secs = 0;
    for (const seg of plan.segments) {
      for (let k = seg.from; k < seg.to; k++) {
        const d = (grid.unitStart[k + 1] - grid.unitStart[k]) * seg.repeat;
        sum += d * barDb[grid.barOfUnit[k]];
        secs += d;
      }
    }
    return secs > 0 && hi > lo ? clamp01((sum / secs - lo) / (hi - lo)) : 0;
  },
};

export const fewJoins: SimEditor = {
  name: 'few-joins',
  description: 'wants as few audible joins as possible',
  score: (plan) => 1 / (1 + audibleJoins(plan).length),
};

export const SIM_EDITORS: readonly SimEditor[] = [downbeatCutter, endingKeeper, loopHater, energyLover, fewJoins];

export function simEditor(name: string): SimEditor | undefined {
  return SIM_EDITORS.find((e) => e.name === name);
}
