import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { RecutError } from '../../../shared/errors';
import { identityNormalization, packBatch } from '../reward/inputs';
import { RewardModel } from '../reward/model';
import { RewardTrainer } from '../reward/train';
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

  it('trains the reward model on WebGPU with the same step as cpu: loss, gradient norm and update', async (ctx) => {
    const gpu = (await listBackends()).find((b) => b.name === 'webgpu')!;
    if (!gpu.available) {
      ctx.skip(`no WebGPU adapter on this machine: ${gpu.reason}`);
      return;
    }
    // A step that clips (norm > 1): before the fix the norm's 53-input AddN was an invalid WebGPU
    // pipeline, the norm read 0 and the update went unclipped.
    const step = async (backend: 'cpu' | 'webgpu') => {
      await selectBackend(backend);
      const model = RewardModel.create({ seed: 5 });
      const trainer = new RewardTrainer(model, { learningRate: 1e-3 });
      const pairs = [0, 1, 2].map((i) => ({ a: syntheticCandidate(20 + i, i + 1), b: syntheticCandidate(20 + i, i + 11), target: 1, weight: 1 }));
      const r = await trainer.trainStep(pairs);
      const w = await model.getWeights();
      trainer.dispose();
      model.dispose();
      return { ...r, bias: w.get('head.out.bias')![0], kernel: w.get('layer2.ff2.kernel')!.slice(0, 64) };
    };
    const cpu = await step('cpu');
    const gpuStep = await step('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(cpu.gradNorm).toBeGreaterThan(1);
    expect(gpuStep.gradNorm).toBeCloseTo(cpu.gradNorm, 3);
    expect(gpuStep.loss).toBeCloseTo(cpu.loss, 4);
    expect(gpuStep.bias).toBeCloseTo(cpu.bias, 6);
    for (let i = 0; i < 64; i++) expect(Math.abs(gpuStep.kernel[i] - cpu.kernel[i])).toBeLessThan(1e-5);
  }, 180_000);
});
