import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesize } from '../audio/synth';
import { encodeWav } from '../audio/wav-encode';
import { RecutError } from '../../shared/errors';
import { checkedEditor, runEval } from './eval';
import { audibleJoins } from '../../shared/edit-plan';
import type { SimEditor } from './sim/editors';
import { simSongSpecs } from './sim/songs';

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

describe('recut eval on the user\'s own songs and editors', () => {
  // An editor eval has never heard of, on audio files it did not synthesise itself.
  const fewCuts: SimEditor = { name: 'one-cut-only', description: 'at most one audible join', score: (plan) => (audibleJoins(plan).length <= 1 ? 1 : 0) };

  it('evaluates custom editors on a folder of audio files, holding out half of them', async () => {
    const dir = fs.mkdtempSync(path.join(home, 'music-'));
    const files = simSongSpecs(4, 77).map((spec, i) => {
      const file = path.join(dir, `track ${String.fromCharCode(97 + i)}.wav`);
      fs.writeFileSync(file, encodeWav(synthesize(spec).audio, { bitDepth: 16 }));
      return file;
    });
    const r = await runEval({ home: path.join(home, 'own'), customEditors: [fewCuts], songFiles: files, verdicts: 16, algorithms: [], backend: 'wasm', seed: 3 });
    expect(r.editors.map((e) => e.editor)).toEqual(['one-cut-only']); // custom editors only, unless named
    const e = r.editors[0];
    expect(e).toMatchObject({ trainSongs: 2, heldOutSongs: 2, policies: [] });
    expect(e.verdicts).toBeGreaterThanOrEqual(12);
    expect(e.reward.heldOutPairs).toBeGreaterThan(0);
    // the songs are the files, named by their file names
    expect(e.rerankOnly.songs.every((s) => /^track [a-d]$/.test(s.song))).toBe(true);
  }, 300_000);

  it('refuses an editor of the wrong shape, a duplicate name, and a score outside [0, 1]', async () => {
    expect(() => checkedEditor({ name: 'no score' } as unknown as SimEditor)).toThrow(RecutError);
    expect(() => checkedEditor({ name: 'x'.repeat(65), score: () => 0 } as unknown as SimEditor)).toThrow(/name/);
    expect(() => checkedEditor({ name: '..', score: () => 0 } as unknown as SimEditor)).toThrow(/name/);
    const broken = checkedEditor({ name: 'broken', description: '', score: () => { throw new Error('oops'); } });
    expect(() => broken.score({} as never, {} as never)).toThrow(/editor "broken" failed to score a plan: oops/);
    const wild = checkedEditor({ name: 'wild', description: '', score: () => 1.5 });
    expect(() => wild.score({ segments: [], includeIntro: true } as never, {} as never)).toThrow(/editor "wild" scored a plan 1.5/);
    const nan = checkedEditor({ name: 'nan', description: '', score: () => Number.NaN });
    expect(() => nan.score({} as never, {} as never)).toThrow(/NaN/);
    await expect(runEval({ home: path.join(home, 'dup'), customEditors: [{ ...fewCuts, name: 'loop-hater' }] })).rejects.toThrow(/two editors are named "loop-hater"/);
    await expect(runEval({ home: path.join(home, 'few'), songFiles: ['a.wav', 'b.wav'] })).rejects.toThrow(/at least 2 training songs and 1 held-out song/);
  });
});
