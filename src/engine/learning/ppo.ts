/**
 * PPO for the bar policy (issue #5.3). An episode is one song and target: the policy picks an action per
 * bar (one step per bar), the planner decodes the sample into an exact-length plan (part of the
 * environment), and the combined reward of that plan arrives at the last bar. Per bar, as in TRL:
 * reward_m = -klCoef * (log pi_old(a_m) - log pi_ref(a_m)), plus the normalised plan reward at the last
 * bar; advantages by GAE (gamma 1, lambda 0.95) on the value head; clipped surrogate (0.2), value
 * loss, entropy bonus; the same action mask in sampling and update (PolicyModel.maskedLogProbs).
 * Rewards are normalised by a running mean and standard deviation.
 */
import * as tf from '@tensorflow/tfjs';
import { NUM_ACTIONS } from '../../shared/edit-plan-actions';
import { deriveSeed } from '../audio/synth/prng';
import { decodeBarActions } from '../models/policy/decode';
import type { PolicyModel } from '../models/policy/model';
import type { EditPlan } from '../../shared/edit-plan';
import { batchLogProbs, stackRows, type Episode } from './policy-common';

export interface PpoOptions {
  learningRate: number;
  clip: number;
  klCoef: number;
  gaeLambda: number;
  entropyCoef: number;
  valueCoef: number;
  /** optimisation epochs over each iteration's samples */
  updateEpochs: number;
  /** samples per episode per iteration */
  samples: number;
  temperature: number;
}

/** TRL's PPO defaults where they carry over (clip 0.2, KL 0.05, lambda 0.95); the rate is for a 7k-parameter MLP. */
export const PPO_DEFAULTS: PpoOptions = { learningRate: 3e-3, clip: 0.2, klCoef: 0.05, gaeLambda: 0.95, entropyCoef: 0.01, valueCoef: 0.5, updateEpochs: 4, samples: 4, temperature: 1 };

/** Rewards in [0, 1] of plans for one episode. */
export type RewardFn = (ep: Episode, plans: EditPlan[]) => Promise<number[]>;

export interface PpoIterationMetrics {
  meanReward: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKlOld: number;
  klRef: number;
  clipFraction: number;
}

export class RunningStats {
  n = 0;
  mean = 0;
  m2 = 0;
  push(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
  get std(): number {
    return this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 1;
  }
}

export class PpoTrainer {
  readonly optimizer: tf.AdamOptimizer;
  readonly stats = new RunningStats();

  constructor(
    readonly policy: PolicyModel,
    readonly ref: PolicyModel,
    readonly opts: PpoOptions = PPO_DEFAULTS,
  ) {
    this.optimizer = tf.train.adam(opts.learningRate);
  }

