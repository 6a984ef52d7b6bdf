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
  /** beats per forward/backward chunk (memory bound, not a hyper-parameter: results do not depend on it) */
  maxStepBeats: number;
}

/** Beats (A and B sequences together) per forward/backward chunk inside one step. */
export const MAX_STEP_TOKENS = 4096;

export const DEFAULT_ADAMW: AdamWOptions = { learningRate: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, clipNorm: 1, maxStepBeats: MAX_STEP_TOKENS };

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
    // Gradients are accumulated over chunks of at most MAX_STEP_TOKENS beats (A and B counted), so a
    // 16 x 500 batch fits the 4 GB wasm heap; the sum over chunks equals the whole-batch gradient.
    const totalWeight = pairs.reduce((s, p) => s + p.weight, 0);
    const longest = Math.max(...pairs.map((p) => Math.max(p.a.rows, p.b.rows)));
    const perChunk = Math.max(1, Math.floor(this.options.maxStepBeats / (2 * longest)));
    const names = [...this.model.params.keys()];
    const vars = names.map((n) => this.model.params.get(n)!);
    let sum: tf.NamedTensorMap | null = null;
    let loss = 0;
    for (let start = 0; start < pairs.length; start += perChunk) {
      const { value, grads } = this.chunkGrads(pairs.slice(start, start + perChunk), totalWeight, vars);
      loss += (await value.data())[0];
      value.dispose();
      if (!sum) sum = grads;
      else {
        const prev: tf.NamedTensorMap = sum;
        sum = tf.tidy(() => Object.fromEntries(Object.keys(prev).map((k) => [k, prev[k].add(grads[k])])));
        tf.dispose([...Object.values(prev), ...Object.values(grads)]);
      }
    }
    const norm = this.applyAdamW(names, sum!);
    tf.dispose(Object.values(sum!));
    const gradNorm = (await norm.data())[0];
    norm.dispose();
    return { loss, gradNorm, step: this.step };
  }

  /** Loss (sum of w_i * BT_i / totalWeight over these pairs) and its gradients. */
  private chunkGrads(pairs: readonly PreferencePair[], totalWeight: number, vars: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    const P = pairs.length;
    // A and B go through the model as one batch of 2P sequences: A items first, then B.
    const batch = toTensors(packBatch([...pairs.map((p) => p.a), ...pairs.map((p) => p.b)], this.model.normalization));
    const target = tf.tensor1d(pairs.map((p) => p.target));
    const weight = tf.tensor1d(pairs.map((p) => p.weight / totalWeight));
    try {
      return tf.variableGrads(() => {
        const r = this.model.forward(batch);
        const d = r.slice(0, P).sub(r.slice(P, P)); // r_A - r_B
        // -[t log s(d) + (1-t) log(1-s(d))] = softplus(d) - t*d, stable for any d.
        return tf.softplus(d).sub(target.mul(d)).mul(weight).sum() as tf.Scalar;
      }, vars);
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
      // Summed two at a time, not with one tf.addN: WebGPU's AddN binds every input as a storage
      // buffer, and 53 of them exceed the per-stage limit (8 by default): the pipeline is invalid,
      // the norm reads 0 and clipping silently stops (seen on Dawn; the CPU backends were right).
      const norm = tf.sqrt(gs.reduce<tf.Tensor>((sum, g) => sum.add(tf.sum(tf.square(g))), tf.scalar(0))) as tf.Scalar;
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
