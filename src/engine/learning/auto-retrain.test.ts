import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBootstrapPolicy } from '../models/policy/suggest';
import { Engine } from '../service';
import { ModelStore } from '../store/models';
import { PreferenceStore } from '../store/preferences';
import { startAutoRetrain, newVerdicts } from './auto-retrain';
import { learningDeps } from './context';
import { endingKeeper } from './sim/editors';
import { labelSong } from './sim/labeller';
import { prepareSimSongs, simSongSpecs } from './sim/songs';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-auto-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('auto-retrain in the engine', () => {
  it('retrains the reward model after enough new verdicts, then fine-tunes the policy, as engine jobs', async () => {
    const engine = new Engine(root, () => undefined);
    try {
      const songs = await prepareSimSongs(simSongSpecs(3, 1), path.join(root, 'songs'), engine.songs, engine.analyses);
      const prefs = new PreferenceStore(engine.db);
      // The options are read live (as the engine reads its settings): the threshold changes below.
      const settings = { everyVerdicts: 100, policyAlgorithm: 'dpo' as const, policySteps: 3, backend: 'wasm' as const, autoFineTune: true };
      const auto = startAutoRetrain(engine, () => settings);
      prefs.addAll(await labelSong(songs[0].songId, songs[0].analysis, endingKeeper, { verdicts: 6, seed: 4, policy: loadBootstrapPolicy() }));
      auto.notify();
      await auto.idle();
      expect(engine.jobs.list().filter((j) => j.kind === 'train-reward')).toHaveLength(0); // 6 < 100: nothing yet
      settings.everyVerdicts = 12;
      auto.notify();
      await auto.idle();
      expect(engine.jobs.list().filter((j) => j.kind === 'train-reward')).toHaveLength(0); // 6 < 12: nothing yet

      for (const s of songs.slice(1)) prefs.addAll(await labelSong(s.songId, s.analysis, endingKeeper, { verdicts: 6, seed: 4, policy: loadBootstrapPolicy() }));
      auto.notify();
      auto.notify(); // a second call while busy starts nothing more
      await auto.idle();
      const jobs = engine.jobs.list();
      const reward = jobs.filter((j) => j.kind === 'train-reward');
      expect(reward).toHaveLength(1);
      expect(reward[0]).toMatchObject({ state: 'done', progress: 1 });
      const models = new ModelStore(engine.db);
      expect(models.active('reward')?.name).toBe('reward-v1'); // the first model is activated
      expect(jobs.filter((j) => j.kind === 'train-policy')).toEqual([expect.objectContaining({ state: 'done' })]);
      expect(models.list('policy')).toHaveLength(1);
      expect(newVerdicts(learningDeps(engine))).toBe(0);

      // With automatic fine-tuning switched off in the settings, a retrain leaves the policy alone.
      settings.autoFineTune = false;
      prefs.addAll(await labelSong(songs[1].songId, songs[1].analysis, endingKeeper, { verdicts: 12, seed: 9, policy: loadBootstrapPolicy() }));
      auto.notify();
      await auto.idle();
      auto.stop();
      expect(engine.jobs.list().filter((j) => j.kind === 'train-reward')).toHaveLength(2);
      expect(engine.jobs.list().filter((j) => j.kind === 'train-policy')).toHaveLength(1);
    } finally {
      await engine.jobs.idle();
      engine.close();
    }
  }, 240_000);
});
