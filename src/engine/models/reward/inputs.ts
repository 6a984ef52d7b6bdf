/**
 * What the reward model reads: per source beat, the 121 feature columns plus 4 edit-aware columns,
 * and the beat's action id. Also the normalisation statistics (saved with each model), padding into
 * batches, and the windows that long songs are scored in.
 *
 * Rows are the B beat units (feature rows 0..B-1, one per action id); the intro row of the feature
 * matrix (row B, see src/shared/feature-columns.ts) is not part of the sequence.
 *
 * Edit-aware columns (121..124), all in [0, 1]:
 *   keep      1 when the beat plays in the output (any action but CUT); for a plan, the share of the
 *             beat that is heard (a trimmed last unit, `fadeOut.trimSeconds`, counts partly)
 *   cut       0.5 when the beat is CUT, plus 0.5 when the listener hears a cut there: either side of
 *             an audible join (the beat the source would have continued with, and the beat played
 *             instead; `audibleJoins`). So 1 on the first removed beat of a cut, 0.5 on the other
 *             removed beats and on the beat a jump lands on (keep tells those apart). Where the
 *             joins fall is what an editor who minds cut placement judges, and a mean over beats
 *             would otherwise have to find it by comparing neighbours (measured in the learning
 *             README)
 *   position  where the beat first plays in the output, as output beats before it / output beats
 *             (loop repeats, replays and reorders counted); a cut beat gets the position
 *             the output has reached at the next kept source beat (1 when none follows)
 *   density   how much of the beat's 4-bar phrase is kept (`phrases`: the phrase of each beat, as the
 *             analysis' downbeats give them; a pickup is its own group): plays per beat over the
 *             phrase, a beat heard twice (loop or replay) counting twice, halved (0 cut, 0.5 kept,
 *             1 heard twice). An edit that cuts, keeps or replays whole phrases reads the same on
 *             every beat of a phrase; one whose joins fall inside a phrase reads in between.
 *             Without a phrase grid (action-only inputs): the share of kept beats among i-8 .. i+8.
 *
 * Plans that no action sequence expresses (the planner's extensions jump back and replay bars) are
 * encoded by `buildPlanRewardInputs`: actionsFromPlan labels only a beat's first play, which would
 * hide the replay from the model, so a kept beat heard n > 1 times is labelled LOOP x n (capped at 4)
 * and positions come from the plan itself. A loop-hating editor's complaint is then visible in the input.
 */
import { RecutError } from '../../../shared/errors';
import { audibleJoins, type EditPlan } from '../../../shared/edit-plan';
import { ACTION, actionsFromPlan, planFromActions, NUM_ACTIONS as PLAN_ACTIONS } from '../../../shared/edit-plan-actions';
import type { Bar } from '../planner/grid';
import { MAX_BEATS, NUM_ACTIONS, REWARD_FEATURES, REWARD_INPUTS } from './architecture';

export const DENSITY_HALF_WINDOW = 8;
/**
 * Learned positions count musical time from the song's first downbeat: 4 rows per bar whatever the
 * meter (a 3/4 bar's beats take rows 0, 1, 2 of its 4; bars of more than 4 beats take one row per
 * beat), so "this beat starts a bar" is a multiple of 4 and "starts a 4-bar phrase" a multiple of 16
 * in every song, and the first downbeat sits on a multiple of POSITION_PERIOD rows (48) whatever the
 * pickup (`beatPositions`). Windows and training crops after the first start on a multiple of 48
 * rows, so the phase is also the same whichever window of a long song a beat is read in.
 */
export const POSITION_PERIOD = 48;
/** Scoring windows for songs that span more than MAX_BEATS position rows: up to 500 rows, every 240, the last reaching the end. */
export const WINDOW_HOP = 5 * POSITION_PERIOD;

export interface FeatureMatrix {
  matrix: Float32Array;
  rows: number;
}

