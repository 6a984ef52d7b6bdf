/**
 * Bootstrap planner: dynamic programming over bars for the best-sounding edit of a target length,
 * in the spirit of Wenner et al., "Scalable music: automatic music retargeting" (a shortest path
 * through a graph of beats whose edges are transition costs, constrained in length) and the Infinite
 * Jukebox (jump between beats that sound alike).
 *
 * - Nodes are bars (downbeat to downbeat; a pickup bar; the last bar holds the real ending). The
 *   output keeps the intro. State (j, m) = "j + 1 bars played, the last one bar m"; a move to bar k is
 *   free when k = m + 1 (the song simply continues) and otherwise costs a jump: JUMP_COST plus the
 *   dissimilarity of the two points (join-quality.ts), a click penalty and phrase penalties (jumps want
 *   4/8-bar phrase boundaries). Cuts therefore only ever happen on bar lines.
 * - Shortening skips forward; extending (target longer than the song) may also jump back at least 4
 *   bars, replaying a passage (structural repetition, not a loop; no loops here, so the 15 % loop cap
 *   holds trivially). Every jump costs, so the DP uses as few as it can.
 * - Exactness (|duration - target| <= 50 ms, in fact exact to float precision): either the path ends
 *   on the real ending, and when it overshoots by less than the tail's decay the tail is trimmed
 *   (sub-beat, fading out the last part of the decay), or the edit fades out: the target falls inside
 *   the path's last bar, the output stops exactly at the target inside its unit
 *   (`fadeOut.trimSeconds`, see trim.ts), and the fade starts on the last bar line at least ~one bar
 *   before the end. The real ending is preferred (FADE_COST) whenever some bar combination reaches it.
 * - A policy sample steers the same DP (`bias`): per bar, a cost for playing it and one for skipping it,
 *   and loop counts. That is the policy's "fix-up": the plan closest to the sample that still meets
 *   the hard constraints.
 * Cost: O(J * M^2) for M bars and J output bars (~50 ms for a 4-minute song).
 */
import { RecutError } from '../../../shared/errors';
import { DEFAULT_CROSSFADE_MS, MAX_FADE_BEATS, type EditPlan, type Segment } from '../../../shared/edit-plan';
import type { SongAnalysis } from '../../analysis/analyze';
import { Prng } from '../../audio/synth/prng';
import { joinQuality, scoreJoin } from '../dense/join-quality';
import { barSecondsOf, songGrid, type SongGrid } from './grid';
import { trimmedPlanSeconds, type TrimmedFade } from './trim';

export const JUMP_COST = 0.6;
export const BACK_JUMP_COST = 1.0;
export const START_LATE_COST = 1.5;
export const FADE_COST = 2.0;
/** Minimum part of the tail (the real ending's last unit) that a trim keeps, as a share of it. */
export const TAIL_KEEP_SHARE = 0.5;
const PHRASE_PENALTY = [2, 0.5, 0.15, 0] as const;
const EXACT = 0.05;
const MIN_BACK_JUMP_BARS = 4;

export interface PlannerBias {
  /** Cost added when bar m is played / skipped (length M each). */
  play: Float64Array;
  skip: Float64Array;
  /** Loop count per bar (1 = no loop). */
  repeat?: Int32Array;
  /** Cost added when the edit fades out inside bar m (e.g. -log p(FADE_OUT)). */
  fadeAt?: Float64Array;
}

export interface PlannerOptions {
  bias?: PlannerBias;
  /** Seeded jitter on the jump costs (std `amount`): different, still good plans for imitation data. */
  noise?: { seed: number; amount: number };
  /** Jump back to replay passages; default: only when the target is longer than the song. */
  allowBackJumps?: boolean;
}

export interface PlannedEdit {
  plan: EditPlan;
  durationSeconds: number;
  cost: number;
  ending: 'real' | 'fade';
  /** The bars played, in order (indices into grid.bars). */
  barPath: number[];
}

/** Targets the planner accepts: from a few seconds up to three times the song (and 20 minutes). */
export function checkTarget(grid: SongGrid, targetSeconds: number): void {
  const min = grid.introSeconds + Math.min(1, grid.barSeconds / 2);
  const max = Math.min(3 * grid.duration, 1200);
  if (!Number.isFinite(targetSeconds) || targetSeconds < min || targetSeconds > max) {
    throw new RecutError(
      'invalid_argument',
      `target duration must be between ${min.toFixed(2)} s and ${max.toFixed(0)} s for this song, got ${targetSeconds}`,
      { min, max, targetSeconds },
    );
  }
}

