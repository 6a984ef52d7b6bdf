import { describe, expect, it } from 'vitest';
import { REWARD_ARCH_HASH, REWARD_PARAM_SPECS, countParams } from './architecture';

describe('reward model architecture', () => {
  it('has exactly the 2,630,273 parameters the design requires', () => {
    expect(countParams()).toBe(2_630_273);
  });

  it('names every parameter once, with plain dotted names', () => {
    const names = REWARD_PARAM_SPECS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]+(\.[a-z0-9]+)+$/);
  });

  it('breaks down as input 161,408 + 3 x 789,760 + head 99,585', () => {
    const sum = (prefix: string) => countParams(REWARD_PARAM_SPECS.filter((s) => s.name.startsWith(prefix)));
    expect(sum('input.')).toBe(161_408);
    for (const l of [0, 1, 2]) expect(sum(`layer${l}.`)).toBe(789_760);
    expect(sum('head.')).toBe(99_585);
    expect(REWARD_ARCH_HASH).toMatch(/^[0-9a-f]{64}$/);
  });
});