export interface RewardInputs {
  rows: number;
  /** rows x 125, raw (not normalised) */
  values: Float32Array;
  actions: Int32Array;
  /**
   * Per beat, its learned-position row (see POSITION_PERIOD and `beatPositions`): non-decreasing,
   * the first beat in [0, POSITION_PERIOD) for a whole song. 0, 1, 2 ... without a bar grid.
   */
  positions: Int32Array;
}

/** What the inputs know of a song's bars: each beat's 4-bar phrase and its learned-position row. */
export interface BeatGrid {
  phrases: ArrayLike<number>;
  positions: Int32Array;
}

export interface RewardNormalization {
  mean: Float32Array;
  std: Float32Array;
}

if (PLAN_ACTIONS !== NUM_ACTIONS) throw new Error('action vocabulary and reward model disagree');

/** Builds the model's inputs for one candidate edit: features (B+1 rows) and B per-beat action ids. */
export function buildRewardInputs(features: FeatureMatrix, actions: ArrayLike<number>): RewardInputs {
  checkShapes(features, actions.length);
  const plan = planFromActions(actions); // validates the ids (invalid_plan)
  return assemble(features, actions, plan, null, null);
}

/**
 * The model's inputs for any EditPlan over the song's beats (`beats`: beat times, `duration`: the
 * file's length, for the trimmed share of the last unit). Replays are labelled as loops (see above).
 */
export function buildPlanRewardInputs(features: FeatureMatrix, plan: EditPlan, beats: readonly number[], duration: number, grid?: BeatGrid): RewardInputs {
  const n = beats.length;
  checkShapes(features, n);
  const actions = actionsFromPlan(plan, n); // validates the plan (invalid_plan)
  const plays = new Int32Array(n);
  for (const s of plan.segments) for (let b = s.from; b < s.to; b++) plays[b] += s.repeat;
  for (let i = 0; i < n; i++) {
    if (plays[i] > 1 && actions[i] === ACTION.KEEP) actions[i] = Math.min(ACTION.LOOP_X4, plays[i]);
  }
  const heard = new Float32Array(n);
  for (let i = 0; i < n; i++) heard[i] = plays[i] > 0 ? 1 : 0;
  const trim = plan.fadeOut?.trimSeconds ?? 0;
  const last = lastPlayedBeat(plan);
  if (trim > 0 && last >= 0 && plays[last] === 1) {
    const len = (last + 1 < n ? beats[last + 1] : duration) - beats[last];
    if (len > 0) heard[last] = Math.max(0, 1 - trim / len);
  }
  if (grid && (grid.phrases.length !== n || grid.positions.length !== n)) {
    throw new RecutError('invalid_argument', `a bar grid of ${grid.phrases.length} phrase ids and ${grid.positions.length} positions for ${n} beats`);
  }
  return assemble(features, actions, plan, heard, grid ?? null, plays);
}

/**
 * Each beat's learned-position row (see POSITION_PERIOD) from the song's bars (`songGrid`: numbered
 * from the first downbeat, a pickup -1): bar n starts at row 4n (max(4, beats per bar) rows per
 * bar), its beats on the rows after it (a bar the beat tracker made longer than that keeps its
 * extra beats on its last row); a pickup takes the last rows of the bar before the first downbeat.
 * Shifted so the first downbeat is a multiple of 48 and the first beat is in [0, 48). Non-decreasing
 * (a beat no bar covers takes its predecessor's row).
 */
export function beatPositions(bars: readonly Bar[], beatsPerBar: number, units: number): Int32Array {
  const bpb = Math.max(1, Math.round(beatsPerBar));
  const perBar = Math.max(4, bpb);
  const rows = new Int32Array(units);
  const set = new Uint8Array(units);
  for (const bar of bars) {
    for (let k = Math.max(0, bar.start); k < Math.min(bar.end, units); k++) {
      rows[k] = bar.number < 0 ? bpb - (bar.end - k) - perBar : perBar * bar.number + Math.min(k - bar.start, perBar - 1);
      set[k] = 1;
    }
  }
  for (let k = 0; k < units; k++) if (!set[k] || (k > 0 && rows[k] < rows[k - 1])) rows[k] = k > 0 ? rows[k - 1] : 0;
  const shift = units > 0 && rows[0] < 0 ? Math.ceil(-rows[0] / POSITION_PERIOD) * POSITION_PERIOD : 0;
  for (let k = 0; k < units; k++) rows[k] += shift;
  return rows;
}

