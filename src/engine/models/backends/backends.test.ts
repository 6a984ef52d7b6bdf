import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { RecutError } from '../../../shared/errors';
import { identityNormalization, packBatch } from '../reward/inputs';
import { RewardModel } from '../reward/model';
import { syntheticCandidate } from '../reward/test-helpers';
import { listBackends, selectBackend } from '.';

describe('backends', () => {
  it('lists every backend in preference order, with a reason when unavailable', async () => {
    const list = await listBackends();
    expect(list.map((b) => b.package)).toEqual([
      '@tensorflow/tfjs-node-gpu',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-node',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs',
    ]);
    for (const b of list) if (!b.available) expect(b.reason).toBeTruthy();
    expect(list.find((b) => b.name === 'wasm')?.available).toBe(true);
    expect(list.find((b) => b.name === 'cpu')?.available).toBe(true);
  });

  it('forcing an unavailable backend is a typed error naming why', async () => {
    const list = await listBackends();
    const native = list.filter((b) => b.name === 'tensorflow');
    if (native.some((b) => b.available)) return; // tfjs-node is installed here: nothing to force-fail
    const err = await selectBackend('tensorflow').catch((e) => e);
    expect(err).toBeInstanceOf(RecutError);
    expect(err.kind).toBe('invalid_argument');
    expect(err.message).toMatch(/not installed/);
    await expect(selectBackend('nonsense' as never)).rejects.toBeInstanceOf(RecutError);
  });

  it('auto picks a working backend and says which device it runs on', async () => {
    const sel = await selectBackend('auto');
    expect(tf.getBackend()).toBe(sel.name);
    expect(sel.device.length).toBeGreaterThan(0);
  });

  it('runs the reward model on WebGPU with the same result as cpu', async (ctx) => {
    const gpu = (await listBackends()).find((b) => b.name === 'webgpu')!;
    if (!gpu.available) {
      ctx.skip(`no WebGPU adapter on this machine: ${gpu.reason}`);
      return;
    }
    await selectBackend('cpu');
    const model = RewardModel.create({ seed: 5 });
    const batch = packBatch([syntheticCandidate(24, 1), syntheticCandidate(17, 2)], identityNormalization());
    const onCpu = await model.scoreBatch(batch);
    const sel = await selectBackend('webgpu');
    expect(sel.name).toBe('webgpu');
    const onGpu = await model.scoreBatch(batch);
    expect(tf.getBackend()).toBe('webgpu');
    for (let i = 0; i < 2; i++) expect(Math.abs(onGpu[i] - onCpu[i])).toBeLessThan(1e-3 * Math.max(1, Math.abs(onCpu[i])));
    expect(onCpu[0]).not.toBeCloseTo(onCpu[1], 3);
    model.dispose();
  }, 120_000);
});
