/**
 * One attention head of a new reward model starts out looking at the joins: a data-dependent
 * initialisation, computed from the candidates it is about to be trained on.
 *
 * Why: an editor who judges cuts scores an edit by its joins, and as a mean over them (one bad join
 * among four is not one bad join alone). The model ends in a masked mean over beats, which adds the
 * joins up instead, and a head whose attention starts spread over a few hundred beats has to find the
 * 2-8 beats either side of a join from a few hundred verdicts. A head that attends to those beats
 * hands every beat their mean from the start. Measured in the learning README (downbeat-cutter's
 * held-out accuracy, four seeds).
 *
 * How: the head's keys read the join side (the cut column's join part, `joinSideAt`) from what layer
 * 0 sees, by a ridge regression of it on the embedded beats; its query is a constant, so every beat
 * gives a join side a logit `logitGap` higher than any other beat. Its values keep their random
 * directions at a quarter of the scale (`valueGain`), every other weight its random start, and all of
 * it is trained as before: an editor who does not care about joins trains the head to something else.
 */
import { tf } from '../tf';
import { D_MODEL, HEAD_DIM } from './architecture';
import { joinSideAt, packBatch, type RewardInputs } from './inputs';
import { disposeTensors, toTensors, type RewardModel } from './model';
import { ridgeFit } from './ridge';

export const JOIN_HEAD = {
  layer: 0,
  head: 0,
  /** logit of a join side over another beat: e^8 ~ 3000, so 4 join sides outweigh 500 other beats */
  logitGap: 8,
  /**
   * The head's value columns start at this share of their random scale. Its output is one vector
   * added to every beat, a mean over a handful of join sides (not over hundreds of beats, which
   * mostly cancel), so at full scale it drowned the differences between beats in layer 0's LayerNorm:
   * an editor who counts joins lost them (few-joins 95 -> 85 %, seed 1; 93 % at 0.25).
   */
  valueGain: 0.25,
  /** beats read for the regression (the first candidates up to this many) */
  maxBeats: 8192,
  ridge: 1e-2,
} as const;

export interface JoinHeadStart {
  beats: number;
  joinSides: number;
  /** the regression's mean reading on join sides minus that on other beats (1 would be exact) */
  separation: number;
}

/**
 * Points JOIN_HEAD's head at the join sides of these candidates (deduplicated, the first up to
 * maxBeats beats). Returns null and changes nothing when they have no join, or the embedded beats
 * do not tell join sides apart.
 */
export async function startHeadOnJoins(model: RewardModel, candidates: readonly RewardInputs[]): Promise<JoinHeadStart | null> {
  const items: RewardInputs[] = [];
  let beats = 0;
  for (const c of new Set(candidates)) {
    if (beats + c.rows > JOIN_HEAD.maxBeats) break;
    items.push(c);
    beats += c.rows;
  }
  if (!items.length) return null;
  const y: number[] = [];
  for (const it of items) for (let r = 0; r < it.rows; r++) y.push(joinSideAt(it, r));
  const joinSides = y.filter((v) => v > 0).length;
  if (joinSides === 0) return null;

  const h = await embeddedBeats(model, items);
  const fit = ridgeFit(h, beats, D_MODEL, y, JOIN_HEAD.ridge);
  let onSides = 0;
  let elsewhere = 0;
  for (let r = 0; r < beats; r++) {
    let v = 0;
    for (let c = 0; c < D_MODEL; c++) v += (h[r * D_MODEL + c] - fit.mean[c]) * fit.weights[c];
    if (y[r] > 0) onSides += v / joinSides;
    else elsewhere += v / (beats - joinSides);
  }
  const separation = onSides - elsewhere;
  if (!(separation > 1e-3)) return null;

  // Query: the constant q_c = 1 (kernel 0, bias 1). Key: k_c = s * (h . w) / HEAD_DIM. Then
  // q . k / sqrt(HEAD_DIM) = s * (h . w) / sqrt(HEAD_DIM), so s = logitGap * sqrt(HEAD_DIM) / separation.
  const s = (JOIN_HEAD.logitGap * Math.sqrt(HEAD_DIM)) / separation;
  const { layer, head } = JOIN_HEAD;
  const kernelVar = model.param(`layer${layer}.attn.qkv.kernel`);
  const biasVar = model.param(`layer${layer}.attn.qkv.bias`);
  const kernel = Float32Array.from((await kernelVar.data()) as Float32Array);
  const bias = Float32Array.from((await biasVar.data()) as Float32Array);
  const cols = 3 * D_MODEL;
  const q0 = head * HEAD_DIM;
  const k0 = D_MODEL + head * HEAD_DIM;
  const v0 = 2 * D_MODEL + head * HEAD_DIM;
  for (let i = 0; i < D_MODEL; i++) {
    for (let c = 0; c < HEAD_DIM; c++) {
      kernel[i * cols + q0 + c] = 0;
      kernel[i * cols + k0 + c] = (s * fit.weights[i]) / HEAD_DIM;
      kernel[i * cols + v0 + c] *= JOIN_HEAD.valueGain;
    }
  }
  for (let c = 0; c < HEAD_DIM; c++) {
    bias[q0 + c] = 1;
    bias[k0 + c] = 0; // a constant added to every key's logit: the softmax ignores it
  }
  tf.tidy(() => {
    kernelVar.assign(tf.tensor2d(kernel, [D_MODEL, cols]));
    biasVar.assign(tf.tensor1d(bias));
  });
  return { beats, joinSides, separation };
}

/** model.embed of the items, real beats only, concatenated: [beats x 256]. */
async function embeddedBeats(model: RewardModel, items: readonly RewardInputs[]): Promise<Float32Array> {
  const batch = packBatch(items, model.normalization);
  const t = toTensors(batch);
  try {
    const e = model.embed(t);
    const all = (await e.data()) as Float32Array;
    e.dispose();
    const out = new Float32Array(items.reduce((n, it) => n + it.rows, 0) * D_MODEL);
    let at = 0;
    items.forEach((it, k) => {
      out.set(all.subarray(k * batch.length * D_MODEL, (k * batch.length + it.rows) * D_MODEL), at);
      at += it.rows * D_MODEL;
    });
    return out;
  } finally {
    disposeTensors(t);
  }
}