function countingPositions(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

function checkShapes(features: FeatureMatrix, n: number): void {
  if (features.matrix.length !== features.rows * REWARD_FEATURES) {
    throw new RecutError('invalid_argument', `feature matrix has ${features.matrix.length} values for ${features.rows} rows of ${REWARD_FEATURES}`);
  }
  if (n < 1 || n > features.rows) throw new RecutError('invalid_argument', `${n} actions for a feature matrix of ${features.rows} rows`);
}

function lastPlayedBeat(plan: EditPlan): number {
  for (let i = plan.segments.length - 1; i >= 0; i--) if (plan.segments[i].to > plan.segments[i].from) return plan.segments[i].to - 1;
  return -1;
}

/** Where each beat first plays, as output beats before it / output beats; cut beats take the next kept beat's. */
function firstPlayPositions(plan: EditPlan, n: number): Float32Array {
  const position = new Float32Array(n).fill(-1);
  let out = 0;
  for (const seg of plan.segments) {
    for (let b = seg.from; b < seg.to; b++) if (b < n && position[b] < 0) position[b] = out + (b - seg.from);
    out += (seg.to - seg.from) * seg.repeat;
  }
  const total = Math.max(out, 1);
  let next = out; // output position reached at the next kept beat, scanning backwards
  for (let i = n - 1; i >= 0; i--) {
    if (position[i] >= 0) next = position[i];
    else position[i] = next;
  }
  for (let i = 0; i < n; i++) position[i] /= total;
  return position;
}

function assemble(features: FeatureMatrix, actions: ArrayLike<number>, plan: EditPlan, heard: Float32Array | null, grid: BeatGrid | null, plays: Int32Array | null = null): RewardInputs {
  const n = actions.length;
  const position = firstPlayPositions(plan, n);
  const joinSide = joinSides(plan, n);
  const density = grid && plays ? phraseDensity(plays, grid.phrases) : windowDensity(actions);
  const values = new Float32Array(n * REWARD_INPUTS);
  const acts = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = values.subarray(i * REWARD_INPUTS, (i + 1) * REWARD_INPUTS);
    row.set(features.matrix.subarray(i * REWARD_FEATURES, (i + 1) * REWARD_FEATURES));
    const keep = actions[i] === ACTION.CUT ? 0 : 1;
    row[REWARD_FEATURES] = heard ? heard[i] : keep;
    row[REWARD_FEATURES + 1] = 0.5 * (1 - keep) + 0.5 * joinSide[i];
    row[REWARD_FEATURES + 2] = position[i];
    row[REWARD_FEATURES + 3] = density[i];
    acts[i] = actions[i];
  }
  return { rows: n, values, actions: acts, positions: grid ? grid.positions.slice() : countingPositions(n) };
}

/** 1 on both sides of every audible join (unit n, the end of the file, has no row). */
function joinSides(plan: EditPlan, n: number): Float32Array {
  const side = new Float32Array(n);
  for (const [from, to] of audibleJoins(plan)) {
    if (from < n) side[from] = 1;
    if (to < n) side[to] = 1;
  }
  return side;
}

/**
 * The join-side part of a candidate's cut column at one beat (1 on either side of an audible join,
 * else 0), read back from what `assemble` wrote: cut = 0.5 x removed + 0.5 x join side.
 */
export function joinSideAt(x: RewardInputs, row: number): number {
  const removed = x.actions[row] === ACTION.CUT ? 1 : 0;
  return Math.round(2 * x.values[row * REWARD_INPUTS + REWARD_FEATURES + 1] - removed);
}

