/**
 * The few building blocks of the reward model, with backend-specific forms where the generic tfjs op
 * is slow. Measured on tfjs-backend-wasm 4.22 (bench/reward-model.ts; 1024x256x1024 matmul, 1 thread):
 *  - plain 2-D matMul runs through XNNPACK at ~13-20 GFLOPS, but matMul with transposeA or transposeB
 *    takes a naive path at 0.2-1.2 GFLOPS, and every matMul gradient uses those flags;
 *  - batched (rank-3) matMul never takes the XNNPACK path (~1 GFLOPS).
 * So on wasm: matmuls get a custom gradient that transposes explicitly (Transpose is a cheap native
 * kernel) and attention runs as one 2-D matmul per (sequence, head). Other backends use the batched
 * ops directly.
 */
import * as tf from '@tensorflow/tfjs';
import { HEAD_DIM, HEADS, LN_EPS } from './architecture';

const onWasm = () => tf.getBackend() === 'wasm';

/** a [m,k] x b [k,n] whose gradient only ever uses untransposed matmuls. */
const matMulNoTransposeGrad = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as never) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return onWasm() ? matMulNoTransposeGrad(a, b) : tf.matMul(a, b);
}

/** x [N, in] x kernel [in, out] + bias */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  if (onWasm()) return matMul2d(x, kernel as tf.Tensor2D).add(bias);
  return tf.fused.matMul({ a: x, b: kernel as tf.Tensor2D, bias }) as tf.Tensor2D;
}

export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor, beta: tf.Tensor): T {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).mul(tf.rsqrt(variance.add(LN_EPS))).mul(gamma).add(beta) as T;
}

/**
 * Multi-head self-attention core: qkv [B*T, 3*256] (queries | keys | values, heads contiguous inside
 * each) and maskBias [B, T] (0 for real beats, -1e9 for padding keys) -> context [B*T, 256].
 */
export function attentionCore(qkv: tf.Tensor2D, B: number, T: number, maskBias: tf.Tensor2D): tf.Tensor2D {
  const d = HEADS * HEAD_DIM;
  const scale = 1 / Math.sqrt(HEAD_DIM);
  if (!onWasm()) {
    // [B, T, 3, H, hd] -> [3, B, H, T, hd]; batched matmuls over B*H. (split, not slice: its gradient is one concat)
    const heads = qkv.reshape([B, T, 3, HEADS, HEAD_DIM]).transpose([2, 0, 3, 1, 4]);
    const [q, k, v] = tf.split(heads, 3, 0).map((t) => t.reshape([B * HEADS, T, HEAD_DIM]) as tf.Tensor3D);
    const scores = tf.matMul(q, k, false, true).mul(scale).reshape([B, HEADS, T, T]).add(maskBias.reshape([B, 1, 1, T]));
    const probs = tf.softmax(scores).reshape([B * HEADS, T, T]) as tf.Tensor3D;
    return tf.matMul(probs, v).reshape([B, HEADS, T, HEAD_DIM]).transpose([0, 2, 1, 3]).reshape([B * T, d]) as tf.Tensor2D;
  }
  return perHeadAttention(qkv, maskBias);
}

/**
 * The wasm form: one 2-D matmul per (sequence, head), with a hand-written backward pass. Autodiff
 * through per-head slices would pad every slice's gradient back to the full [B*T, 768] (hundreds of
 * MB per step); here the gradient pieces are concatenated instead. The backward pass recomputes the
 * attention probabilities rather than keeping B*H of them alive.
 */
const perHeadAttention = tf.customGrad(((qkv: tf.Tensor, maskBias: tf.Tensor, save: tf.GradSaveFunc) => {
  save([qkv, maskBias]);
  const T = (maskBias.shape as number[])[1];
  const B = (maskBias.shape as number[])[0];
  const scale = 1 / Math.sqrt(HEAD_DIM);
  const d = HEADS * HEAD_DIM;
  const slices = (x: tf.Tensor, b: number, h: number) => {
    const q = tf.slice(x, [b * T, h * HEAD_DIM], [T, HEAD_DIM]) as tf.Tensor2D;
    const k = tf.slice(x, [b * T, d + h * HEAD_DIM], [T, HEAD_DIM]) as tf.Tensor2D;
    const v = tf.slice(x, [b * T, 2 * d + h * HEAD_DIM], [T, HEAD_DIM]) as tf.Tensor2D;
    return { q, k, v };
  };
  const probsOf = (q: tf.Tensor2D, k: tf.Tensor2D, bias: tf.Tensor) => tf.softmax(tf.matMul(q.mul(scale) as tf.Tensor2D, tf.transpose(k)).add(bias)) as tf.Tensor2D;
  const rows: tf.Tensor[] = [];
  for (let b = 0; b < B; b++) {
    const bias = tf.slice(maskBias, [b, 0], [1, T]);
    const heads: tf.Tensor[] = [];
    for (let h = 0; h < HEADS; h++) {
      const { q, k, v } = slices(qkv, b, h);
      heads.push(tf.matMul(probsOf(q, k, bias), v));
    }
    rows.push(tf.concat(heads, 1));
  }
  return {
    value: tf.concat(rows, 0) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x, mb] = saved;
      const grads: tf.Tensor[] = [];
      for (let b = 0; b < B; b++) {
        const bias = tf.slice(mb, [b, 0], [1, T]);
        const dq: tf.Tensor[] = [];
        const dk: tf.Tensor[] = [];
        const dv: tf.Tensor[] = [];
        for (let h = 0; h < HEADS; h++) {
          const { q, k, v } = slices(x, b, h);
          const p = probsOf(q, k, bias);
          const dO = tf.slice(dy, [b * T, h * HEAD_DIM], [T, HEAD_DIM]) as tf.Tensor2D;
          dv.push(tf.matMul(tf.transpose(p), dO));
          const dp = tf.matMul(dO, tf.transpose(v));
          const ds = p.mul(dp.sub(dp.mul(p).sum(1, true))).mul(scale) as tf.Tensor2D; // softmax backward, then the 1/sqrt(hd) scale
          dq.push(tf.matMul(ds, k));
          dk.push(tf.matMul(tf.transpose(ds), q));
        }
        grads.push(tf.concat([...dq, ...dk, ...dv], 1));
      }
      return [tf.concat(grads, 0), tf.zerosLike(mb)];
    },
  };
}) as never) as (qkv: tf.Tensor2D, maskBias: tf.Tensor2D) => tf.Tensor2D;
