/**
 * The edit policy: a small MLP (TF.js) from a bar's inputs (inputs.ts) to logits over the 10-action
 * vocabulary, with a value head for PPO. 32 -> 64 -> 64 -> {10 logits, 1 value}: 6,987 parameters,
 * so behaviour cloning on the CPU takes seconds and the weights file is ~40 KB.
 *
 * One action mask, applied identically everywhere: masked logits = logits - 1e9 where mask = 0, then a
 * log-softmax. `logProbs` (differentiable, for PPO/DPO updates) and `sample` (seeded, with temperature
 * and top-k on top of the masked logits) both go through `maskedLogits`.
 *
 * Weights are initialised in JavaScript (Glorot-uniform from a seeded PRNG), not by tfjs's random ops,
 * so the same seed gives the same bytes on every backend.
 */
import { tf } from '../tf';
import { RecutError } from '../../../shared/errors';
import { NUM_ACTIONS } from '../../../shared/edit-plan-actions';
import { Prng } from '../../audio/synth/prng';
import { POLICY_INPUT_DIM, type PolicyInputs } from './inputs';

export const POLICY_HIDDEN = 64;
export const MASKED_LOGIT = -1e9;

/** Names, shapes and order of the parameters (the checkpoint follows this order). */
export const POLICY_PARAMS: ReadonlyArray<{ name: string; shape: number[] }> = [
  { name: 'w1', shape: [POLICY_INPUT_DIM, POLICY_HIDDEN] },
  { name: 'b1', shape: [POLICY_HIDDEN] },
  { name: 'w2', shape: [POLICY_HIDDEN, POLICY_HIDDEN] },
  { name: 'b2', shape: [POLICY_HIDDEN] },
  { name: 'w3', shape: [POLICY_HIDDEN, NUM_ACTIONS] },
  { name: 'b3', shape: [NUM_ACTIONS] },
  { name: 'wv', shape: [POLICY_HIDDEN, 1] },
  { name: 'bv', shape: [1] },
];
export const POLICY_PARAM_COUNT = POLICY_PARAMS.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);

export type PolicyWeights = Record<string, Float32Array>;

export interface SampleOptions {
  temperature?: number;
  topK?: number;
  seed: number;
}

export interface PolicySample {
  /** One action id per bar. */
  actions: Int32Array;
  /** log pi(action) per bar under the untempered masked policy. */
  logProbs: Float32Array;
}

export function initPolicyWeights(seed: number): PolicyWeights {
  const rng = new Prng(seed);
  const out: PolicyWeights = {};
  for (const p of POLICY_PARAMS) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(size);
    if (p.shape.length === 2) {
      const lim = Math.sqrt(6 / (p.shape[0] + p.shape[1]));
      for (let i = 0; i < size; i++) w[i] = (2 * rng.next() - 1) * lim;
    }
    out[p.name] = w;
  }
  return out;
}

export class PolicyModel {
  readonly vars: Record<string, tf.Variable>;

  constructor(weights: PolicyWeights) {
    this.vars = {};
    for (const p of POLICY_PARAMS) {
      const w = weights[p.name];
      const size = p.shape.reduce((a, b) => a * b, 1);
      if (!(w instanceof Float32Array) || w.length !== size) {
        throw new RecutError('invalid_checkpoint', `policy parameter ${p.name} must be ${size} float32 values`);
      }
      this.vars[p.name] = tf.variable(tf.tensor(w, p.shape, 'float32'), true);
    }
  }

  static init(seed: number): PolicyModel {
    return new PolicyModel(initPolicyWeights(seed));
  }

  trainable(): tf.Variable[] {
    return POLICY_PARAMS.map((p) => this.vars[p.name]);
  }

