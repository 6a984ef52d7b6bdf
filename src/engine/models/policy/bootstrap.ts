/**
 * Bootstrap policy by behaviour cloning of the planner: for each song and target, the planner's plan
 * (with seeded jitter on its jump costs, so the policy sees several good answers) is turned into one
 * label per bar (played: KEEP, skipped: CUT, where a fade ending starts: FADE_OUT), and the policy is
 * trained with masked cross-entropy; its value head regresses the plan's dense reward.
 * Deterministic: weights initialised from the seed in JS, examples shuffled with a seeded PRNG, full
 * float32 math on one backend; the same seed gives the same bytes on the same backend.
 */
import * as tf from '@tensorflow/tfjs';
import { ACTION, NUM_ACTIONS } from '../../../shared/edit-plan-actions';
import type { SongAnalysis } from '../../analysis/analyze';
import { Prng, deriveSeed } from '../../audio/synth/prng';
import { denseReward } from '../dense/dense-reward';
import { songGrid } from '../planner/grid';
import { checkTarget, planEdit } from '../planner/planner';
import { POLICY_INPUT_DIM, policyInputs, type PolicyInputs } from './inputs';
import { PolicyModel, initPolicyWeights } from './model';

export interface ImitationExample {
  inputs: PolicyInputs;
  labels: Int32Array;
  valueTarget: number;
}

export const DEFAULT_TARGET_RATIOS = [0.2, 0.35, 0.5, 0.65, 0.8, 1, 1.25, 1.5];

/** Planner demonstrations for one song: one example per (target ratio, jitter seed). */
export function imitationExamples(analysis: SongAnalysis, opts: { ratios?: number[]; variants?: number; seed: number }): ImitationExample[] {
  const grid = songGrid(analysis);
  const out: ImitationExample[] = [];
  for (const ratio of opts.ratios ?? DEFAULT_TARGET_RATIOS) {
    const T = ratio * grid.duration;
    try {
      checkTarget(grid, T);
    } catch {
      continue;
    }
    for (let v = 0; v < (opts.variants ?? 2); v++) {
      const planned = planEdit(analysis, T, v === 0 ? {} : { noise: { seed: deriveSeed(opts.seed, Math.round(ratio * 1000) * 31 + v), amount: 0.3 } });
      const inputs = policyInputs(grid, T);
      const labels = new Int32Array(grid.bars.length).fill(ACTION.CUT);
      for (const m of planned.barPath) labels[m] = ACTION.KEEP;
      if (planned.ending === 'fade' && planned.plan.fadeOut) {
        const units: number[] = [];
        for (const s of planned.plan.segments) for (let r = 0; r < s.repeat; r++) for (let k = s.from; k < s.to; k++) units.push(k);
        const startUnit = units[Math.max(0, units.length - planned.plan.fadeOut.beats)];
        const m = grid.barOfUnit[startUnit];
        if (inputs.mask[m * NUM_ACTIONS + ACTION.FADE_OUT]) labels[m] = ACTION.FADE_OUT;
      }
      out.push({ inputs, labels, valueTarget: denseReward(planned.plan, analysis, T).score });
    }
  }
  return out;
}

export interface TrainOptions {
  seed: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Called after each epoch (for progress output). */
  onEpoch?: (epoch: number, loss: number, accuracy: number) => void;
}

export interface TrainResult {
  model: PolicyModel;
  loss: number;
  accuracy: number;
  examples: number;
}

export function trainBehaviourCloning(examples: ImitationExample[], opts: TrainOptions): TrainResult {
  const D = POLICY_INPUT_DIM;
  const A = NUM_ACTIONS;
  const N = examples.reduce((n, e) => n + e.inputs.bars, 0);
  const X = new Float32Array(N * D);
  const MASK = new Float32Array(N * A);
  const Y = new Int32Array(N);
  const V = new Float32Array(N);
  let o = 0;
  for (const e of examples) {
    X.set(e.inputs.x, o * D);
    for (let i = 0; i < e.inputs.mask.length; i++) MASK[o * A + i] = e.inputs.mask[i];
    Y.set(e.labels, o);
    V.fill(e.valueTarget, o, o + e.inputs.bars);
    o += e.inputs.bars;
  }
  const model = new PolicyModel(initPolicyWeights(opts.seed));
  const optimizer = tf.train.adam(opts.learningRate ?? 3e-3);
  const rng = new Prng(deriveSeed(opts.seed, 7));
  const batch = opts.batchSize ?? 256;
  const order = Int32Array.from({ length: N }, (_, i) => i);
  let loss = 0;
  let accuracy = 0;
  for (let epoch = 0; epoch < (opts.epochs ?? 40); epoch++) {
    for (let i = N - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let sum = 0;
    let count = 0;
    for (let s = 0; s < N; s += batch) {
      const idx = order.subarray(s, Math.min(N, s + batch));
      const n = idx.length;
      const xb = new Float32Array(n * D);
      const mb = new Float32Array(n * A);
      const yb = new Int32Array(n);
      const vb = new Float32Array(n);
      idx.forEach((r, i) => {
        xb.set(X.subarray(r * D, (r + 1) * D), i * D);
        mb.set(MASK.subarray(r * A, (r + 1) * A), i * A);
        yb[i] = Y[r];
        vb[i] = V[r];
      });
      const l = tf.tidy(() => {
        const x = tf.tensor2d(xb, [n, D]);
        const mask = tf.tensor2d(mb, [n, A]);
        const y = tf.oneHot(tf.tensor1d(yb, 'int32'), A);
        const v = tf.tensor1d(vb);
        const cost = optimizer.minimize(() => {
          const { logp, value } = model.maskedLogProbs(x, mask);
          const ce = tf.neg(tf.mean(tf.sum(tf.mul(logp, y), 1)));
          return tf.add(ce, tf.mul(0.5, tf.mean(tf.square(tf.sub(value, v))))) as tf.Scalar;
        }, true, model.trainable());
        return cost!.dataSync()[0];
      });
      sum += l * n;
      count += n;
    }
    loss = sum / count;
    // Accuracy costs a forward pass per example: only every 5th epoch and at the end.
    const epochs = opts.epochs ?? 40;
    if (epoch % 5 === 4 || epoch === epochs - 1) accuracy = evaluateAccuracy(model, examples);
    opts.onEpoch?.(epoch, loss, accuracy);
  }
  optimizer.dispose();
  return { model, loss, accuracy, examples: examples.length };
}

/** Share of bars where the policy's most likely action is the label. */
export function evaluateAccuracy(model: PolicyModel, examples: ImitationExample[]): number {
  let hit = 0;
  let n = 0;
  for (const e of examples) {
    const t = model.logProbTable(e.inputs);
    for (let m = 0; m < e.inputs.bars; m++) {
      let best = 0;
      for (let a = 1; a < NUM_ACTIONS; a++) if (t[m * NUM_ACTIONS + a] > t[m * NUM_ACTIONS + best]) best = a;
      hit += best === e.labels[m] ? 1 : 0;
      n++;
    }
  }
  return n ? hit / n : 0;
}