  async iteration(episodes: readonly Episode[], reward: RewardFn, seed: number): Promise<PpoIterationMetrics> {
    const o = this.opts;
    // 1. Roll out: samples per episode, decoded and scored.
    const rolls: { ep: Episode; actions: Int32Array; reward: number }[] = [];
    for (let e = 0; e < episodes.length; e++) {
      const ep = episodes[e];
      const table = this.policy.logProbTable(ep.inputs);
      const samples = Array.from({ length: o.samples }, (_, k) => this.policy.sample(ep.inputs, { seed: deriveSeed(seed, e * 1000 + k), temperature: o.temperature }, table));
      const plans = samples.map((s) => decodeBarActions(ep.analysis, s.actions, ep.targetSeconds).plan);
      const r = await reward(ep, plans);
      samples.forEach((s, k) => rolls.push({ ep, actions: s.actions, reward: r[k] }));
    }
    for (const r of rolls) this.stats.push(r.reward);
    const batch = stackRows(rolls.map((r) => r.ep.inputs));
    const N = batch.rows;
    const actions = new Int32Array(N);
    rolls.forEach((r, i) => actions.set(r.actions, batch.offsets[i]));
    // 2. Old log-probs, reference log-probs and values (no gradient).
    const [oldLogp, refLogp, values] = tf.tidy(() => {
      const oh = tf.oneHot(tf.tensor1d(actions, 'int32'), NUM_ACTIONS);
      const cur = batchLogProbs(this.policy, batch);
      const ref = batchLogProbs(this.ref, batch);
      return [tf.sum(tf.mul(cur.logp, oh), 1).dataSync() as Float32Array, tf.sum(tf.mul(ref.logp, oh), 1).dataSync() as Float32Array, cur.value.dataSync() as Float32Array];
    });
    // 3. Per-bar rewards (KL penalty + normalised plan reward at the end) and GAE.
    const adv = new Float32Array(N);
    const ret = new Float32Array(N);
    let klRefSum = 0;
    rolls.forEach((r, i) => {
      const start = batch.offsets[i];
      const M = r.ep.inputs.bars;
      const R = (r.reward - this.stats.mean) / Math.max(1e-6, this.stats.std);
      let next = 0;
      let gae = 0;
      for (let m = M - 1; m >= 0; m--) {
        const t = start + m;
        const kl = oldLogp[t] - refLogp[t];
        klRefSum += kl;
        const rew = -o.klCoef * kl + (m === M - 1 ? R : 0);
        const delta = rew + next - values[t];
        gae = delta + o.gaeLambda * gae;
        adv[t] = gae;
        ret[t] = gae + values[t];
        next = values[t];
      }
    });
    let mean = 0;
    for (const a of adv) mean += a / N;
    let sd = 0;
    for (const a of adv) sd += (a - mean) ** 2 / N;
    sd = Math.sqrt(sd) + 1e-8;
    const advN = adv.map((a) => (a - mean) / sd);
    // 4. Clipped-surrogate updates.
    const T = {
      x: tf.tensor2d(batch.x, [N, batch.x.length / N]),
      mask: tf.tensor2d(batch.mask, [N, NUM_ACTIONS]),
      oh: tf.oneHot(tf.tensor1d(actions, 'int32'), NUM_ACTIONS),
      old: tf.tensor1d(oldLogp),
      adv: tf.tensor1d(advN),
      ret: tf.tensor1d(ret),
    };
    let last = { policyLoss: 0, valueLoss: 0, entropy: 0, approxKlOld: 0, clipFraction: 0 };
    try {
      for (let k = 0; k < o.updateEpochs; k++) {
        const parts: tf.Scalar[] = [];
        this.optimizer.minimize(() => {
          const { logp, value } = this.policy.maskedLogProbs(T.x as tf.Tensor2D, T.mask as tf.Tensor2D);
          const lp = tf.sum(tf.mul(logp, T.oh), 1);
          const ratio = tf.exp(tf.sub(lp, T.old));
          const s1 = tf.mul(ratio, T.adv);
          const s2 = tf.mul(tf.clipByValue(ratio, 1 - o.clip, 1 + o.clip), T.adv);
          const policyLoss = tf.neg(tf.mean(tf.minimum(s1, s2)));
          const valueLoss = tf.mean(tf.square(tf.sub(value, T.ret)));
          const entropy = tf.mean(tf.neg(tf.sum(tf.mul(T.mask, tf.mul(tf.exp(logp), logp)), 1)));
          const approxKl = tf.mean(tf.sub(T.old, lp));
          const clipFrac = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), o.clip), 'float32'));
          parts.push(...[policyLoss, valueLoss, entropy, approxKl, clipFrac].map((t) => tf.keep(t.clone() as tf.Scalar)));
          return tf.add(policyLoss, tf.sub(tf.mul(valueLoss, o.valueCoef), tf.mul(entropy, o.entropyCoef))) as tf.Scalar;
        }, false, this.policy.trainable());
        const [pl, vl, en, ak, cf] = parts.map((t) => t.dataSync()[0]);
        tf.dispose(parts);
        last = { policyLoss: pl, valueLoss: vl, entropy: en, approxKlOld: ak, clipFraction: cf };
      }
    } finally {
      tf.dispose(Object.values(T));
    }
    const meanReward = rolls.reduce((s, r) => s + r.reward, 0) / rolls.length;
    return { meanReward, ...last, klRef: klRefSum / N };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
