/**
 * EditPlan: the ordered list of source segments an edit plays, plus fade settings (DESIGN.md section 3).
 *
 * Beat units. An analysis with n beats b_0..b_{n-1} has n beat units: unit k is the audio
 * [b_k, b_{k+1}) and the last unit, k = n-1, is the tail [b_{n-1}, end of file). The intro
 * [0, b_0) is not a unit; `includeIntro` says whether the edit starts with it. A segment
 * `{from, to, repeat}` plays units from..to-1 (half-open), `repeat` times in a row; `to = n`
 * therefore means "to the end of the file". Feature row k describes unit k.
 *
 * Extensions to the minimal schema (all optional, defaults shown):
 *  - `fadeOut: {beats: F}` or null: the last F output beat units (loop repeats counted) fade out.
 *  - `crossfadeMs` (default 20): length of the equal-power crossfade at non-contiguous joins.
 *
 * Pure TypeScript: no Node, DOM or Electron imports.
 */
import { z } from 'zod';
import { RecutError } from './errors';

export const MAX_REPEAT = 16;
export const MAX_FADE_BEATS = 64;
export const DEFAULT_CROSSFADE_MS = 20;

export const SegmentSchema = z.object({
  from: z.number().int().min(0),
  to: z.number().int().min(1),
  repeat: z.number().int().min(1).max(MAX_REPEAT).default(1),
});

export const EditPlanSchema = z.object({
  version: z.literal(1),
  includeIntro: z.boolean().default(true),
  segments: z.array(SegmentSchema).max(100_000),
  /**
   * End with a fade over the last `beats` output units. `trimSeconds` (optional) stops the edit that
   * long before the end of its last unit, the fade ending there at silence: plans are beat-granular,
   * and this is how an edit lands within a few ms of a target length. It needs a fade of >= 1 beat and
   * must be shorter than the last output unit (checked where the beat times are known: planPieces).
   */
  fadeOut: z
    .object({
      beats: z.number().int().min(0).max(MAX_FADE_BEATS),
      trimSeconds: z.number().min(0).max(60).optional(),
    })
    .refine((f) => !f.trimSeconds || f.beats >= 1, { message: 'a trimmed ending needs a fade-out of at least one beat' })
    .nullable()
    .default(null),
  crossfadeMs: z.number().min(0).max(500).default(DEFAULT_CROSSFADE_MS),
});

export type Segment = z.infer<typeof SegmentSchema>;
export type EditPlan = z.infer<typeof EditPlanSchema>;
/** What callers may write: defaults filled in by `parseEditPlan`. */
export type EditPlanInput = z.input<typeof EditPlanSchema>;

