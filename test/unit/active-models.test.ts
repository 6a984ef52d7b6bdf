import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/service';
import type { SongSummary, Suggestions } from '../../src/shared/contract';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-active-'));
const engine = new Engine(home, () => undefined);
afterAll(async () => {
  await engine.jobs.idle();
  engine.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('active models', () => {
  it('a reward version whose checkpoint is gone or corrupt does not break suggestions: dense only, as before', async () => {
    const demo = (await engine.call('ensureDemoSong', {})) as SongSummary;
    const bad = path.join(home, 'models', 'broken.rckpt');
    fs.writeFileSync(bad, 'not a checkpoint');
    const v = engine.models.add({ kind: 'reward', algorithm: 'bradley-terry', checkpoint: bad, checksum: 'x', backend: 'wasm', metrics: { heldOutAccuracy: 0.9 } });
    engine.models.activate('reward', v.id, 'test');
    const s = (await engine.call('suggest', { songId: demo.id, targetSeconds: 30, count: 2, seed: 1 })) as Suggestions;
    expect(s.rewardVersion).toBeNull();
    expect(s.candidates.length).toBeGreaterThan(0);
    expect(s.candidates.every((c) => c.reward.mode === 'dense-only')).toBe(true);
  });

  it('the reward weights in the settings are the ones the combined reward uses', async () => {
    engine.settings.update({ learnedWeight: 0.5, denseWeight: 0.5 });
    expect(engine.activeModels().weights).toEqual({ learnedWeight: 0.5, denseWeight: 0.5 });
  });
});
