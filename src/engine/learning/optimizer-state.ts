/**
 * The policy optimiser's state on disk, so a resumed PPO / DPO run continues with the Adam moments
 * (and PPO's reward-normalisation statistics) it had, not with fresh ones. The policy is small (about
 * 7k weights), so the state is JSON: the optimiser's weights in its own order (tfjs's Adam keeps its
 * moments by the position of each variable in the minimised list, which is fixed by the model code),
 * written atomically, checksummed, and checked against the expected shapes before it is used.
 * A state that does not check out is refused with a typed error; the caller falls back to fresh moments.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { RecutError } from '../../shared/errors';
import { writeFileAtomic } from '../fs/atomic';
import { tf } from '../models/tf';

const FORMAT = 'recut-optimizer-1';
/** Largest state we read: the policy's moments are a few hundred KB as JSON. */
const MAX_BYTES = 16 * 1024 * 1024;

interface SavedTensor {
  name: string;
  shape: number[];
  values: number[];
}

interface SavedState {
  format: typeof FORMAT;
  sha256: string;
  weights: SavedTensor[];
  extra: Record<string, number>;
}

const digest = (weights: SavedTensor[], extra: Record<string, number>) => createHash('sha256').update(JSON.stringify([weights, extra])).digest('hex');

export async function saveOptimizerState(file: string, optimizer: tf.Optimizer, extra: Record<string, number> = {}): Promise<void> {
  const named = await optimizer.getWeights();
  const weights: SavedTensor[] = [];
  for (const w of named) weights.push({ name: w.name, shape: w.tensor.shape, values: Array.from(await w.tensor.data()) });
  // getWeights returns fresh tensors for the iteration count; the moments are the optimiser's own.
  const state: SavedState = { format: FORMAT, sha256: digest(weights, extra), weights, extra };
  writeFileAtomic(file, JSON.stringify(state));
}

/**
 * Restores a saved state into `optimizer` (which must be new). `shapes` are the minimised variables'
 * shapes in order; the file must hold the iteration count plus a first and second moment for each.
 * Returns the extra numbers saved with it.
 */
export async function restoreOptimizerState(file: string, optimizer: tf.Optimizer, shapes: number[][]): Promise<Record<string, number>> {
  const bad = (why: string) => new RecutError('invalid_checkpoint', `optimizer state ${file}: ${why}`);
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) throw bad('not a regular file');
  if (st.size > MAX_BYTES) throw bad(`${st.size} bytes is more than a policy optimiser can have`);
  let state: SavedState;
  try {
    state = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedState;
  } catch {
    throw bad('not JSON');
  }
  if (state?.format !== FORMAT || !Array.isArray(state.weights) || typeof state.extra !== 'object' || state.extra === null) throw bad('not a Recut optimizer state');
  if (state.sha256 !== digest(state.weights, state.extra)) throw bad('checksum mismatch');
  const expected = [[], ...shapes, ...shapes];
  if (state.weights.length !== expected.length) throw bad(`${state.weights.length} tensors, expected ${expected.length}`);
  state.weights.forEach((w, i) => {
    const size = expected[i].reduce((a, b) => a * b, 1);
    if (JSON.stringify(w.shape) !== JSON.stringify(expected[i]) || !Array.isArray(w.values) || w.values.length !== size || !w.values.every(Number.isFinite)) {
      throw bad(`tensor ${i} (${w.name}) does not match the policy`);
    }
  });
  for (const v of Object.values(state.extra)) if (!Number.isFinite(v)) throw bad('non-finite statistics');
  const tensors = state.weights.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape, 'float32') }));
  try {
    await optimizer.setWeights(tensors);
  } finally {
    // setWeights copies the values into its own variables.
    tf.dispose(tensors.map((t) => t.tensor));
  }
  return state.extra;
}