function windowDensity(actions: ArrayLike<number>): Float32Array {
  const n = actions.length;
  const keepPrefix = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) keepPrefix[i + 1] = keepPrefix[i] + (actions[i] === ACTION.CUT ? 0 : 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - DENSITY_HALF_WINDOW);
    const hi = Math.min(n, i + DENSITY_HALF_WINDOW + 1);
    out[i] = (keepPrefix[hi] - keepPrefix[lo]) / (hi - lo);
  }
  return out;
}

/** Plays per beat over each phrase, halved and capped at 1: 0 cut, 0.5 played once, 1 played twice (a loop or a replay). */
function phraseDensity(plays: Int32Array, phrases: ArrayLike<number>): Float32Array {
  const sum = new Map<number, number>();
  const size = new Map<number, number>();
  for (let i = 0; i < plays.length; i++) {
    size.set(phrases[i], (size.get(phrases[i]) ?? 0) + 1);
    sum.set(phrases[i], (sum.get(phrases[i]) ?? 0) + Math.min(2, plays[i]));
  }
  return Float32Array.from({ length: plays.length }, (_, i) => sum.get(phrases[i])! / size.get(phrases[i])! / 2);
}

/**
 * Beats [start, start+length) of a candidate (edit columns keep their whole-song values), their
 * positions moved down by a multiple of POSITION_PERIOD so the slice's first beat is in [0, 48)
 * and every beat keeps its phase.
 */
export function sliceRewardInputs(x: RewardInputs, start: number, length: number): RewardInputs {
  const end = Math.min(x.rows, start + length);
  const base = start < x.rows ? Math.floor(x.positions[start] / POSITION_PERIOD) * POSITION_PERIOD : 0;
  return {
    rows: Math.max(0, end - start),
    values: x.values.subarray(start * REWARD_INPUTS, end * REWARD_INPUTS),
    actions: x.actions.subarray(start, end),
    positions: x.positions.slice(start, end).map((p) => p - base),
  };
}

/** The first beat whose position row is at least `row` (positions.length when none is). */
export function firstBeatAtRow(positions: ArrayLike<number>, row: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid] < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Per-column mean and standard deviation of the 121 feature columns over the beats of the given
 * songs, each song weighted equally (so one long song does not set the scale). The 4 edit columns
 * are already in [0, 1] and pass through (mean 0, std 1). Constant columns get std 1.
 */
export function fitNormalization(songs: readonly FeatureMatrix[]): RewardNormalization {
  const mean = new Float64Array(REWARD_INPUTS);
  const sq = new Float64Array(REWARD_INPUTS);
  let used = 0;
  for (const s of songs) {
    if (s.rows < 1) continue;
    used++;
    for (let r = 0; r < s.rows; r++) {
      for (let c = 0; c < REWARD_FEATURES; c++) {
        const v = s.matrix[r * REWARD_FEATURES + c];
        mean[c] += v / s.rows;
        sq[c] += (v * v) / s.rows;
      }
    }
  }
  const out = identityNormalization();
  if (used === 0) return out;
  for (let c = 0; c < REWARD_FEATURES; c++) {
    const m = mean[c] / used;
    const sd = Math.sqrt(Math.max(0, sq[c] / used - m * m));
    out.mean[c] = m;
    out.std[c] = sd > 1e-6 * Math.max(1, Math.abs(m)) ? sd : 1;
  }
  return out;
}

export function identityNormalization(): RewardNormalization {
  return { mean: new Float32Array(REWARD_INPUTS), std: new Float32Array(REWARD_INPUTS).fill(1) };
}

/** A padded batch ready for the model: x normalised, padding rows zero with mask 0 and action KEEP. */
export interface RewardBatch {
  batch: number;
  length: number;
  x: Float32Array;
  actions: Int32Array;
  mask: Float32Array;
  /** per beat (b x length): its learned-position row; 0 on padding */
  positions: Int32Array;
}

