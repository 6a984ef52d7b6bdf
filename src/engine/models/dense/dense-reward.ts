/**
 * The dense reward (DESIGN.md section 4): a hand-made score of an EditPlan in [0, 1] from weighted terms,
 * each in [0, 1] and each returned, with a per-join breakdown, so the UI can say "why this cut".
 *
 * Terms (weights in DENSE_WEIGHTS):
 *  - duration:   exp(-max(0, |d - target| - 50 ms) / tau), tau = max(0.5 s, 2 % of the target);
 *                1 within the 50 ms tolerance. Weight 0 when no target is given.
 *  - joins:      mean join quality over the audible joins (cuts and loop repeats): timbre, chroma,
 *                energy continuity and bar-phase match (join-quality.ts); 1 with no joins.
 *  - clicks:     mean click-free score of the joins (level step the join adds); from the audio if given.
 *  - bars:       mean bar/phrase alignment of the joins' two points (downbeats; phrases of 4 and 8 bars).
 *  - repetition: loops (extra plays of a looped segment) as a share of the output; 1 up to the 15 % cap,
 *                falling linearly to 0 at 30 %. Replaying material through a jump back (how the planner
 *                extends a song) is reported in the detail but is not a loop.
 *  - ending:     1 on the real ending (0.6-1 when a trim shortens its decay); a fade-out scores
 *                0.3 + 0.25 if it starts on a bar + 0.2 x (its length in bars, up to one);
 *                an abrupt stop 0.25 on a bar line, else 0.05.
 */
import type { EditPlan } from '../../../shared/edit-plan';
import type { SongAnalysis } from '../../analysis/analyze';
import type { PcmAudio } from '../../audio/pcm';
import { songGrid, type SongGrid } from '../planner/grid';
import { lastOutputUnit, planTrimSeconds, trimmedPlanSeconds, validateTrimmedPlan } from '../planner/trim';
import { joinQuality, scoreJoin, type JoinScores } from './join-quality';

export const DURATION_TOLERANCE_SECONDS = 0.05;
export const LOOP_CAP = 0.15;
// Ending weighs as much as a join: fading out early must not beat a clean cut to the real ending.
export const DENSE_WEIGHTS = { duration: 0.25, joins: 0.2, clicks: 0.1, bars: 0.15, repetition: 0.1, ending: 0.2 } as const;
export type DenseTermName = keyof typeof DENSE_WEIGHTS;

export interface DenseTerm {
  value: number;
  weight: number;
  detail?: Record<string, unknown>;
}

export interface JoinBreakdown {
  /** Output time of the join (seconds). */
  outSeconds: number;
  /** Source time where the audio left and where it resumed. */
  fromSeconds: number;
  toSeconds: number;
  /** Unit that would have followed, unit that plays instead. */
  fromUnit: number;
  toUnit: number;
  kind: 'cut' | 'loop';
  /** Join quality (weighted timbre/chroma/energy/bar phase) in [0, 1]. */
  quality: number;
  scores: JoinScores;
}

export interface DenseReward {
  score: number;
  terms: Record<DenseTermName, DenseTerm>;
  joins: JoinBreakdown[];
  durationSeconds: number;
}

export interface DenseOptions {
  /** The decoded song: click scores then come from the samples around each join. */
  audio?: PcmAudio;
}

interface Run {
  from: number;
  to: number;
  segment: number;
}

export function denseReward(plan: EditPlan, analysis: SongAnalysis, targetSeconds: number | null, opts: DenseOptions = {}): DenseReward {
  const grid = songGrid(analysis);
  const checked = validateTrimmedPlan(plan, analysis.beats, grid.duration);
  const durationSeconds = trimmedPlanSeconds(checked, analysis.beats, grid.duration);
  const runs: Run[] = [];
  checked.segments.forEach((s, i) => {
    for (let r = 0; r < s.repeat; r++) runs.push({ from: s.from, to: s.to, segment: i });
  });

  const joins: JoinBreakdown[] = [];
  let out = checked.includeIntro ? grid.introSeconds : 0;
  let prevEnd = checked.includeIntro ? 0 : -1;
  let prevSeg = -1;
  for (const run of runs) {
    if (prevEnd >= 0 && prevEnd !== run.from) {
      const scores = scoreJoin(grid, prevEnd, run.from, opts.audio);
      joins.push({
        outSeconds: out,
        fromSeconds: grid.unitStart[prevEnd],
        toSeconds: grid.unitStart[run.from],
        fromUnit: prevEnd,
        toUnit: run.from,
        kind: prevSeg === run.segment ? 'loop' : 'cut',
        quality: joinQuality(scores),
        scores,
      });
    }
    out += grid.unitStart[run.to] - grid.unitStart[run.from];
    prevEnd = run.to;
    prevSeg = run.segment;
  }

  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 1);
  const terms: Record<DenseTermName, DenseTerm> = {
    duration: durationTerm(durationSeconds, targetSeconds),
    joins: {
      value: mean(joins.map((j) => j.quality)),
      weight: DENSE_WEIGHTS.joins,
      detail: { count: joins.length, worst: joins.length ? Math.min(...joins.map((j) => j.quality)) : null },
    },
    clicks: {
      value: mean(joins.map((j) => j.scores.click)),
      weight: DENSE_WEIGHTS.clicks,
      detail: { source: opts.audio ? 'audio' : 'features', worst: joins.length ? Math.min(...joins.map((j) => j.scores.click)) : null },
    },
    bars: {
      value: mean(joins.map((j) => j.scores.bar)),
      weight: DENSE_WEIGHTS.bars,
      detail: { offBar: joins.filter((j) => j.scores.bar < 0.75).length },
    },
    repetition: repetitionTerm(checked, grid, durationSeconds),
    ending: endingTerm(checked, grid),
  };
  let num = 0;
  let den = 0;
  for (const t of Object.values(terms)) {
    num += t.weight * t.value;
    den += t.weight;
  }
  return { score: den > 0 ? clamp01(num / den) : 0, terms, joins, durationSeconds };
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

