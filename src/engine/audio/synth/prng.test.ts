import { describe, expect, it } from 'vitest';
import { Prng } from './prng';

describe('Prng.permutation', () => {
  it('orders every index exactly once, the same way for the same seed', () => {
    for (const n of [0, 1, 2, 9, 100]) {
      const p = new Prng(42).permutation(n);
      expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(new Prng(42).permutation(n)).toEqual(p);
    }
    expect(new Prng(1).permutation(20)).not.toEqual(new Prng(2).permutation(20));
  });
});
