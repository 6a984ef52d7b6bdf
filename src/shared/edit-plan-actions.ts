/**
 * Per-beat action ids <-> EditPlan (DESIGN.md section 3, action vocabulary).
 *
 *   0 KEEP, 1 CUT, 2..4 LOOP x2..x4 (the id is the play count), 5..8 REORDER +1..+4
 *   (play this beat right after beat i+k), 9 FADE_OUT (the fade starts at this beat).
 *
 * actions -> plan (`planFromActions`) is total and canonical:
 *  - CUT beats are dropped; every other beat i gets a sort key: i, or i + k + 0.5 for REORDER k,
 *    and kept beats play in key order (ties by index), so a moved beat lands after beat i+k, or
 *    where i+k would have been when i+k is cut;
 *  - consecutive source beats that play next to each other with the same loop count form one
 *    segment; a run of LOOP xr beats therefore loops as one range (a bar loops, not each beat);
 *  - the first FADE_OUT beat plays like KEEP and the fade covers the output from its first
 *    occurrence to the end (loop repeats counted); later FADE_OUT ids act as KEEP.
 * plan -> actions (`actionsFromPlan`) is a best-effort labelling for any plan; for plans built
 * from actions it is an exact inverse: planFromActions(actionsFromPlan(p)) deep-equals p.
 * `isActionRepresentable` says whether a plan survives that round trip.
 */
import { RecutError } from './errors';
import { DEFAULT_CROSSFADE_MS, validatePlan, type EditPlan, type Segment } from './edit-plan';

export const ACTION_NAMES = [
  'KEEP',
  'CUT',
  'LOOP_X2',
  'LOOP_X3',
  'LOOP_X4',
  'REORDER_1',
  'REORDER_2',
  'REORDER_3',
  'REORDER_4',
  'FADE_OUT',
] as const;
export const NUM_ACTIONS = ACTION_NAMES.length;
export const ACTION = {
  KEEP: 0,
  CUT: 1,
  LOOP_X2: 2,
  LOOP_X3: 3,
  LOOP_X4: 4,
  REORDER_1: 5,
  REORDER_4: 8,
  FADE_OUT: 9,
} as const;

const isLoop = (a: number) => a >= ACTION.LOOP_X2 && a <= ACTION.LOOP_X4;
const isReorder = (a: number) => a >= ACTION.REORDER_1 && a <= ACTION.REORDER_4;

export interface PlanFromActionsOptions {
  includeIntro?: boolean;
  crossfadeMs?: number;
}

export function planFromActions(actions: ArrayLike<number>, opts: PlanFromActionsOptions = {}): EditPlan {
  const n = actions.length;
  let fadeBeat = -1;
  const kept: { beat: number; key: number; repeat: number }[] = [];
  for (let i = 0; i < n; i++) {
    const a = actions[i];
    if (!Number.isInteger(a) || a < 0 || a >= NUM_ACTIONS) {
      throw new RecutError('invalid_plan', `Action at beat ${i} is ${a}; action ids are integers 0..${NUM_ACTIONS - 1}`);
    }
    if (a === ACTION.CUT) continue;
    if (a === ACTION.FADE_OUT && fadeBeat < 0) fadeBeat = i;
    const key = isReorder(a) ? i + (a - ACTION.REORDER_1 + 1) + 0.5 : i;
    kept.push({ beat: i, key, repeat: isLoop(a) ? a : 1 });
  }
  kept.sort((x, y) => x.key - y.key || x.beat - y.beat);

  const segments: Segment[] = [];
  for (const k of kept) {
    const last = segments[segments.length - 1];
    if (last && last.to === k.beat && last.repeat === k.repeat) last.to = k.beat + 1;
    else segments.push({ from: k.beat, to: k.beat + 1, repeat: k.repeat });
  }

  let fadeOut: EditPlan['fadeOut'] = null;
  if (fadeBeat >= 0) {
    let units = 0;
    let seen = false;
    for (const k of kept) {
      if (k.beat === fadeBeat) seen = true;
      if (seen) units += k.repeat;
    }
    fadeOut = { beats: units };
  }
  return {
    version: 1,
    includeIntro: opts.includeIntro ?? true,
    segments,
    fadeOut,
    crossfadeMs: opts.crossfadeMs ?? DEFAULT_CROSSFADE_MS,
  };
}

/** Per-beat action ids for a plan over `beatCount` beats (validates the plan first). */
export function actionsFromPlan(input: unknown, beatCount: number): number[] {
  const plan = validatePlan(input, beatCount);
  const actions = new Array<number>(beatCount).fill(ACTION.CUT);
  // Output order of beats (first occurrence only) with their loop counts.
  const order: { beat: number; repeat: number }[] = [];
  const seen = new Uint8Array(beatCount);
  for (const s of plan.segments) {
    for (let b = s.from; b < s.to; b++) {
      if (!seen[b]) order.push({ beat: b, repeat: s.repeat });
      seen[b] = 1;
    }
  }
  // Give each beat the smallest sort key that keeps the output order (see planFromActions): its
  // own index when that is above the previous key (the beat is in place: KEEP or LOOP), else the
  // smallest REORDER k with key i+k+0.5 above it (ties sort by index). Greedy smallest keys leave
  // the most room for the beats after, so any order built from actions is found again.
  let lastKey = -1;
  let lastBeat = -1;
  for (const { beat: i, repeat } of order) {
    if (i > lastKey) {
      actions[i] = repeat === 1 ? ACTION.KEEP : Math.min(ACTION.LOOP_X4, repeat);
      lastKey = i;
    } else {
      let chosen = 4; // no k fits: the plan is not expressible; label the beat as moved furthest
      for (let k = 1; k <= 4; k++) {
        const key = i + k + 0.5;
        if (key > lastKey || (key === lastKey && i > lastBeat)) {
          chosen = k;
          break;
        }
      }
      actions[i] = ACTION.REORDER_1 + chosen - 1;
      lastKey = Math.max(lastKey, i + chosen + 0.5);
    }
    lastBeat = i;
  }
  const fadeBeats = plan.fadeOut?.beats ?? 0;
  if (fadeBeats > 0) {
    // Expanded output units (repeats counted); the fade starts at unit total - fadeBeats.
    const total = plan.segments.reduce((t, s) => t + (s.to - s.from) * s.repeat, 0);
    let target = Math.max(0, total - fadeBeats);
    for (const s of plan.segments) {
      const len = (s.to - s.from) * s.repeat;
      if (target < len) {
        actions[s.from + (target % (s.to - s.from))] = ACTION.FADE_OUT;
        break;
      }
      target -= len;
    }
  }
  return actions;
}

/** Merges back-to-back single-play segments and drops a zero-beat fade: equal plans compare equal. */
export function normalizePlan(plan: EditPlan): EditPlan {
  const segments: Segment[] = [];
  for (const s of plan.segments) {
    const last = segments[segments.length - 1];
    if (last && last.repeat === 1 && s.repeat === 1 && last.to === s.from) last.to = s.to;
    else segments.push({ ...s });
  }
  const fadeOut = plan.fadeOut && plan.fadeOut.beats > 0 ? { beats: plan.fadeOut.beats } : null;
  return { ...plan, segments, fadeOut };
}

/** True when the per-beat actions describe this plan exactly (no information lost). */
export function isActionRepresentable(plan: EditPlan, beatCount: number): boolean {
  const back = planFromActions(actionsFromPlan(plan, beatCount), {
    includeIntro: plan.includeIntro,
    crossfadeMs: plan.crossfadeMs,
  });
  return JSON.stringify(normalizePlan(back)) === JSON.stringify(normalizePlan(plan));
}
