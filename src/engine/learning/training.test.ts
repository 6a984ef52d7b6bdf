import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRewardModel } from '../models/checkpoint/reward';
import { loadPolicy } from '../models/policy/weights';
import { loadBootstrapPolicy } from '../models/policy/suggest';
import { fileSha256 } from './reward-checkpoint';
import { TrainingRun } from './run-state';
import { endingKeeper } from './sim/editors';
import { labelSong } from './sim/labeller';
import { testHome, type TestHome } from './test-fixtures';
import { trainPolicy } from './train-policy';
import { trainRewardModel } from './train-reward';

let h: TestHome;

beforeAll(async () => {
  h = await testHome(3);
  for (const s of h.songs) h.deps.prefs.addAll(await labelSong(s.songId, s.analysis, endingKeeper, { verdicts: 6, seed: 2, policy: loadBootstrapPolicy() }));
}, 60_000);

afterAll(() => h?.close());

describe('training jobs on a real home', () => {
  it('reward training stops, resumes from its checkpoint, and registers an activated version', async () => {
    const opts = { backend: 'wasm' as const, maxEpochs: 1, batchPairs: 4, saveInterval: 1, fromScratch: true };
    const first = await trainRewardModel(h.deps, { ...opts, stopAfterSteps: 1 });
    expect(first.stopped).toBe(true);
    expect(first.version).toBeNull();
    expect(h.deps.models.list('reward')).toHaveLength(0);
    const run = TrainingRun.latestUnfinished<{ step: number }>(h.layout, 'reward');
    expect(run?.state.data.step).toBe(1);

    const done = await trainRewardModel(h.deps, { ...opts, resume: true });
    expect(done.runId).toBe(first.runId);
    expect(done.steps).toBeGreaterThan(1);
    const v = done.version!;
    expect(v.name).toBe('reward-v1');
    expect(v.active).toBe(true);
    expect(v.checksum).toBe(fileSha256(v.checkpoint));
    expect(typeof v.metrics.heldOutAccuracy === 'number' || v.metrics.heldOutAccuracy === null).toBe(true);
    // the dense reward on the same validation verdicts, for the trust gate (combined.ts)
    expect(typeof v.metrics.denseAccuracyOnSameData === 'number' || v.metrics.denseAccuracyOnSameData === null).toBe(true);
    expect(v.dataRange.validationSongs).toHaveLength(1);
    loadRewardModel(v.checkpoint).model.dispose(); // validates shapes and checksum
    expect(h.deps.models.metrics(`reward-${done.runId}`).length).toBeGreaterThanOrEqual(done.steps);
    const log = fs.readFileSync(done.logPath, 'utf8');
    expect(log).toMatch(/stopped after 1 steps/);
    expect(log).toMatch(/resuming reward training/);
    // A new model's first attention head starts on the joins (join-attention.ts), once: resuming continues its weights.
    expect(log.match(/attention head 0 of layer 0 starts on the joins \(\d+ join sides in \d+ beats\)/g)).toHaveLength(1);
    expect(TrainingRun.latestUnfinished(h.layout, 'reward')).toBeNull();

    // A second model warm-starts from the active one and is activated only if it measures better.
    const second = await trainRewardModel(h.deps, { backend: 'wasm', maxEpochs: 1, batchPairs: 4 });
    expect(second.version!.parentId).toBe(v.id);
    expect(fs.readFileSync(second.logPath, 'utf8')).not.toMatch(/starts on the joins/);
    expect(second.promoted).toBe(second.heldOutAccuracy !== null && second.activeAccuracy !== null && second.heldOutAccuracy > second.activeAccuracy);
    expect(h.deps.models.active('reward')!.id).toBe(second.promoted ? second.version!.id : v.id);
  }, 240_000);

  it('DPO fine-tuning resumes and registers a policy version with its KL to the reference', async () => {
    const stopped = await trainPolicy(h.deps, { algorithm: 'dpo', totalSteps: 6, saveInterval: 2, stopAfterSteps: 2, backend: 'wasm' });
    expect(stopped.stopped).toBe(true);
    const r = await trainPolicy(h.deps, { algorithm: 'dpo', totalSteps: 6, saveInterval: 2, resume: true, backend: 'wasm' });
    expect(r.runId).toBe(stopped.runId);
    expect(r.steps).toBe(6);
    expect(fs.readFileSync(r.logPath, 'utf8')).toMatch(/optimizer state restored at step 2/); // Adam goes on, not from zero
    const v = r.version!;
    expect(v.name).toBe('policy-v1');
    expect(v.algorithm).toBe('dpo');
    expect(Number.isFinite(r.klToReference)).toBe(true);
    expect(v.active).toBe(r.promoted);
    loadPolicy(v.checkpoint);
    await expect(trainPolicy(h.deps, { algorithm: 'sgd' as never, totalSteps: 1 })).rejects.toMatchObject({ kind: 'invalid_argument' });
  }, 120_000);
});
