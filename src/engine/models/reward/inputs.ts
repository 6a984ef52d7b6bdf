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
 *   cut       1 when it is CUT
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
import type { EditPlan } from '../../../shared/edit-plan';
import { ACTION, actionsFromPlan, planFromActions, NUM_ACTIONS as PLAN_ACTIONS } from '../../../shared/edit-plan-actions';
import { MAX_BEATS, NUM_ACTIONS, REWARD_FEATURES, REWARD_INPUTS } from './architecture';

export const DENSITY_HALF_WINDOW = 8;
/**
 * Learned positions count beats from the song's first downbeat, which sits on a multiple of
 * POSITION_PERIOD rows (48: four 4-bar phrases of 3/4, three of 4/4), so "this beat starts a 4-bar
 * phrase" is the same position phase in every song whatever its pickup (see musicalPositions in
 * model.ts): a song whose first downbeat is beat p starts at row 48 - p (`firstPosition`). Windows
 * and training crops after the first start on a multiple of 48 rows, so the phase is also the same
 * whichever window of a long song a beat is read in.
 */
export const POSITION_PERIOD = 48;
/** Scoring windows for songs longer than MAX_BEATS: up to 500 position rows, every 240, the last reaching the end. */
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
   * The learned-position row of the first beat, in [0, POSITION_PERIOD): positions count beats from
   * the song's first downbeat (so a 4-bar phrase starts on a multiple of 48 whatever the pickup) and
   * a pickup of p beats starts at row 48 - p. 0 without a bar grid.
   */
  firstPosition: number;
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
  return assemble(features, actions, firstPlayPositions(plan, actions.length), null, null);
}

/**
 * The model's inputs for any EditPlan over the song's beats (`beats`: beat times, `duration`: the
 * file's length, for the trimmed share of the last unit). Replays are labelled as loops (see above).
 */
export function buildPlanRewardInputs(features: FeatureMatrix, plan: EditPlan, beats: readonly number[], duration: number, phrases?: ArrayLike<number>): RewardInputs {
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
  if (phrases && phrases.length !== n) throw new RecutError('invalid_argument', `${phrases.length} phrase ids for ${n} beats`);
  const x = assemble(features, actions, firstPlayPositions(plan, n), heard, phrases ?? null, plays);
  return phrases ? { ...x, firstPosition: firstPositionOf(phrases) } : x;
}

/** Where the first beat sits in the learned positions: the first downbeat (first beat of phrase >= 0) on a multiple of 48. */
export function firstPositionOf(phrases: ArrayLike<number>): number {
  let anchor = 0;
  while (anchor < phrases.length && phrases[anchor] < 0) anchor++;
  if (anchor === phrases.length) return 0;
  return (POSITION_PERIOD - (anchor % POSITION_PERIOD)) % POSITION_PERIOD;
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

function assemble(features: FeatureMatrix, actions: ArrayLike<number>, position: Float32Array, heard: Float32Array | null, phrases: ArrayLike<number> | null, plays: Int32Array | null = null): RewardInputs {
  const n = actions.length;
  const density = phrases && plays ? phraseDensity(plays, phrases) : windowDensity(actions);
  const values = new Float32Array(n * REWARD_INPUTS);
  const acts = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = values.subarray(i * REWARD_INPUTS, (i + 1) * REWARD_INPUTS);
    row.set(features.matrix.subarray(i * REWARD_FEATURES, (i + 1) * REWARD_FEATURES));
    const keep = actions[i] === ACTION.CUT ? 0 : 1;
    row[REWARD_FEATURES] = heard ? heard[i] : keep;
    row[REWARD_FEATURES + 1] = 1 - keep;
    row[REWARD_FEATURES + 2] = position[i];
    row[REWARD_FEATURES + 3] = density[i];
    acts[i] = actions[i];
  }
  return { rows: n, values, actions: acts, firstPosition: 0 };
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

/** Rows [start, start+length) of a candidate (edit columns keep their whole-song values). */
export function sliceRewardInputs(x: RewardInputs, start: number, length: number): RewardInputs {
  const end = Math.min(x.rows, start + length);
  return {
    rows: end - start,
    values: x.values.subarray(start * REWARD_INPUTS, end * REWARD_INPUTS),
    actions: x.actions.subarray(start, end),
    firstPosition: (x.firstPosition + start) % POSITION_PERIOD,
  };
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
  /** per item: the learned-position row of its first beat */
  firstPositions: Int32Array;
}

export function packBatch(items: readonly RewardInputs[], norm: RewardNormalization, length = Math.max(1, ...items.map((i) => i.rows))): RewardBatch {
  if (items.length === 0) throw new RecutError('invalid_argument', 'empty batch');
  if (length > MAX_BEATS) throw new RecutError('invalid_argument', `sequence of ${length} beats is longer than the model's ${MAX_BEATS}; score it in windows`);
  const b = items.length;
  const x = new Float32Array(b * length * REWARD_INPUTS);
  const actions = new Int32Array(b * length);
  const mask = new Float32Array(b * length);
  const firstPositions = new Int32Array(b);
  const inv = norm.std.map((s) => 1 / s);
  items.forEach((item, k) => {
    if (item.rows > length) throw new RecutError('invalid_argument', `item ${k} has ${item.rows} beats, batch length is ${length}`);
    if (!(item.firstPosition >= 0 && item.firstPosition + item.rows <= MAX_BEATS)) {
      throw new RecutError('invalid_argument', `item ${k}: ${item.rows} beats from position ${item.firstPosition} pass the model's ${MAX_BEATS}; score it in windows`);
    }
    firstPositions[k] = item.firstPosition;
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
  return { batch: b, length, x, actions, mask, firstPositions };
}

export interface ScoreWindow {
  start: number;
  length: number;
  /** this window's share of the song's score: sum over its beats of 1/(windows covering the beat), / rows */
  weight: number;
}

/**
 * Windows for a song of `rows` beats whose first beat sits at learned-position row `firstPosition`:
 * one window when it fits, else windows of up to 500 position rows every 240, the last one starting
 * on the first multiple of 48 from which it reaches the end (counted in position rows, so every
 * window after the first starts on a multiple of 48 from the song's first downbeat). The song's
 * score is the weighted sum of its window scores, weights chosen so every beat counts equally (a
 * beat covered by two windows gives each half a vote).
 */
export function scoreWindows(rows: number, firstPosition = 0): ScoreWindow[] {
  const f = firstPosition;
  if (f + rows <= MAX_BEATS) return [{ start: 0, length: rows, weight: 1 }];
  const virtualRows = f + rows;
  const last = Math.ceil((virtualRows - MAX_BEATS) / POSITION_PERIOD) * POSITION_PERIOD;
  const starts: number[] = [];
  for (let s = 0; s < last; s += WINDOW_HOP) starts.push(s);
  starts.push(last);
  const windows = starts.map((s) => ({ start: Math.max(0, s - f), length: Math.min(MAX_BEATS, virtualRows - s) - Math.max(0, f - s) }));
  const cover = new Int32Array(rows);
  for (const w of windows) for (let t = w.start; t < w.start + w.length; t++) cover[t]++;
  return windows.map((w) => {
    let weight = 0;
    for (let t = w.start; t < w.start + w.length; t++) weight += 1 / cover[t];
    return { ...w, weight: weight / rows };
  });
}
