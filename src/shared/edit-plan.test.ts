import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isRecutError } from './errors';
import {
  audibleJoins,
  identityPlan,
  planDurationSeconds,
  planJoins,
  planLengthSamples,
  planPieces,
  validatePlan,
  type EditPlan,
} from './edit-plan';
import { ACTION, actionsFromPlan, isActionRepresentable, NUM_ACTIONS, planFromActions } from './edit-plan-actions';

/** Ascending beat times from random positive gaps, starting after a short intro. */
const beatsArb = (min = 1, max = 40) =>
  fc
    .tuple(fc.double({ min: 0, max: 2, noNaN: true }), fc.array(fc.double({ min: 0.2, max: 1, noNaN: true }), { minLength: min, maxLength: max }))
    .map(([intro, gaps]) => {
      let t = intro;
      return gaps.map((g) => (t += g) - g);
    });

const planArb = (n: number) =>
  fc.record({
    version: fc.constant(1 as const),
    includeIntro: fc.boolean(),
    segments: fc.array(
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: 4 })).map(([a, b, r]) => ({
        from: Math.min(a, b - 1),
        to: Math.max(b, Math.min(a, b - 1) + 1),
        repeat: r,
      })),
      { maxLength: 8 },
    ),
    fadeOut: fc.option(fc.record({ beats: fc.integer({ min: 0, max: 8 }) }), { nil: null }),
    crossfadeMs: fc.constant(20),
  });

function expectKind(f: () => unknown, kind: string) {
  try {
    f();
  } catch (e) {
    expect(isRecutError(e) && e.kind).toBe(kind);
    return;
  }
  throw new Error('expected a RecutError');
}

describe('EditPlan schema and validation', () => {
  it('parses the documented JSON shape and fills defaults', () => {
    const p = validatePlan({ version: 1, includeIntro: true, segments: [{ from: 0, to: 32, repeat: 1 }], fadeOut: { beats: 4 } }, 64);
    expect(p.crossfadeMs).toBe(20);
    expect(p.segments[0]).toEqual({ from: 0, to: 32, repeat: 1 });
    expect(validatePlan({ version: 1, segments: [{ from: 3, to: 5 }] }, 5).segments[0].repeat).toBe(1);
  });

  it('rejects plans that do not fit the beat count, reversed segments and bad JSON with invalid_plan', () => {
    expectKind(() => validatePlan({ version: 1, segments: [{ from: 0, to: 9 }] }, 8), 'invalid_plan');
    expectKind(() => validatePlan({ version: 1, segments: [{ from: 4, to: 4 }] }, 8), 'invalid_plan');
    expectKind(() => validatePlan({ version: 2, segments: [] }, 8), 'invalid_plan');
    expectKind(() => validatePlan({ version: 1, segments: [{ from: -1, to: 2 }] }, 8), 'invalid_plan');
    expectKind(() => validatePlan({ version: 1, segments: [{ from: 0, to: 2, repeat: 0 }] }, 8), 'invalid_plan');
    expectKind(() => validatePlan('nope', 8), 'invalid_plan');
    expectKind(() => planFromActions([0, 10]), 'invalid_plan');
  });

  it('plays the intro, then units; to = beat count runs to the end of the file', () => {
    const sr = 100;
    const beats = [0.5, 1, 1.5];
    const pieces = planPieces(validatePlan({ version: 1, segments: [{ from: 2, to: 3, repeat: 2 }] }, 3), beats, sr, 400);
    expect(pieces.map((p) => [p.srcStart, p.srcEnd, p.outStart])).toEqual([
      [0, 50, 0],
      [150, 400, 50],
      [150, 400, 300],
    ]);
    const joins = planJoins(validatePlan({ version: 1, segments: [{ from: 0, to: 1 }, { from: 2, to: 3, repeat: 2 }] }, 3), beats, sr, 400);
    expect(joins.map((j) => [j.outSample, j.contiguous, j.kind])).toEqual([
      [50, true, 'cut'],
      [100, false, 'cut'],
      [350, false, 'loop'],
    ]);
    expect(joins[1].fromSourceSeconds).toBe(1);
    expect(joins[1].toSourceSeconds).toBe(1.5);
  });
});

