import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../shared/contract';
import { assignSides, auditionWindow, differingJoins, parseTarget, samePlan } from './audition';

const cand = (joins: Array<[number, number, number]>, to = 8): Candidate => ({
  id: String(to),
  plan: { version: 1, includeIntro: true, segments: [{ from: 0, to, repeat: 1 }], fadeOut: null, crossfadeMs: 20 },
  durationSeconds: 30,
  actions: [],
  reward: { learned: null, dense: 0.5, combined: 0.5, mode: 'dense-only', reason: '', terms: {} },
  joins: joins.map(([out, from, to]) => ({ outSeconds: out, fromSeconds: from, toSeconds: to, kind: 'cut' as const, quality: 0.5, scores: {} })),
});

describe('A/B audition helpers', () => {
  it('keeps only the joins that differ, in source order', () => {
    const a = cand([[10, 12, 20], [20, 30, 40]]);
    const b = cand([[8, 9, 20], [20, 30, 40]], 9);
    expect(differingJoins(a, b)).toEqual([
      { side: 'B', outSeconds: 8, fromSeconds: 9, toSeconds: 20 },
      { side: 'A', outSeconds: 10, fromSeconds: 12, toSeconds: 20 },
    ]);
  });

  it('spots identical plans', () => {
    expect(samePlan(cand([]), cand([]))).toBe(true);
    expect(samePlan(cand([]), cand([], 9))).toBe(false);
  });

  it('loops a window around the join inside the edit', () => {
    expect(auditionWindow(10, 30)).toEqual([7, 13]);
    expect(auditionWindow(1, 30)).toEqual([0, 4]);
    expect(auditionWindow(29, 30)).toEqual([26, 30]);
  });

  it('randomises sides', () => {
    expect(assignSides('x', 'y', () => 0.1)).toEqual({ A: 'y', B: 'x', swapped: true });
    expect(assignSides('x', 'y', () => 0.9)).toEqual({ A: 'x', B: 'y', swapped: false });
  });

  it('parses targets in mm:ss or seconds', () => {
    expect(parseTarget('1:30')).toBe(90);
    expect(parseTarget('30')).toBe(30);
    expect(parseTarget('45s')).toBe(45);
    expect(parseTarget('2m')).toBe(120);
    expect(parseTarget('1m 5s')).toBe(65);
    expect(parseTarget('abc')).toBeNull();
    expect(parseTarget('1:75')).toBeNull();
  });
});
