/**
 * One optimisation step of the reward model on preference pairs (DESIGN.md section 4):
 * Bradley-Terry loss, P(A preferred) = sigmoid(r_A - r_B), target 1 (A), 0 (B) or 0.5 (tie), each pair
 * weighted by its strength; AdamW (decoupled weight decay, as torch.optim.AdamW) with gradient clipping
 * by global norm. tfjs's Adam has no decoupled decay, so the update is written out here.
 * The learning loop (data, validation split, schedules) is not here: this is the step it calls.
 */
import * as tf from '@tensorflow/tfjs';
import { RecutError } from '../../../shared/errors';
import { REWARD_PARAM_SPECS } from './architecture';
import { packBatch, type RewardInputs } from './inputs';
import { disposeTensors, toTensors, type RewardModel } from './model';

export interface PreferencePair {
  a: RewardInputs;
  b: RewardInputs;
  /** probability that A is the better edit: 1, 0, or 0.5 for a tie */
  target: number;
  /** the verdict's strength (1-3); scales this pair's loss */
  weight: number;
}

export interface AdamWOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** decoupled weight decay, applied to kernels only (not biases, LayerNorm, embeddings) */
  weightDecay: number;
  /** clip gradients to this global L2 norm */
  clipNorm: number;
}

export const DEFAULT_ADAMW: AdamWOptions = { learningRate: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, clipNorm: 1 };

export interface StepResult {
  /** weighted mean Bradley-Terry loss before the update */
  loss: number;
  /** global gradient norm before clipping */
  gradNorm: number;
  step: number;
}

export class RewardTrainer {
  readonly model: RewardModel;
  readonly options: AdamWOptions;
  /** AdamW moments by parameter name (saved with training checkpoints to resume) */
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  step = 0;

  constructor(model: RewardModel, options: Partial<AdamWOptions> = {}) {
    this.model = model;
    this.options = { ...DEFAULT_ADAMW, ...options };
    for (const [name, p] of model.params) {
      this.m.set(name, tf.variable(tf.zerosLike(p), false));
      this.v.set(name, tf.variable(tf.zerosLike(p), false));
    }
  }

  async trainStep(pairs: readonly PreferencePair[]): Promise<StepResult> {
    if (pairs.length === 0) throw new RecutError('invalid_argument', 'trainStep needs at least one pair');
    pairs.forEach((pr, i) => {
      if (!(pr.target >= 0 && pr.target <= 1)) throw new RecutError('invalid_argument', `pair ${i}: target ${pr.target} is not a probability`);
      if (!(pr.weight > 0) || !Number.isFinite(pr.weight)) throw new RecutError('invalid_argument', `pair ${i}: weight ${pr.weight} must be positive`);
    });
    const P = pairs.length;
    // A and B go through the model as one batch of 2P sequences: A items first, then B.
    const packed = packBatch([...pairs.map((p) => p.a), ...pairs.map((p) => p.b)], this.model.normalization);
    const batch = toTensors(packed);
    const target = tf.tensor1d(pairs.map((p) => p.target));
    const weight = tf.tensor1d(pairs.map((p) => p.weight));
    const names = [...this.model.params.keys()];
    const vars = names.map((n) => this.model.params.get(n)!);
    try {
      const { value, grads } = tf.variableGrads(() => {
        const r = this.model.forward(batch);
        const d = r.slice(0, P).sub(r.slice(P, P)); // r_A - r_B
        // -[t log s(d) + (1-t) log(1-s(d))] = softplus(d) - t*d, stable for any d.
        const perPair = tf.softplus(d).sub(target.mul(d));
        return perPair.mul(weight).sum().div(weight.sum()) as tf.Scalar;
      }, vars);
      const norm = this.applyAdamW(names, grads);
      tf.dispose(grads);
      const [loss, gradNorm] = await Promise.all([value.data(), norm.data()]);
      tf.dispose([value, norm]);
      return { loss: loss[0], gradNorm: gradNorm[0], step: this.step };
    } finally {
      disposeTensors(batch);
      tf.dispose([target, weight]);
    }
  }

  /** Clips by global norm and applies one AdamW update; returns the pre-clip norm (a scalar tensor). */
  private applyAdamW(names: string[], grads: tf.NamedTensorMap): tf.Scalar {
    const o = this.options;
    this.step++;
    const t = this.step;
    const lrT = (o.learningRate * Math.sqrt(1 - o.beta2 ** t)) / (1 - o.beta1 ** t); // bias correction folded into the rate
    const decays = new Map(REWARD_PARAM_SPECS.map((s) => [s.name, s.decay]));
    const vars = names.map((n) => this.model.params.get(n)!);
    return tf.tidy(() => {
      const gs = vars.map((v) => grads[v.name]);
      const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
      const scale = tf.div(o.clipNorm, tf.maximum(norm, o.clipNorm)); // 1 when norm <= clip
      names.forEach((name, i) => {
        const p = vars[i];
        const g = gs[i].mul(scale);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        m.assign(m.mul(o.beta1).add(g.mul(1 - o.beta1)));
        v.assign(v.mul(o.beta2).add(g.square().mul(1 - o.beta2)));
        const decayed = decays.get(name) && o.weightDecay > 0 ? p.mul(1 - o.learningRate * o.weightDecay) : p;
        p.assign(decayed.sub(m.div(v.sqrt().add(o.epsilon)).mul(lrT)));
      });
      return tf.keep(norm);
    });
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
  }
}