describe('EditPlan properties', () => {
  it('identity plan covers the whole file, labels every beat KEEP and round-trips', () => {
    fc.assert(
      fc.property(beatsArb(), fc.integer({ min: 8000, max: 48000 }), (beats, sr) => {
        const n = beats.length;
        const total = beats[n - 1] + 1.3;
        const fileLength = Math.round(total * sr);
        const id = identityPlan(n);
        expect(planLengthSamples(id, beats, sr, fileLength)).toBe(fileLength);
        expect(planDurationSeconds(id, beats, total)).toBeCloseTo(total, 9);
        expect(planJoins(id, beats, sr, fileLength).every((j) => j.contiguous)).toBe(true);
        const actions = actionsFromPlan(id, n);
        expect(actions).toEqual(new Array(n).fill(ACTION.KEEP));
        expect(planFromActions(actions)).toEqual(id);
      }),
    );
  });

  it('duration is the sum of its segments, in seconds and in samples', () => {
    fc.assert(
      fc.property(
        beatsArb(2).chain((beats) => fc.tuple(fc.constant(beats), planArb(beats.length))),
        ([beats, raw]) => {
          const n = beats.length;
          const plan = validatePlan(raw, n);
          const total = beats[n - 1] + 0.7;
          const sr = 1000;
          const bt = (k: number) => (k >= n ? total : beats[k]);
          const expected =
            (plan.includeIntro ? beats[0] : 0) + plan.segments.reduce((d, s) => d + (bt(s.to) - bt(s.from)) * s.repeat, 0);
          expect(planDurationSeconds(plan, beats, total)).toBeCloseTo(expected, 9);
          const len = Math.round(total * sr);
          const samples = planLengthSamples(plan, beats, sr, len);
          // Each piece boundary rounds to the nearest sample: at most half a sample off per boundary.
          const boundaries = 2 * plan.segments.reduce((k, s) => k + s.repeat, 0) + 1;
          expect(Math.abs(samples - expected * sr)).toBeLessThanOrEqual(boundaries * 0.5 + 1e-6);
        },
      ),
    );
  });

  it('actions -> plan -> actions -> plan is stable, and such plans validate', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: NUM_ACTIONS - 1 }), { minLength: 1, maxLength: 48 }),
        fc.boolean(),
        (actions, includeIntro) => {
          const plan = planFromActions(actions, { includeIntro });
          validatePlan(plan, actions.length);
          const again = planFromActions(actionsFromPlan(plan, actions.length), { includeIntro });
          expect(again).toEqual(plan);
          expect(isActionRepresentable(plan, actions.length)).toBe(true);
          // Every non-CUT beat plays exactly once per its loop count; CUT beats never play.
          const plays = new Array(actions.length).fill(0);
          for (const s of plan.segments) for (let b = s.from; b < s.to; b++) plays[b] += s.repeat;
          actions.forEach((a, i) => expect(plays[i]).toBe(a === ACTION.CUT ? 0 : a >= 2 && a <= 4 ? a : 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('actions without reorders or fades map back exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 48 }), (actions) => {
        expect(actionsFromPlan(planFromActions(actions), actions.length)).toEqual(actions);
      }),
    );
  });

  it('reorder puts the beat after beat i+k, fade covers the output from its beat', () => {
    const plan = planFromActions([0, 6, 0, 0, 0, 9, 0, 1]);
    expect(plan.segments).toEqual([
      { from: 0, to: 1, repeat: 1 },
      { from: 2, to: 4, repeat: 1 },
      { from: 1, to: 2, repeat: 1 },
      { from: 4, to: 7, repeat: 1 },
    ]);
    expect(plan.fadeOut).toEqual({ beats: 2 });
    expect(actionsFromPlan(plan, 8)).toEqual([0, 6, 0, 0, 0, 9, 0, 1]);
  });

  it('flags plans the action vocabulary cannot express', () => {
    const dup: EditPlan = { ...identityPlan(8), segments: [{ from: 0, to: 4, repeat: 1 }, { from: 0, to: 4, repeat: 1 }] };
    expect(isActionRepresentable(dup, 8)).toBe(false);
    const split: EditPlan = { ...identityPlan(8), segments: [{ from: 0, to: 4, repeat: 1 }, { from: 4, to: 8, repeat: 1 }] };
    expect(isActionRepresentable(split, 8)).toBe(true);
  });
});

describe('audibleJoins', () => {
  const plan = (segments: Array<[number, number, number?]>, includeIntro = true): EditPlan => ({
    ...identityPlan(8),
    includeIntro,
    segments: segments.map(([from, to, repeat]) => ({ from, to, repeat: repeat ?? 1 })),
  });

  it('finds none in a plan that plays the source straight through', () => {
    expect(audibleJoins(identityPlan(8))).toEqual([]);
    expect(audibleJoins(plan([[0, 3], [3, 8]]))).toEqual([]);
    expect(audibleJoins(plan([[2, 8]], false))).toEqual([]); // no intro: starting later is not a join
  });

  it('names both sides of cuts, jumps back, loop repeats and a late start after the intro', () => {
    expect(audibleJoins(plan([[0, 4], [6, 8]]))).toEqual([[4, 6]]);
    expect(audibleJoins(plan([[0, 8], [2, 8]]))).toEqual([[8, 2]]); // from the end of the file back to 2
    expect(audibleJoins(plan([[0, 2], [2, 4, 3], [4, 8]]))).toEqual([[4, 2], [4, 2]]);
    expect(audibleJoins(plan([[3, 8]]))).toEqual([[0, 3]]);
  });
});
