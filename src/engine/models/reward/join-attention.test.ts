import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf';
import { selectBackend } from '../backends';
import { D_MODEL, HEAD_DIM } from './architecture';
import { buildPlanRewardInputs, fitNormalization, joinSideAt, packBatch, type RewardInputs } from './inputs';
import { JOIN_HEAD, startHeadOnJoins } from './join-attention';
import { disposeTensors, RewardModel, toTensors } from './model';
import { dense as linear } from './ops';
import { mulberry32, syntheticFeatures } from './test-helpers';

const BEATS = 96;
const beatTimes = Array.from({ length: BEATS }, (_, i) => i * 0.5);
const grid = { phrases: Array.from({ length: BEATS }, (_, i) => Math.floor(i / 16)), positions: Int32Array.from({ length: BEATS }, (_, i) => i) };

/** A shortening of a 96-beat song with 1-3 cuts at random places (seeded). */
function candidate(seed: number, song = seed % 4): RewardInputs {
  const rnd = mulberry32(seed);
  const cuts = 1 + Math.floor(rnd() * 3);
  const segments: Array<{ from: number; to: number; repeat: number }> = [];
  let at = 0;
  for (let c = 0; c < cuts; c++) {
    const end = at + 4 + Math.floor(rnd() * (BEATS / cuts - 12));
    const next = Math.min(BEATS - 2, end + 2 + Math.floor(rnd() * 10));
    segments.push({ from: at, to: end, repeat: 1 });
    at = next;
  }
  segments.push({ from: at, to: BEATS, repeat: 1 });
  const plan = { version: 1 as const, includeIntro: true, segments, fadeOut: null, crossfadeMs: 20 };
  return buildPlanRewardInputs(syntheticFeatures(BEATS, 100 + song), plan, beatTimes, BEATS * 0.5, grid);
}

/**
 * The share of a layer-0 head's attention (averaged over the candidate's beats as queries) that
 * lands on the candidate's join sides.
 */
async function attentionOnJoins(model: RewardModel, candidate: RewardInputs, head: number = JOIN_HEAD.head): Promise<number> {
  const t = toTensors(packBatch([candidate], model.normalization));
  try {
    const probs = tf.tidy(() => {
      const qkv = linear(model.embed(t), model.param('layer0.attn.qkv.kernel'), model.param('layer0.attn.qkv.bias'));
      const q = tf.slice(qkv, [0, head * HEAD_DIM], [candidate.rows, HEAD_DIM]);
      const k = tf.slice(qkv, [0, D_MODEL + head * HEAD_DIM], [candidate.rows, HEAD_DIM]);
      return tf.softmax(tf.matMul(q, k, false, true).div(Math.sqrt(HEAD_DIM)));
    });
    const p = (await probs.data()) as Float32Array;
    probs.dispose();
    const sides = Array.from({ length: candidate.rows }, (_, j) => j).filter((j) => joinSideAt(candidate, j) > 0);
    let mass = 0;
    for (let i = 0; i < candidate.rows; i++) for (const j of sides) mass += p[i * candidate.rows + j];
    return mass / candidate.rows;
  } finally {
    disposeTensors(t);
  }
}

let model: RewardModel;
const training = Array.from({ length: 40 }, (_, i) => candidate(i + 1));
beforeAll(async () => {
  await selectBackend('wasm');
  model = RewardModel.create({ seed: 3, normalization: fitNormalization([0, 1, 2, 3].map((s) => syntheticFeatures(BEATS, 100 + s))) });
});
afterAll(() => model.dispose());

describe('startHeadOnJoins', () => {
  it('points layer 0 head 0 at the join sides of candidates it was not fitted on, and leaves the other heads alone', async () => {
    const unseen = [candidate(501, 0), candidate(502, 1), candidate(503, 2)];
    for (const c of unseen) expect(Array.from({ length: c.rows }, (_, r) => joinSideAt(c, r)).filter((v) => v > 0).length).toBeGreaterThan(0);
    const before = await Promise.all(unseen.map((c) => attentionOnJoins(model, c)));
    const otherBefore = await attentionOnJoins(model, unseen[0], 1);
    const kernelBefore = (await model.getWeights()).get('layer0.attn.qkv.kernel')!;

    const start = await startHeadOnJoins(model, training);
    expect(start).not.toBeNull();
    expect(start!.joinSides).toBeGreaterThan(40);
    expect(start!.separation).toBeGreaterThan(0.5);

    const after = await Promise.all(unseen.map((c) => attentionOnJoins(model, c)));
    before.forEach((b) => expect(b).toBeLessThan(0.15)); // a handful of beats among ~70: spread thin
    after.forEach((a) => expect(a).toBeGreaterThan(0.8));
    expect(await attentionOnJoins(model, unseen[0], 1)).toBeCloseTo(otherBefore, 6);
    // Only head 0's query, key and value columns changed; its values keep their direction at valueGain.
    const kernelAfter = (await model.getWeights()).get('layer0.attn.qkv.kernel')!;
    let changedElsewhere = 0;
    for (let i = 0; i < 256; i++) {
      for (let c = 0; c < 768; c++) {
        const k = i * 768 + c;
        if (c >= 512 && c < 576) expect(kernelAfter[k]).toBeCloseTo(kernelBefore[k] * JOIN_HEAD.valueGain, 6);
        else if (!(c < 64 || (c >= 256 && c < 320)) && kernelAfter[k] !== kernelBefore[k]) changedElsewhere++;
      }
    }
    expect(changedElsewhere).toBe(0);
    expect(JOIN_HEAD.layer).toBe(0);
  });

  it('is a function of the weights and the candidates (the same start twice)', async () => {
    const norm = model.normalization;
    const a = RewardModel.create({ seed: 11, normalization: norm });
    const b = RewardModel.create({ seed: 11, normalization: norm });
    try {
      await startHeadOnJoins(a, training);
      await startHeadOnJoins(b, training);
      expect(Array.from((await a.getWeights()).get('layer0.attn.qkv.kernel')!)).toEqual(Array.from((await b.getWeights()).get('layer0.attn.qkv.kernel')!));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('changes nothing when no candidate has a join', async () => {
    const m = RewardModel.create({ seed: 5, normalization: model.normalization });
    try {
      const whole = buildPlanRewardInputs(syntheticFeatures(BEATS, 100), { version: 1, includeIntro: true, segments: [{ from: 0, to: BEATS, repeat: 1 }], fadeOut: null, crossfadeMs: 20 }, beatTimes, BEATS * 0.5, grid);
      const w = (await m.getWeights()).get('layer0.attn.qkv.kernel')!;
      expect(await startHeadOnJoins(m, [whole])).toBeNull();
      expect(await startHeadOnJoins(m, [])).toBeNull();
      expect(Array.from((await m.getWeights()).get('layer0.attn.qkv.kernel')!)).toEqual(Array.from(w));
    } finally {
      m.dispose();
    }
  });
});
