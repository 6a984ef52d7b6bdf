/**
 * DPO (Rafailov et al. 2023) and IPO (Azar et al. 2023) for the bar policy, directly on the user's
 * comparisons against the frozen reference policy (issue #5.3). A plan's log-probability is the sum
 * over bars of log pi(a_m), a_m the per-bar actions describing the plan (barActionsOfPlan).
 *   h = (log pi(w) - log ref(w)) - (log pi(l) - log ref(l))
 *   DPO: -log sigmoid(beta * h), weight = strength; ties are skipped (DPO has no tie).
 *   IPO: (h - 1 / (2 beta))^2, ties as (h)^2 (neither preferred).
 * beta 0.1 is TRL's default.
 */
import * as tf from '@tensorflow/tfjs';
import { NUM_ACTIONS } from '../../shared/edit-plan-actions';
import type { PolicyModel } from '../models/policy/model';
import { batchLogProbs, stackRows, type Episode } from './policy-common';

export interface DpoPair {
  /** the preferred and the other plan as per-bar actions of the same episode */
  ep: Episode;
  winner: Int32Array;
  loser: Int32Array;
  tie: boolean;
  weight: number;
}

export interface DpoOptions {
  loss: 'dpo' | 'ipo';
  beta: number;
  learningRate: number;
  batchPairs: number;
}

/** beta 0.1 (TRL); the rate from a sweep on the simulated editors (1e-3 vs 3e-3: same held-out scores, half the KL). */
export const DPO_DEFAULTS: DpoOptions = { loss: 'dpo', beta: 0.1, learningRate: 1e-3, batchPairs: 32 };

export class DpoTrainer {
  readonly optimizer: tf.AdamOptimizer;

  constructor(
    readonly policy: PolicyModel,
    readonly ref: PolicyModel,
    readonly opts: DpoOptions = DPO_DEFAULTS,
  ) {
    this.optimizer = tf.train.adam(opts.learningRate);
  }

  /** One update on a batch of pairs; returns the loss and the implicit-reward accuracy before the update. */
  step(pairs: readonly DpoPair[]): { loss: number; accuracy: number; margin: number } {
    const used = pairs.filter((p) => this.opts.loss === 'ipo' || !p.tie);
    if (!used.length) return { loss: 0, accuracy: NaN, margin: 0 };
    // Rows: every pair's episode twice (winner then loser), one batch. H [P, rows] is +1 on the
    // winner's rows and -1 on the loser's, so H x log pi(a) = the log-ratio difference per pair (a
    // matmul, not a segment sum or gather: their gradients have no wasm kernel).
    const inputs = used.flatMap((p) => [p.ep.inputs, p.ep.inputs]);
    const b = stackRows(inputs);
    const P = used.length;
    const actions = new Int32Array(b.rows);
    const hm = new Float32Array(P * b.rows);
    used.forEach((p, i) => {
      actions.set(p.winner, b.offsets[2 * i]);
      actions.set(p.loser, b.offsets[2 * i + 1]);
      for (let m = 0; m < p.ep.inputs.bars; m++) {
        hm[i * b.rows + b.offsets[2 * i] + m] = 1;
        hm[i * b.rows + b.offsets[2 * i + 1] + m] = -1;
      }
    });
    const oh = tf.oneHot(tf.tensor1d(actions, 'int32'), NUM_ACTIONS);
    const H = tf.tensor2d(hm, [P, b.rows]);
    const pairLogp = (policy: PolicyModel) => tf.matMul(H, tf.sum(tf.mul(batchLogProbs(policy, b).logp, oh), 1).reshape([b.rows, 1])).reshape([P]);
    const refH = tf.tidy(() => pairLogp(this.ref));
    const w = tf.tensor1d(used.map((p) => p.weight));
    const tie = tf.tensor1d(used.map((p) => (p.tie ? 1 : 0)));
    let out = { loss: 0, accuracy: 0, margin: 0 };
    try {
      const parts: tf.Tensor[] = [];
      this.optimizer.minimize(() => {
        const h = tf.sub(pairLogp(this.policy), refH);
        let per: tf.Tensor;
        if (this.opts.loss === 'dpo') per = tf.softplus(tf.mul(h, -this.opts.beta)); // -log sigmoid(beta h), without tfjs's logSigmoid (its custom gradient breaks on wasm)
        else per = tf.square(tf.sub(h, tf.mul(tf.sub(1, tie), 1 / (2 * this.opts.beta))));
        const loss = tf.div(tf.sum(tf.mul(per, w)), tf.sum(w)) as tf.Scalar;
        parts.push(tf.keep(loss.clone()), tf.keep(h.clone()));
        return loss;
      }, false, this.policy.trainable());
      const loss = parts[0].dataSync()[0];
      const h = parts[1].dataSync() as Float32Array;
      tf.dispose(parts);
      let right = 0;
      let decided = 0;
      used.forEach((p, i) => {
        if (!p.tie) {
          decided++;
          if (h[i] > 0) right++;
        }
      });
      out = { loss, accuracy: decided ? right / decided : NaN, margin: h.reduce((s, x) => s + x, 0) / h.length };
    } finally {
      tf.dispose([oh, H, refH, w, tie]);
    }
    return out;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
