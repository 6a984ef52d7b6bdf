/**
 * Reward-model speed per available backend, and the same model in PyTorch when it is installed
 * (Debian: python3-torch), with ours/theirs ratios.
 *  - inference: 32 songs x 500 beats
 *  - train step: 16 pairs x 500 beats (32 sequences), and 8 pairs x 128 beats (the bar:
 *    within 2x of PyTorch on CPU)
 * Best of REPEATS runs after one warm-up. BENCH_REWARD_BACKENDS=wasm,cpu limits the backends;
 * the pure-JS cpu backend is skipped by default (minutes per step).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { listBackends, selectBackend, type BackendName } from '../src/engine/models/backends';
import { RewardModel } from '../src/engine/models/reward/model';
import { RewardTrainer } from '../src/engine/models/reward/train';
import { syntheticCandidate } from '../src/engine/models/reward/test-helpers';

const REPEATS = Number(process.env.BENCH_REWARD_REPEATS ?? 2);

async function best(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  let b = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await fn();
    b = Math.min(b, (performance.now() - t) / 1000);
  }
  return b;
}

async function measure(name: BackendName): Promise<Record<string, unknown>> {
  const sel = await selectBackend(name);
  const model = RewardModel.create({ seed: 1 });
  const trainer = new RewardTrainer(model);
  const songs = Array.from({ length: 32 }, (_, i) => syntheticCandidate(500, i));
  const pairs = (n: number, beats: number) => Array.from({ length: n }, (_, i) => ({ a: syntheticCandidate(beats, 2 * i, 0.2), b: syntheticCandidate(beats, 2 * i + 1, 0.5), target: 1, weight: 1 }));
  const big = pairs(16, 500);
  const small = pairs(8, 128);
  try {
    return {
      device: sel.device,
      inference_32x500_s: await best(() => model.score(songs)),
      train_pairs16x500_s: await best(() => trainer.trainStep(big)),
      train_pairs8x128_s: await best(() => trainer.trainStep(small)),
    };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

function torchReference(): Record<string, number> | null {
  const script = path.join(import.meta.dirname, '..', 'scripts', 'torch_reward_ref.py');
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
      return JSON.parse(execFileSync(py, [script, '--repeats', String(REPEATS)], { encoding: 'utf8', timeout: 30 * 60_000 }));
    } catch {
      // no interpreter or no torch: try the next, then skip quietly
    }
  }
  return null;
}

export async function run(): Promise<Record<string, unknown>> {
  const wanted = process.env.BENCH_REWARD_BACKENDS?.split(',') ?? ['tensorflow', 'webgpu', 'wasm'];
  const available = (await listBackends()).filter((b) => b.available && wanted.includes(b.name));
  const results: Record<string, unknown> = {};
  for (const name of [...new Set(available.map((b) => b.name))]) {
    try {
      results[name] = await measure(name);
    } catch (e) {
      results[name] = { error: (e as Error).message };
    }
  }
  const torch = torchReference();
  if (torch) {
    results.pytorch = torch;
    const keys = ['inference_32x500_s', 'train_pairs16x500_s', 'train_pairs8x128_s'];
    for (const name of Object.keys(results)) {
      const r = results[name] as Record<string, unknown>;
      if (name === 'pytorch' || typeof r.inference_32x500_s !== 'number') continue;
      r.ratio_vs_pytorch = Object.fromEntries(keys.map((k) => [k, Number(((r[k] as number) / torch[k]).toFixed(2))]));
    }
  }
  return results;
}
