/**
 * The reliability harness's quick subset (test/reliability, QUICK counts): 20 verdict kills, WAL
 * checkpoint and migration kills, 10 checkpoint kills, hostile files with a few hundred fuzz cases,
 * hostile callers and one engine kill. The full counts run in `npm run test:reliability`.
 * Known open bugs (reported, owned elsewhere) are listed below with why; anything else fails.
 */
import { describe, expect, it } from 'vitest';
import { QUICK, runHarness } from '../reliability/run';
import { reliabilityLine } from '../reliability/lib/tally';

/** Fixed seed: the quick run is reproducible; the full run draws a fresh seed each time. */
const SEED = 20_251_125;

// None at present (the checkpoint header is now checksummed too). Keep the mechanism for the next one.
const KNOWN_OPEN: RegExp[] = [];

describe('reliability (quick subset)', () => {
  it('loses no verdict, loads every checkpoint, refuses every hostile input without crashing', async () => {
    const t = await runHarness({ seed: SEED, quick: true });
    const unexpected = t.failures.filter((f) => !KNOWN_OPEN.some((re) => re.test(f)));
    console.log(reliabilityLine(t));
    expect(unexpected).toEqual([]);
    expect(t.lost).toBe(0);
    expect(t.ckpt_unloadable).toBe(0);
    expect(t.crashes).toBe(0);
    expect(t.kills).toBeGreaterThanOrEqual(QUICK.verdictKills);
    expect(t.ckpt_kills).toBeGreaterThanOrEqual(QUICK.rewardKills);
    expect(t.fuzz_cases).toBeGreaterThan(300);
    expect(t.rejected_ok).toBeGreaterThan(100);
  }, 180_000);
});