const jumpCache = new WeakMap<SongGrid, Float64Array>();

/** cost[m * M + k]: playing bar k right after bar m (k != m + 1), from the features alone. */
export function jumpCosts(grid: SongGrid): Float64Array {
  let c = jumpCache.get(grid);
  if (c) return c;
  const M = grid.bars.length;
  c = new Float64Array(M * M);
  for (let m = 0; m < M; m++) {
    const a = grid.bars[m].end;
    for (let k = 0; k < M; k++) {
      const b = grid.bars[k].start;
      const s = scoreJoin(grid, a, b);
      c[m * M + k] = JUMP_COST + 2 * (1 - joinQuality(s)) + 0.5 * (1 - s.click) + PHRASE_PENALTY[grid.boundary[a]] + PHRASE_PENALTY[grid.boundary[b]];
    }
  }
  jumpCache.set(grid, c);
  return c;
}

export function planEdit(analysis: SongAnalysis, targetSeconds: number, opts: PlannerOptions = {}): PlannedEdit {
  const grid = songGrid(analysis);
  checkTarget(grid, targetSeconds);
  const T = targetSeconds;
  const M = grid.bars.length;
  const bias = opts.bias;
  const rep = (m: number) => Math.max(1, bias?.repeat?.[m] ?? 1);
  const pdur = Float64Array.from(grid.bars, (b, m) => barSecondsOf(grid, b) * rep(m));
  const play = (m: number) => bias?.play[m] ?? 0;
  const skipPrefix = new Float64Array(M + 1);
  for (let m = 0; m < M; m++) skipPrefix[m + 1] = skipPrefix[m] + (bias?.skip[m] ?? 0);
  const skipped = (from: number, to: number) => skipPrefix[to] - skipPrefix[from]; // bars from..to-1

  const base = jumpCosts(grid);
  let jc = base;
  if (opts.noise && opts.noise.amount > 0) {
    const rng = new Prng(opts.noise.seed);
    jc = Float64Array.from(base, (v) => Math.max(0, v + opts.noise!.amount * rng.gauss()));
  }
  const loopCost = (m: number) => (rep(m) > 1 ? 0.5 * (rep(m) - 1) * jc[m * M + m] : 0);
  const back = opts.allowBackJumps ?? T > grid.duration;
  const I = grid.introSeconds;
  const tailSeconds = grid.duration - grid.unitStart[grid.units - 1];
  const tailTrimMax = tailSeconds * (1 - TAIL_KEEP_SHARE);
  const minBar = Math.max(0.25 * grid.barSeconds, Math.min(...pdur));
  const J = Math.min(4000, Math.ceil((T - I) / minBar) + 2);

  const f = new Float64Array(J * M).fill(Infinity);
  const dur = new Float64Array(J * M);
  const parent = new Int32Array(J * M).fill(-1);
  for (let k = 0; k < M; k++) {
    if (grid.bars[k].number < 0 && k > 0) continue;
    const late = k === 0 ? 0 : START_LATE_COST + skipped(0, k) + 2 * (1 - joinQuality(scoreJoin(grid, 0, grid.bars[k].start)));
    f[k] = late + play(k) + loopCost(k);
    dur[k] = I + pdur[k];
  }

  let best = Infinity;
  let bestState = -1;
  let bestEnd: 'real' | 'fade' = 'fade';
  for (let j = 0; j < J; j++) {
    for (let m = 0; m < M; m++) {
      const s = j * M + m;
      const c = f[s];
      if (c === Infinity) continue;
      const D = dur[s];
      // Endings.
      if (m === M - 1 && D >= T - EXACT && D - T <= tailTrimMax) {
        const e = c + (D - T > EXACT && tailSeconds > 0 ? (D - T) / tailSeconds : 0);
        if (e < best) [best, bestState, bestEnd] = [e, s, 'real'];
      }
      if (D >= T && D - pdur[m] < T) {
        const e = c + FADE_COST + (bias?.fadeAt?.[m] ?? 0);
        if (e < best) [best, bestState, bestEnd] = [e, s, 'fade'];
      }
      if (D >= T || j + 1 >= J) continue;
      // Moves.
      const row = m * M;
      for (let k = 0; k < M; k++) {
        let t: number;
        if (k === m + 1) t = 0;
        else if (k > m + 1) t = jc[row + k] + skipped(m + 1, k);
        else if (back && k <= m + 1 - MIN_BACK_JUMP_BARS && grid.bars[k].number >= 0) t = jc[row + k] + BACK_JUMP_COST;
        else continue;
        const v = c + t + play(k) + loopCost(k);
        const ns = s + M - m + k;
        if (v < f[ns]) {
          f[ns] = v;
          dur[ns] = D + pdur[k];
          parent[ns] = s;
        }
      }
    }
  }
  if (bestState < 0) throw new RecutError('internal', `the planner found no edit of ${T} s`);
  const barPath: number[] = [];
  for (let s = bestState; s >= 0; s = parent[s]) barPath.push(s % M);
  barPath.reverse();
  const plan = buildPlan(grid, barPath, barPath.map(rep), T, bestEnd);
  return { plan, durationSeconds: trimmedPlanSeconds(plan, analysis.beats, grid.duration), cost: best, ending: bestEnd, barPath };
}

