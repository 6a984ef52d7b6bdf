import { describe, expect, it } from 'vitest';
import { identityPlan, type EditPlan } from '../../shared/edit-plan';
import { buildRewardInputs } from '../models/reward/inputs';
import type { PreferenceRecord } from '../store/preferences';
import { cropTogether, MAX_SINGLE_PAIRS, pairsFromPreferences, validationSongs } from './reward-data';

const p1 = identityPlan(8);
const p2: EditPlan = { ...p1, segments: [{ from: 0, to: 4, repeat: 1 }] };
let id = 0;
const rec = (r: Partial<PreferenceRecord>): PreferenceRecord => ({
  id: ++id, uid: `u${id}`, songId: 's1', kind: 'pair', planA: p1, planB: p2, choice: 'a', verdict: null, strength: 1, targetSeconds: null,
  policyVersion: null, rewardVersion: null, seed: null, source: 'test', createdAt: '', deletedAt: null, ...r,
});

describe('reward training data', () => {
  it('maps choices to Bradley-Terry targets with strength as weight, and skips undone verdicts', () => {
    const pairs = pairsFromPreferences([rec({ choice: 'a', strength: 3 }), rec({ choice: 'b' }), rec({ choice: 'tie' }), rec({ choice: 'a', deletedAt: 'x' })]);
    expect(pairs.map((p) => [p.target, p.weight])).toEqual([[1, 3], [0, 1], [0.5, 1]]);
  });

  it('pairs accepted against rejected single verdicts of the same song only', () => {
    const singles = [
      rec({ kind: 'single', planB: null, choice: null, verdict: 'accept', planA: p1, strength: 3 }),
      rec({ kind: 'single', planB: null, choice: null, verdict: 'reject', planA: p2, strength: 2 }),
      rec({ kind: 'single', planB: null, choice: null, verdict: 'reject', planA: p2, songId: 's2' }),
    ];
    const pairs = pairsFromPreferences(singles);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ songId: 's1', a: p1, b: p2, target: 1, weight: 2 });
    const many = Array.from({ length: 10 }, (_, i) => rec({ kind: 'single', planB: null, choice: null, verdict: i < 5 ? 'accept' : 'reject' }));
    expect(pairsFromPreferences(many)).toHaveLength(Math.min(25, MAX_SINGLE_PAIRS));
  });

  it('splits validation by song, deterministically, never all songs', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `song${i}`);
    const v = validationSongs(ids, 0.2, 7);
    expect(v.size).toBe(2);
    expect([...validationSongs(ids, 0.2, 7)]).toEqual([...v]);
    expect(validationSongs(['a', 'b'], 0.2).size).toBe(1);
    expect(validationSongs(['a'], 0.5).size).toBe(0);
  });

  it('crops both candidates to one window that holds every beat where they differ', () => {
    const n = 300;
    const f = { matrix: new Float32Array((n + 1) * 121).map((_, i) => (i % 7) / 7), rows: n + 1 };
    const act = new Array(n).fill(0);
    const other = [...act];
    for (let k = 150; k < 170; k++) other[k] = 1;
    const [a, b] = cropTogether(buildRewardInputs(f, act), buildRewardInputs(f, other), 64);
    expect(a.rows).toBe(64);
    expect(b.rows).toBe(64);
    expect(Array.from(b.actions).filter((x) => x === 1)).toHaveLength(20);
    // the crop starts on a multiple of 48 beats, like the scoring windows
    const rowIndexed = { matrix: new Float32Array((n + 1) * 121).map((_, i) => Math.floor(i / 121)), rows: n + 1 };
    const [, c] = cropTogether(buildRewardInputs(rowIndexed, act), buildRewardInputs(rowIndexed, other), 100);
    expect(Array.from(c.actions).filter((x) => x === 1)).toHaveLength(20);
    expect(c.values[0] % 48).toBe(0); // column 0 holds the source row: the crop's first beat
    // with a 2-beat pickup (the first downbeat is beat 2) crops start on 2 + a multiple of 48
    const pickup = (x: ReturnType<typeof buildRewardInputs>) => ({ ...x, positions: x.positions.map((p) => p + 46) });
    const [, d] = cropTogether(pickup(buildRewardInputs(rowIndexed, act)), pickup(buildRewardInputs(rowIndexed, other)), 100);
    expect(Array.from(d.actions).filter((x) => x === 1)).toHaveLength(20);
    expect((d.values[0] - 2) % 48).toBe(0);
    expect(d.positions[0]).toBe(0);
    const early = [...act];
    for (let k = 10; k < 20; k++) early[k] = 1;
    const [, e] = cropTogether(pickup(buildRewardInputs(rowIndexed, act)), pickup(buildRewardInputs(rowIndexed, early)), 100);
    expect([e.values[0], e.positions[0], e.rows]).toEqual([0, 46, 54]); // from the first beat, ending on position row 100
    // a 3/4 song (4 rows per 3 beats): the crop is 100 position rows, 75 beats, starting on a bar
    const waltz = (x: ReturnType<typeof buildRewardInputs>) => ({ ...x, positions: x.positions.map((p) => p + Math.floor(p / 3)) });
    const [, w] = cropTogether(waltz(buildRewardInputs(rowIndexed, act)), waltz(buildRewardInputs(rowIndexed, other)), 100);
    expect(Array.from(w.actions).filter((x) => x === 1)).toHaveLength(20);
    expect(w.rows).toBe(75);
    expect(w.positions[0]).toBe(0);
    expect(w.values[0] % 36).toBe(0); // 48 rows = 36 beats of 3/4
  });
});
