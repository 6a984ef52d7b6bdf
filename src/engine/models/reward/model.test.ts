import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends';
import { identityNormalization, packBatch, scoreWindows, sliceRewardInputs } from './inputs';
import { RewardModel, disposeTensors, musicalPositions, toTensors } from './model';
import { ridgeFit } from './ridge';
import { syntheticCandidate } from './test-helpers';

let model: RewardModel;
beforeAll(async () => {
  await selectBackend('wasm');
  model = RewardModel.create({ seed: 7 });
});
afterAll(() => model.dispose());

describe('musicalPositions', () => {
  it('starts the learned positions periodic in musical beat counts (a 4-bar phrase of 4/4 is 16 beats)', () => {
    const D = 256;
    const p = musicalPositions(500, D, 1);
    const period16 = [20, 21]; // the 11th sin/cos pair: periods 2, 16/7, 8/3, 3, 16/5, 4, 16/3, 6, 8, 12, 16, ...
    for (const t of [0, 5, 37]) {
      for (const j of period16) {
        expect(Math.abs(p[t * D + j] - p[(t + 16) * D + j])).toBeLessThan(0.05);
        expect(Math.abs(p[t * D + j] + p[(t + 8) * D + j])).toBeLessThan(0.05); // half a phrase: opposite
      }
    }
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThan(1.75);
  });

  it('makes any judgement of a place in the 4-bar phrase a linear read-out of the start (every harmonic of 16 rows)', () => {
    const D = 256;
    const rows = 480;
    const p = musicalPositions(rows, D, 1);
    const musical = 30; // the 15 loud pairs
    const x = new Float64Array(rows * musical);
    for (let t = 0; t < rows; t++) for (let j = 0; j < musical; j++) x[t * musical + j] = p[t * D + j];
    // downbeat-cutter's judgement of a join side: phrase start 1, other bar line 0.3, inside a bar 0;
    // and an arbitrary one (a different value for each of the 16 places)
    const judgements = [(t: number) => (t % 16 === 0 ? 1 : t % 4 === 0 ? 0.3 : 0), (t: number) => Math.sin(7 * (t % 16)) ** 2];
    for (const g of judgements) {
      const y = Array.from({ length: rows }, (_, t) => g(t));
      const fit = ridgeFit(x, rows, musical, y, 1e-8);
      let worst = 0;
      for (let t = 0; t < rows; t++) {
        let v = fit.yMean;
        for (let j = 0; j < musical; j++) v += (x[t * musical + j] - fit.mean[j]) * fit.weights[j];
        worst = Math.max(worst, Math.abs(v - y[t]));
      }
      expect(worst).toBeLessThan(0.05); // the start's noise (+-0.02) is all that is off
    }
  });
});

describe('RewardModel', () => {
  it('starts the input projection quiet on the 121 shared feature columns and loud on the 4 edit columns', async () => {
    const k = (await model.getWeights()).get('input.proj.kernel')!;
    const rowNorm = (r: number) => Math.hypot(...k.subarray(r * 256, (r + 1) * 256));
    const mean = (rows: number[]) => rows.reduce((s, r) => s + rowNorm(r), 0) / rows.length;
    const features = mean(Array.from({ length: 121 }, (_, i) => i));
    const edits = mean([121, 122, 123, 124]);
    expect(edits / features).toBeGreaterThan(40); // 5 / 0.1, up to the Glorot draw
    expect(edits / features).toBeLessThan(60);
  });

  it('holds exactly 2,630,273 trainable weights', () => {
    expect(model.paramCount).toBe(2_630_273);
  });

  it('scores are finite, inside (-10, 10), and differ between edits', async () => {
    const s = await model.score([syntheticCandidate(40, 1), syntheticCandidate(40, 2, 0.6), syntheticCandidate(25, 3)]);
    expect(s.length).toBe(3);
    for (const v of s) expect(Math.abs(v)).toBeLessThan(10);
    expect(new Set(Array.from(s)).size).toBe(3);
  });

  it('ignores padding: a short song scores the same alone and batched with a long one', async () => {
    const short = syntheticCandidate(20, 4);
    const long = syntheticCandidate(60, 5);
    const alone = await model.scoreBatch(packBatch([short], identityNormalization()));
    const padded = await model.scoreBatch(packBatch([short, long], identityNormalization()));
    expect(padded[0]).toBeCloseTo(alone[0], 4);
  });

  it('reads each sequence at its own positions: a batch of mixed pickups scores as each alone', async () => {
    const plain = syntheticCandidate(30, 8);
    const pickup = { ...syntheticCandidate(30, 8), positions: Int32Array.from({ length: 30 }, (_, i) => 46 + i) };
    const [alonePlain] = await model.scoreBatch(packBatch([plain], identityNormalization()));
    const [alonePickup] = await model.scoreBatch(packBatch([pickup], identityNormalization()));
    const mixed = await model.scoreBatch(packBatch([plain, pickup], identityNormalization()));
    expect(mixed[0]).toBeCloseTo(alonePlain, 4);
    expect(mixed[1]).toBeCloseTo(alonePickup, 4);
    expect(Math.abs(alonePickup - alonePlain)).toBeGreaterThan(1e-4); // the positions differ
  });

  it('scores a song longer than 500 beats as the weighted mean of its windows', async () => {
    const x = syntheticCandidate(620, 6);
    const [whole] = await model.score([x]);
    const ws = scoreWindows(x.positions);
    expect(ws.length).toBe(2);
    let expected = 0;
    for (const w of ws) expected += w.weight * (await model.scoreBatch(packBatch([sliceRewardInputs(x, w.start, w.length)], identityNormalization())))[0];
    expect(whole).toBeCloseTo(expected, 4);
  }, 60_000);

  it('round-trips weights by name', async () => {
    const w = await model.getWeights();
    const other = RewardModel.create({ seed: 99 });
    const x = [syntheticCandidate(16, 8)];
    expect((await other.score(x))[0]).not.toBeCloseTo((await model.score(x))[0], 4);
    other.setWeights(w);
    expect((await other.score(x))[0]).toBeCloseTo((await model.score(x))[0], 5);
    other.dispose();
  });

  it('wasm hand-written gradients (per-head attention, transposed matmuls) match cpu autodiff', async () => {
    const batch = packBatch([syntheticCandidate(9, 10), syntheticCandidate(6, 11)], identityNormalization());
    const grads = async (backend: 'wasm' | 'cpu') => {
      await selectBackend(backend);
      const t = toTensors(batch);
      const vars = [...model.params.values()];
      const { value, grads } = tf.variableGrads(() => model.forward(t).mul(tf.tensor1d([1, -2])).sum() as tf.Scalar, vars);
      const out = { value: (await value.data())[0], grads: await Promise.all(vars.map(async (v) => (await grads[v.name].data()) as Float32Array)) };
      tf.dispose([value, ...Object.values(grads)]);
      disposeTensors(t);
      return out;
    };
    const w = await grads('wasm');
    const c = await grads('cpu');
    await selectBackend('wasm');
    expect(w.value).toBeCloseTo(c.value, 4);
    let maxErr = 0;
    let maxAbs = 0;
    w.grads.forEach((g, i) => g.forEach((v, j) => {
      maxErr = Math.max(maxErr, Math.abs(v - c.grads[i][j]));
      maxAbs = Math.max(maxAbs, Math.abs(c.grads[i][j]));
    }));
    expect(maxAbs).toBeGreaterThan(1e-3);
    expect(maxErr / maxAbs).toBeLessThan(1e-3);
  }, 120_000);
});