/** The EditPlan for a bar path: whole bars, then the ending (see the file comment). */
export function buildPlan(grid: SongGrid, barPath: number[], reps: number[], T: number, ending: 'real' | 'fade'): EditPlan {
  // Output units in order, with their source index and start time in the output.
  const units: number[] = [];
  const barStartIdx = new Set<number>();
  barPath.forEach((m, i) => {
    const bar = grid.bars[m];
    for (let r = 0; r < reps[i]; r++) {
      barStartIdx.add(units.length);
      for (let k = bar.start; k < bar.end; k++) units.push(k);
    }
  });
  const len = (k: number) => grid.unitStart[k + 1] - grid.unitStart[k];
  const outStart: number[] = [];
  let t = grid.introSeconds;
  for (const k of units) {
    outStart.push(t);
    t += len(k);
  }
  let last = units.length - 1;
  let trim = 0;
  let fadeFrom = -1;
  if (ending === 'real') {
    if (t - T > 1e-6) {
      trim = t - T;
      fadeFrom = last;
    }
  } else {
    while (last > 0 && outStart[last] >= T) last--;
    trim = Math.max(0, outStart[last] + len(units[last]) - T);
    fadeFrom = 0;
    for (let i = last; i >= 0; i--) {
      if (barStartIdx.has(i) && T - outStart[i] >= 0.9 * grid.barSeconds) {
        fadeFrom = i;
        break;
      }
    }
    fadeFrom = Math.max(fadeFrom, last + 1 - MAX_FADE_BEATS);
  }
  const segments = segmentsOf(units.slice(0, last + 1), barPath, reps, grid);
  const fadeOut: TrimmedFade | null = fadeFrom >= 0 ? { beats: last + 1 - fadeFrom, ...(trim > 0 ? { trimSeconds: trim } : {}) } : null;
  return { version: 1, includeIntro: true, segments, fadeOut, crossfadeMs: DEFAULT_CROSSFADE_MS };
}

/** Segments for the output units: contiguous runs merge; a looped bar is one segment with its repeat. */
function segmentsOf(units: number[], barPath: number[], reps: number[], grid: SongGrid): Segment[] {
  const segs: Segment[] = [];
  let i = 0;
  for (let p = 0; p < barPath.length && i < units.length; p++) {
    const bar = grid.bars[barPath[p]];
    const n = bar.end - bar.start;
    const avail = units.length - i;
    const fullReps = Math.min(reps[p], Math.floor(avail / n));
    if (fullReps > 1) {
      segs.push({ from: bar.start, to: bar.end, repeat: fullReps });
    } else if (fullReps === 1) {
      const lastSeg = segs[segs.length - 1];
      if (lastSeg && lastSeg.repeat === 1 && lastSeg.to === bar.start) lastSeg.to = bar.end;
      else segs.push({ from: bar.start, to: bar.end, repeat: 1 });
    }
    i += fullReps * n;
    const rest = Math.min(units.length - i, reps[p] > fullReps ? n : 0);
    if (rest > 0) {
      const lastSeg = segs[segs.length - 1];
      if (fullReps === 0 && lastSeg && lastSeg.repeat === 1 && lastSeg.to === bar.start) lastSeg.to = bar.start + rest;
      else segs.push({ from: bar.start, to: bar.start + rest, repeat: 1 });
      i += rest;
    }
  }
  return segs;
}