/** Parses unknown JSON into an EditPlan (schema only, no beat count): invalid_plan on failure. */
export function parseEditPlan(input: unknown): EditPlan {
  const r = EditPlanSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new RecutError('invalid_plan', `Edit plan is malformed${where}: ${issue?.message ?? 'invalid'}`, {
      issues: r.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  return r.data;
}

/** Parses and checks a plan against an analysis with `beatCount` beats; invalid_plan on any mismatch. */
export function validatePlan(input: unknown, beatCount: number): EditPlan {
  if (!Number.isInteger(beatCount) || beatCount < 0) {
    throw new RecutError('invalid_argument', `beat count must be a non-negative integer, got ${beatCount}`);
  }
  const plan = parseEditPlan(input);
  plan.segments.forEach((s, i) => {
    if (s.from >= s.to) {
      throw new RecutError('invalid_plan', `Segment ${i} is empty or reversed (from ${s.from} to ${s.to})`, { segment: i });
    }
    if (s.to > beatCount) {
      throw new RecutError(
        'invalid_plan',
        `Segment ${i} ends at beat ${s.to} but the analysis has only ${beatCount} beats`,
        { segment: i, beatCount },
      );
    }
  });
  return plan;
}

/** The plan that changes nothing: intro plus every beat unit once, no fade. */
export function identityPlan(beatCount: number): EditPlan {
  return {
    version: 1,
    includeIntro: true,
    segments: beatCount > 0 ? [{ from: 0, to: beatCount, repeat: 1 }] : [],
    fadeOut: null,
    crossfadeMs: DEFAULT_CROSSFADE_MS,
  };
}

/** Checks beat times: finite, non-decreasing, >= 0. The analysis owns them; a bad list is a bug upstream. */
export function assertBeats(beats: readonly number[]): void {
  for (let i = 0; i < beats.length; i++) {
    const b = beats[i];
    if (!Number.isFinite(b) || b < 0 || (i > 0 && b < beats[i - 1])) {
      throw new RecutError('invalid_argument', `beat times must be finite, >= 0 and non-decreasing (beat ${i} = ${b})`);
    }
  }
}

/** Sample index where beat unit k starts (k = n: the end of the file), clamped into the file. */
export function unitStartSample(beats: readonly number[], k: number, sampleRate: number, fileLength: number): number {
  if (k >= beats.length) return fileLength;
  return Math.min(fileLength, Math.max(0, Math.round(beats[k] * sampleRate)));
}

/** One contiguous stretch of source audio placed in the output. */
export interface Piece {
  kind: 'intro' | 'segment';
  /** Index into plan.segments (-1 for the intro). */
  segment: number;
  /** 0-based repeat number within its segment. */
  repeat: number;
  srcStart: number;
  srcEnd: number;
  outStart: number;
}

/** The output as pieces of source samples, in order. Output length = sum of piece lengths. */
export function planPieces(plan: EditPlan, beats: readonly number[], sampleRate: number, fileLength: number): Piece[] {
  assertBeats(beats);
  const pieces: Piece[] = [];
  let out = 0;
  if (plan.includeIntro) {
    const end = unitStartSample(beats, 0, sampleRate, fileLength);
    if (end > 0) pieces.push({ kind: 'intro', segment: -1, repeat: 0, srcStart: 0, srcEnd: end, outStart: 0 });
    out = end;
  }
  plan.segments.forEach((s, si) => {
    const a = unitStartSample(beats, s.from, sampleRate, fileLength);
    const b = unitStartSample(beats, s.to, sampleRate, fileLength);
    for (let r = 0; r < s.repeat; r++) {
      if (b > a) pieces.push({ kind: 'segment', segment: si, repeat: r, srcStart: a, srcEnd: b, outStart: out });
      out += b - a;
    }
  });
  const trim = planTrimSamples(plan, sampleRate);
  if (trim > 0) {
    const last = pieces[pieces.length - 1];
    const lastSeg = plan.segments[last?.segment ?? -1];
    const lastUnit = lastSeg ? unitStartSample(beats, lastSeg.to, sampleRate, fileLength) - unitStartSample(beats, lastSeg.to - 1, sampleRate, fileLength) : 0;
    if (!last || last.kind !== 'segment' || trim >= lastUnit) {
      throw new RecutError('invalid_plan', `fadeOut.trimSeconds (${plan.fadeOut?.trimSeconds}) must be shorter than the last unit of the edit (${(lastUnit / sampleRate).toFixed(3)} s)`);
    }
    last.srcEnd -= trim;
  }
  return pieces;
}

/** The plan's sub-beat trim in samples (0 without one). */
export function planTrimSamples(plan: EditPlan, sampleRate: number): number {
  return Math.round((plan.fadeOut?.trimSeconds ?? 0) * sampleRate);
}

/** Source sample ranges of each segment (one entry per segment, before repeats). */
export function segmentSampleRanges(
  plan: EditPlan,
  beats: readonly number[],
  sampleRate: number,
  fileLength: number,
): { start: number; end: number; repeat: number }[] {
  assertBeats(beats);
  return plan.segments.map((s) => ({
    start: unitStartSample(beats, s.from, sampleRate, fileLength),
    end: unitStartSample(beats, s.to, sampleRate, fileLength),
    repeat: s.repeat,
  }));
}

/** Output length in samples: exactly what `renderPlan` returns. */
export function planLengthSamples(plan: EditPlan, beats: readonly number[], sampleRate: number, fileLength: number): number {
  return planPieces(plan, beats, sampleRate, fileLength).reduce((n, p) => n + (p.srcEnd - p.srcStart), 0);
}

/** Output duration in seconds from beat times alone (no rounding to samples), trim included. */
export function planDurationSeconds(plan: EditPlan, beats: readonly number[], totalDuration: number): number {
  assertBeats(beats);
  const t = (k: number) => (k >= beats.length ? totalDuration : Math.min(totalDuration, beats[k]));
  let d = plan.includeIntro ? t(0) : 0;
  for (const s of plan.segments) d += Math.max(0, t(s.to) - t(s.from)) * s.repeat;
  return d - (plan.fadeOut?.trimSeconds ?? 0);
}

/**
 * The audible joins of a plan in beat units, in output order: [the unit the source would have
 * continued with, the unit played instead] for every place the output leaves the source order (a
 * cut, a jump back, a loop repeat, the intro followed by a later unit). Unit `beats.length` stands
 * for the end of the file. A plan that plays the source straight through has none.
 */
export function audibleJoins(plan: EditPlan): Array<[number, number]> {
  const joins: Array<[number, number]> = [];
  let prevEnd = plan.includeIntro ? 0 : -1;
  for (const s of plan.segments) {
    for (let r = 0; r < s.repeat; r++) {
      if (prevEnd >= 0 && prevEnd !== s.from) joins.push([prevEnd, s.from]);
      prevEnd = s.to;
    }
  }
  return joins;
}

/** A place in the output where one piece ends and the next begins. */
export interface Join {
  /** Output position of the join, in samples and seconds. */
  outSample: number;
  outSeconds: number;
  /** Source position where the previous piece ended and where the next one starts (seconds). */
  fromSourceSeconds: number;
  toSourceSeconds: number;
  /** Contiguous joins continue the source unchanged: no crossfade, no audible edit. */
  contiguous: boolean;
  /** 'loop' between repeats of one segment, 'cut' between different segments (or intro -> segment). */
  kind: 'cut' | 'loop';
}

export function planJoins(plan: EditPlan, beats: readonly number[], sampleRate: number, fileLength: number): Join[] {
  const pieces = planPieces(plan, beats, sampleRate, fileLength);
  const joins: Join[] = [];
  for (let i = 1; i < pieces.length; i++) {
    const a = pieces[i - 1];
    const b = pieces[i];
    joins.push({
      outSample: b.outStart,
      outSeconds: b.outStart / sampleRate,
      fromSourceSeconds: a.srcEnd / sampleRate,
      toSourceSeconds: b.srcStart / sampleRate,
      contiguous: a.srcEnd === b.srcStart,
      kind: a.segment === b.segment ? 'loop' : 'cut',
    });
  }
  return joins;
}
