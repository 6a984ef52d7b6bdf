import { describe, expect, it } from 'vitest';
import { outputToSource, planRegions } from './timeline-model';

const beats = [1, 2, 3, 4, 5, 6, 7, 8];
const plan = (segments: Array<[number, number, number?]>, includeIntro = true) => ({
  version: 1 as const,
  includeIntro,
  segments: segments.map(([from, to, repeat]) => ({ from, to, repeat: repeat ?? 1 })),
  fadeOut: null,
  crossfadeMs: 20,
});

describe('planRegions', () => {
  it('marks kept, cut and the join of a simple cut', () => {
    const { regions, joins } = planRegions(plan([[0, 2], [5, 8]]), beats, 9);
    expect(regions.map((r) => [r.start, r.end, r.kind])).toEqual([
      [0, 1, 'kept'],
      [1, 3, 'kept'],
      [3, 6, 'cut'],
      [6, 9, 'kept'],
    ]);
    expect(joins).toEqual([{ from: 3, to: 6, kind: 'cut' }]);
  });

  it('marks loops and moved segments', () => {
    const { regions, joins } = planRegions(plan([[0, 4], [2, 4, 2], [0, 2], [4, 8]]), beats, 9);
    expect(regions.filter((r) => r.kind === 'loop')).toEqual([{ start: 3, end: 5, kind: 'loop', repeat: 2 }]);
    expect(regions.filter((r) => r.kind === 'moved').map((r) => [r.start, r.end])).toEqual([[1, 3]]);
    expect(joins.filter((j) => j.kind === 'loop')).toEqual([{ from: 5, to: 3, kind: 'loop' }]);
  });

  it('the identity plan keeps everything and has no joins', () => {
    const { regions, joins } = planRegions(plan([[0, 8]]), beats, 9);
    expect(regions.every((r) => r.kind === 'kept')).toBe(true);
    expect(joins).toEqual([]);
  });
});

describe('outputToSource', () => {
  it('maps output time through the pieces', () => {
    const pieces = [
      { srcStart: 0, srcEnd: 100, outStart: 0 },
      { srcStart: 300, srcEnd: 400, outStart: 100 },
    ];
    expect(outputToSource(pieces, 100, 0.5)).toBe(0.5);
    expect(outputToSource(pieces, 100, 1.5)).toBe(3.5);
    expect(outputToSource(pieces, 100, 2.5)).toBeNull();
  });
});
