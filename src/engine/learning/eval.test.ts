import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEval } from './eval';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-eval-test-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('recut eval (small)', () => {
  it('runs the whole loop for an editor and reports what it measured', async () => {
    const r = await runEval({ home, editors: ['ending-keeper'], songs: 4, heldOut: 2, verdicts: 24, algorithms: ['ppo', 'dpo'], policySteps: { ppo: 2, dpo: 4, ipo: 4 }, backend: 'wasm' });
    expect(r.editors).toHaveLength(1);
    const e = r.editors[0];
    expect(e).toMatchObject({ editor: 'ending-keeper', trainSongs: 2, heldOutSongs: 2 });
    expect(e.verdicts).toBeGreaterThanOrEqual(20);
    expect(e.reward.heldOutPairs).toBeGreaterThan(0);
    expect(e.reward.heldOutAccuracy).toBeGreaterThanOrEqual(0);
    expect(e.reward.heldOutAccuracy).toBeLessThanOrEqual(1);
    expect(e.policies.map((p) => p.algorithm)).toEqual(['ppo', 'dpo']);
    for (const p of e.policies) {
      expect(p.songs).toHaveLength(2);
      expect(p.winRate).toBe(p.songs.filter((s) => s.result === 'win').length / 2);
      expect(p.durationExact).toBe(1); // duration is a hard constraint of the decoder
      expect(p.klToReferenceHeldOut).toBeGreaterThanOrEqual(0);
      // what the user is shown first, before (bootstrap, dense) and after (tuned policy, learned reward)
      expect(p.topSuggestion.songs).toHaveLength(2);
      for (const s of p.topSuggestion.songs) {
        for (const v of [s.before, s.after]) expect(v).toBeGreaterThanOrEqual(0);
        expect(s.result).toBe(s.after > s.before + 1e-9 ? 'win' : s.after < s.before - 1e-9 ? 'loss' : 'tie');
      }
    }
    expect(e.rerankOnly.songs).toHaveLength(2);
    expect(e.targetsMet.heldOutAccuracy).toBe(e.reward.heldOutAccuracy >= 0.85);
    expect(e.targetsMet.winRate).toBe(e.policies.some((p) => p.topSuggestion.winRate >= 0.75));
    // The editor's home is a real one: versions and verdicts are there.
    expect(fs.existsSync(path.join(home, 'ending-keeper', 'recut.sqlite'))).toBe(true);
  }, 300_000);
});