function durationTerm(d: number, target: number | null): DenseTerm {
  if (target === null || !Number.isFinite(target) || target <= 0) return { value: 1, weight: 0, detail: { durationSeconds: d, target: null } };
  const err = Math.abs(d - target);
  const tau = Math.max(0.5, 0.02 * target);
  return {
    value: Math.exp(-Math.max(0, err - DURATION_TOLERANCE_SECONDS) / tau),
    weight: DENSE_WEIGHTS.duration,
    detail: { durationSeconds: d, targetSeconds: target, errorSeconds: d - target, withinTolerance: err <= DURATION_TOLERANCE_SECONDS },
  };
}

/** Seconds of extra loop plays and of source material heard more than once (any cause). */
export function repetitionStats(plan: EditPlan, grid: SongGrid): { loopSeconds: number; repeatedSeconds: number } {
  const len = (a: number, b: number) => grid.unitStart[b] - grid.unitStart[a];
  let loopSeconds = 0;
  const plays = new Uint16Array(grid.units);
  for (const s of plan.segments) {
    loopSeconds += (s.repeat - 1) * len(s.from, s.to);
    for (let k = s.from; k < s.to; k++) plays[k] += s.repeat;
  }
  let repeatedSeconds = 0;
  for (let k = 0; k < grid.units; k++) if (plays[k] > 1) repeatedSeconds += (plays[k] - 1) * len(k, k + 1);
  return { loopSeconds, repeatedSeconds };
}

function repetitionTerm(plan: EditPlan, grid: SongGrid, outSeconds: number): DenseTerm {
  const { loopSeconds, repeatedSeconds } = repetitionStats(plan, grid);
  const f = outSeconds > 0 ? loopSeconds / outSeconds : 0;
  return {
    value: f <= LOOP_CAP ? 1 : clamp01(1 - (f - LOOP_CAP) / LOOP_CAP),
    weight: DENSE_WEIGHTS.repetition,
    detail: { loopFraction: f, cap: LOOP_CAP, repeatedFraction: outSeconds > 0 ? repeatedSeconds / outSeconds : 0 },
  };
}

function endingTerm(plan: EditPlan, grid: SongGrid): DenseTerm {
  const w = DENSE_WEIGHTS.ending;
  const last = lastOutputUnit(plan);
  if (last < 0) return { value: 0, weight: w, detail: { kind: 'empty' } };
  const trim = planTrimSeconds(plan);
  const fadeBeats = plan.fadeOut?.beats ?? 0;
  if (last === grid.units - 1) {
    const tail = grid.duration - grid.unitStart[last];
    const value = trim > 0 && tail > 0 ? 1 - 0.4 * Math.min(1, trim / tail) : 1;
    return { value, weight: w, detail: { kind: 'real-ending', trimSeconds: trim, fadeBeats } };
  }
  if (fadeBeats > 0) {
    // Output units in order, to find the source unit where the fade starts and the fade's length.
    const units: number[] = [];
    for (const s of plan.segments) for (let r = 0; r < s.repeat; r++) for (let k = s.from; k < s.to; k++) units.push(k);
    const startIdx = Math.max(0, units.length - fadeBeats);
    let fadeSeconds = -trim;
    for (let i = startIdx; i < units.length; i++) fadeSeconds += grid.unitStart[units[i] + 1] - grid.unitStart[units[i]];
    const onBar = grid.boundary[units[startIdx]] >= 1;
    const value = 0.3 + (onBar ? 0.25 : 0) + 0.2 * Math.min(1, fadeSeconds / grid.barSeconds);
    return { value, weight: w, detail: { kind: 'fade-out', fadeSeconds, barAligned: onBar, trimSeconds: trim } };
  }
  const onBar = grid.boundary[last + 1] >= 1;
  return { value: onBar ? 0.25 : 0.05, weight: w, detail: { kind: 'abrupt', barAligned: onBar } };
}