  /** Logits (bars x 10, before masking) and values (bars). */
  forward(x: tf.Tensor2D): { logits: tf.Tensor2D; value: tf.Tensor1D } {
    const v = this.vars;
    const h1 = tf.relu(tf.add(tf.matMul(x, v.w1 as tf.Tensor2D), v.b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, v.w2 as tf.Tensor2D), v.b2));
    const logits = tf.add(tf.matMul(h2, v.w3 as tf.Tensor2D), v.b3) as tf.Tensor2D;
    const value = tf.add(tf.matMul(h2, v.wv as tf.Tensor2D), v.bv).reshape([-1]) as tf.Tensor1D;
    return { logits, value };
  }

  /** Log-softmax of the masked logits: bars x 10 (masked entries ~ -1e9). */
  maskedLogProbs(x: tf.Tensor2D, mask: tf.Tensor2D): { logp: tf.Tensor2D; value: tf.Tensor1D } {
    const { logits, value } = this.forward(x);
    const masked = tf.add(logits, tf.mul(tf.sub(1, mask), MASKED_LOGIT)) as tf.Tensor2D;
    return { logp: tf.logSoftmax(masked) as tf.Tensor2D, value };
  }

  /** Differentiable log pi(a_m | bar m) for given per-bar actions (use inside tf.tidy / a gradient). */
  logProbs(inputs: PolicyInputs, actions: ArrayLike<number>): tf.Tensor1D {
    checkActions(inputs, actions);
    const x = tf.tensor2d(inputs.x, [inputs.bars, POLICY_INPUT_DIM]);
    const mask = tf.tensor2d(inputs.mask, [inputs.bars, NUM_ACTIONS], 'float32');
    const { logp } = this.maskedLogProbs(x, mask);
    const onehot = tf.oneHot(tf.tensor1d(Array.from(actions), 'int32'), NUM_ACTIONS);
    return tf.sum(tf.mul(logp, onehot), 1) as tf.Tensor1D;
  }

  /** Value estimate per bar (differentiable). */
  value(inputs: PolicyInputs): tf.Tensor1D {
    return this.forward(tf.tensor2d(inputs.x, [inputs.bars, POLICY_INPUT_DIM])).value;
  }

  /** Masked log-probabilities as plain numbers (bars x 10). */
  logProbTable(inputs: PolicyInputs): Float32Array {
    return tf.tidy(() => {
      const x = tf.tensor2d(inputs.x, [inputs.bars, POLICY_INPUT_DIM]);
      const mask = tf.tensor2d(inputs.mask, [inputs.bars, NUM_ACTIONS], 'float32');
      return this.maskedLogProbs(x, mask).logp.dataSync() as Float32Array;
    });
  }

  /** Seeded sample per bar from the masked policy with temperature and top-k. */
  sample(inputs: PolicyInputs, opts: SampleOptions, table = this.logProbTable(inputs)): PolicySample {
    return sampleFromTable(table, inputs, opts);
  }

  getWeights(): PolicyWeights {
    const out: PolicyWeights = {};
    for (const p of POLICY_PARAMS) out[p.name] = Float32Array.from(this.vars[p.name].dataSync() as Float32Array);
    return out;
  }

  dispose(): void {
    for (const v of Object.values(this.vars)) v.dispose();
  }
}

function checkActions(inputs: PolicyInputs, actions: ArrayLike<number>): void {
  if (actions.length !== inputs.bars) throw new RecutError('invalid_argument', `expected ${inputs.bars} bar actions, got ${actions.length}`);
  for (let m = 0; m < actions.length; m++) {
    const a = actions[m];
    if (!Number.isInteger(a) || a < 0 || a >= NUM_ACTIONS || !inputs.mask[m * NUM_ACTIONS + a]) {
      throw new RecutError('invalid_argument', `action ${a} is not allowed at bar ${m}`);
    }
  }
}

/** Sampling from a masked log-probability table (shared by the model and tests). */
export function sampleFromTable(table: Float32Array, inputs: PolicyInputs, opts: SampleOptions): PolicySample {
  const temperature = opts.temperature ?? 1;
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new RecutError('invalid_argument', `temperature must be > 0, got ${temperature}`);
  const topK = Math.max(1, Math.min(NUM_ACTIONS, Math.floor(opts.topK ?? NUM_ACTIONS)));
  const rng = new Prng(opts.seed);
  const A = NUM_ACTIONS;
  const actions = new Int32Array(inputs.bars);
  const logProbs = new Float32Array(inputs.bars);
  const order = Array.from({ length: A }, (_, i) => i);
  const w = new Float64Array(A);
  for (let m = 0; m < inputs.bars; m++) {
    const row = table.subarray(m * A, (m + 1) * A);
    const allowed = order.filter((a) => inputs.mask[m * A + a]).sort((p, q) => row[q] - row[p] || p - q);
    const keep = allowed.slice(0, topK);
    const top = row[keep[0]] / temperature;
    let z = 0;
    for (const a of keep) z += w[a] = Math.exp(row[a] / temperature - top);
    let u = rng.next() * z;
    let chosen = keep[keep.length - 1];
    for (const a of keep) {
      u -= w[a];
      if (u < 0) {
        chosen = a;
        break;
      }
    }
    actions[m] = chosen;
    logProbs[m] = row[chosen];
  }
  return { actions, logProbs };
}