export function packBatch(items: readonly RewardInputs[], norm: RewardNormalization, length = Math.max(1, ...items.map((i) => i.rows))): RewardBatch {
  if (items.length === 0) throw new RecutError('invalid_argument', 'empty batch');
  if (length > MAX_BEATS) throw new RecutError('invalid_argument', `sequence of ${length} beats is longer than the model's ${MAX_BEATS}; score it in windows`);
  const b = items.length;
  const x = new Float32Array(b * length * REWARD_INPUTS);
  const actions = new Int32Array(b * length);
  const mask = new Float32Array(b * length);
  const positions = new Int32Array(b * length);
  const inv = norm.std.map((s) => 1 / s);
  items.forEach((item, k) => {
    if (item.rows > length) throw new RecutError('invalid_argument', `item ${k} has ${item.rows} beats, batch length is ${length}`);
    if (item.positions.length !== item.rows) throw new RecutError('invalid_argument', `item ${k} has ${item.positions.length} positions for ${item.rows} beats`);
    if (item.rows > 0 && !(item.positions[0] >= 0 && item.positions[item.rows - 1] < MAX_BEATS)) {
      throw new RecutError('invalid_argument', `item ${k}: beats at position rows ${item.positions[0]}..${item.positions[item.rows - 1]} pass the model's ${MAX_BEATS}; score it in windows`);
    }
    positions.set(item.positions, k * length);
    for (let t = 0; t < item.rows; t++) {
      const src = t * REWARD_INPUTS;
      const dst = (k * length + t) * REWARD_INPUTS;
      for (let c = 0; c < REWARD_INPUTS; c++) {
        const v = (item.values[src + c] - norm.mean[c]) * inv[c];
        x[dst + c] = Number.isFinite(v) ? v : 0;
      }
      const a = item.actions[t];
      if (!(a >= 0 && a < NUM_ACTIONS)) throw new RecutError('invalid_argument', `action id ${a} at beat ${t} of item ${k}`);
      actions[k * length + t] = a;
      mask[k * length + t] = 1;
    }
  });
  return { batch: b, length, x, actions, mask, positions };
}

export interface ScoreWindow {
  start: number;
  length: number;
  /** this window's share of the song's score: sum over its beats of 1/(windows covering the beat), / rows */
  weight: number;
}

/**
 * Windows (in beats) for a song whose beats sit at the given learned-position rows: one window when
 * they span at most 500 rows, else windows of up to 500 position rows every 240, the last one
 * starting on the first multiple of 48 from which it reaches the end (so every window after the
 * first starts on a multiple of 48 from the song's first downbeat). The song's score is the
 * weighted sum of its window scores, weights chosen so every beat counts equally (a beat covered by
 * two windows gives each half a vote).
 */
export function scoreWindows(positions: ArrayLike<number>): ScoreWindow[] {
  const rows = positions.length;
  const span = rows > 0 ? positions[rows - 1] + 1 : 0;
  if (span <= MAX_BEATS) return [{ start: 0, length: rows, weight: 1 }];
  const last = Math.ceil((span - MAX_BEATS) / POSITION_PERIOD) * POSITION_PERIOD;
  const starts: number[] = [];
  for (let s = 0; s < last; s += WINDOW_HOP) starts.push(s);
  starts.push(last);
  const windows = starts
    .map((s) => {
      const first = firstBeatAtRow(positions, s);
      return { start: first, length: firstBeatAtRow(positions, s + MAX_BEATS) - first };
    })
    .filter((w) => w.length > 0);
  const cover = new Int32Array(rows);
  for (const w of windows) for (let t = w.start; t < w.start + w.length; t++) cover[t]++;
  return windows.map((w) => {
    let weight = 0;
    for (let t = w.start; t < w.start + w.length; t++) weight += 1 / cover[t];
    return { ...w, weight: weight / rows };
  });
}
