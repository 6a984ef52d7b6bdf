/**
 * Shared pieces of policy fine-tuning: episodes (a song and a target), greedy decoding (the policy's
 * single best suggestion), plan -> per-bar actions, batching rows of several songs into one tensor,
 * the KL to the reference and policy checkpoints as versions.
 */
import * as tf from '@tensorflow/tfjs';
import { ACTION, NUM_ACTIONS, actionsFromPlan } from '../../shared/edit-plan-actions';
import type { EditPlan } from '../../shared/edit-plan';
import type { SongAnalysis } from '../analysis/analyze';
import { songGrid } from '../models/planner/grid';
import { barActionsFromBeats, decodeBarActions, type DecodedEdit } from '../models/policy/decode';
import { POLICY_INPUT_DIM, policyInputs, type PolicyInputs } from '../models/policy/inputs';
import { PolicyModel } from '../models/policy/model';
import { loadBootstrapPolicy } from '../models/policy/suggest';
import { loadPolicy } from '../models/policy/weights';
import type { ModelStore } from '../store/models';

export interface Episode {
  songId: string;
  analysis: SongAnalysis;
  targetSeconds: number;
  inputs: PolicyInputs;
}

export function episode(songId: string, analysis: SongAnalysis, targetSeconds: number): Episode {
  return { songId, analysis, targetSeconds, inputs: policyInputs(songGrid(analysis), targetSeconds) };
}

/** The most likely action per bar (masked argmax), decoded into a plan: the policy's top suggestion. */
export function greedyActions(policy: PolicyModel, inputs: PolicyInputs): Int32Array {
  const table = policy.logProbTable(inputs);
  return Int32Array.from({ length: inputs.bars }, (_, m) => {
    let best = ACTION.KEEP as number;
    for (let a = 0; a < NUM_ACTIONS; a++) if (inputs.mask[m * NUM_ACTIONS + a] && table[m * NUM_ACTIONS + a] > table[m * NUM_ACTIONS + best]) best = a;
    return best;
  });
}

export function greedyPlan(policy: PolicyModel, ep: Episode): DecodedEdit {
  return decodeBarActions(ep.analysis, greedyActions(policy, ep.inputs), ep.targetSeconds);
}

/** Per-bar actions describing a plan, restricted to what the mask allows (else KEEP or CUT). */
export function barActionsOfPlan(plan: EditPlan, ep: Episode): Int32Array {
  const grid = songGrid(ep.analysis);
  const bars = barActionsFromBeats(grid, actionsFromPlan(plan, grid.units));
  for (let m = 0; m < bars.length; m++) {
    if (!ep.inputs.mask[m * NUM_ACTIONS + bars[m]]) bars[m] = bars[m] === ACTION.CUT ? ACTION.CUT : ACTION.KEEP;
  }
  return bars;
}

/** Rows of several episodes as one batch: x [N, 32], mask [N, 10], and where each episode starts. */
export interface RowBatch {
  x: Float32Array;
  mask: Float32Array;
  offsets: number[];
  rows: number;
}

export function stackRows(inputs: readonly PolicyInputs[]): RowBatch {
  const rows = inputs.reduce((n, i) => n + i.bars, 0);
  const x = new Float32Array(rows * POLICY_INPUT_DIM);
  const mask = new Float32Array(rows * NUM_ACTIONS);
  const offsets: number[] = [];
  let r = 0;
  for (const i of inputs) {
    offsets.push(r);
    x.set(i.x, r * POLICY_INPUT_DIM);
    for (let k = 0; k < i.mask.length; k++) mask[r * NUM_ACTIONS + k] = i.mask[k];
    r += i.bars;
  }
  return { x, mask, offsets, rows };
}

/** Masked log-probabilities and values of a row batch (differentiable; call inside a tidy/gradient). */
export function batchLogProbs(policy: PolicyModel, b: RowBatch): { logp: tf.Tensor2D; value: tf.Tensor1D } {
  return policy.maskedLogProbs(tf.tensor2d(b.x, [b.rows, POLICY_INPUT_DIM]), tf.tensor2d(b.mask, [b.rows, NUM_ACTIONS]));
}

/** Mean per-bar KL(pi || ref) over the allowed actions of the given rows. */
export function meanKl(policy: PolicyModel, ref: PolicyModel, inputs: readonly PolicyInputs[]): number {
  if (!inputs.length) return 0;
  const b = stackRows(inputs);
  return tf.tidy(() => {
    const p = batchLogProbs(policy, b).logp;
    const q = batchLogProbs(ref, b).logp;
    const m = tf.tensor2d(b.mask, [b.rows, NUM_ACTIONS]);
    const kl = tf.sum(tf.mul(m, tf.mul(tf.exp(p), tf.sub(p, q))), 1);
    return tf.mean(kl).dataSync()[0];
  });
}

export function clonePolicy(p: PolicyModel): PolicyModel {
  return new PolicyModel(p.getWeights());
}

/** The active policy version's model, else the bootstrap policy (null when neither exists). */
export function loadActivePolicy(models: ModelStore): { policy: PolicyModel | null; versionId: number | null; name: string } {
  const v = models.active('policy');
  if (v) return { policy: new PolicyModel(loadPolicy(v.checkpoint).weights), versionId: v.id, name: v.name };
  const boot = loadBootstrapPolicy();
  return { policy: boot ? clonePolicy(boot) : null, versionId: null, name: 'bootstrap' };
}
