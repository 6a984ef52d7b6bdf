/**
 * Policy checkpoint file: one JSON document (readable, diffable, ~40 KB for the bootstrap policy).
 *
 *   { format: 'recut-policy', formatVersion: 1, arch: {inputDim, hidden, actions},
 *     params: [{name, shape, dtype: 'float32'}...], data: base64 of all params as little-endian float32
 *     in POLICY_PARAMS order, sha256: hex of those bytes, meta: {...} }
 *
 * Written atomically (writeFileAtomic: temp, fsync, rename, directory fsync) and validated on load:
 * format, architecture, parameter names/shapes/dtype, byte size, checksum, finite values. Any failure
 * is RecutError('invalid_checkpoint'). No timestamps inside, so the same weights give the same bytes.
 * (The reward model's checkpoint module was not in the tree yet when this was written; this follows
 * the same discipline and can move to it.)
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { RecutError } from '../../../shared/errors';
import { NUM_ACTIONS } from '../../../shared/edit-plan-actions';
import { writeFileAtomic } from '../../fs/atomic';
import { POLICY_INPUT_DIM } from './inputs';
import { POLICY_HIDDEN, POLICY_PARAMS, type PolicyWeights } from './model';

export const POLICY_FORMAT = 'recut-policy';
export const POLICY_FORMAT_VERSION = 1;
const MAX_FILE_BYTES = 8 << 20;

export interface PolicyCheckpoint {
  weights: PolicyWeights;
  meta: Record<string, unknown>;
}

export function serializePolicy(weights: PolicyWeights, meta: Record<string, unknown> = {}): string {
  const total = POLICY_PARAMS.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  const all = new Float32Array(total);
  let off = 0;
  for (const p of POLICY_PARAMS) {
    all.set(weights[p.name], off);
    off += weights[p.name].length;
  }
  const bytes = Buffer.from(all.buffer, all.byteOffset, all.byteLength); // little-endian on every platform Node runs on
  const doc = {
    format: POLICY_FORMAT,
    formatVersion: POLICY_FORMAT_VERSION,
    arch: { inputDim: POLICY_INPUT_DIM, hidden: POLICY_HIDDEN, actions: NUM_ACTIONS },
    params: POLICY_PARAMS.map((p) => ({ name: p.name, shape: p.shape, dtype: 'float32' })),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    meta,
    data: bytes.toString('base64'),
  };
  return JSON.stringify(doc) + '\n';
}

export function savePolicy(path: string, weights: PolicyWeights, meta: Record<string, unknown> = {}): void {
  writeFileAtomic(path, serializePolicy(weights, meta));
}

const bad = (msg: string) => new RecutError('invalid_checkpoint', `policy checkpoint: ${msg}`);

export function parsePolicy(text: string): PolicyCheckpoint {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad('not valid JSON');
  }
  if (!doc || typeof doc !== 'object' || doc.format !== POLICY_FORMAT) throw bad('not a Recut policy file');
  if (doc.formatVersion !== POLICY_FORMAT_VERSION) throw bad(`unsupported format version ${String(doc.formatVersion)}`);
  const a = doc.arch ?? {};
  if (a.inputDim !== POLICY_INPUT_DIM || a.hidden !== POLICY_HIDDEN || a.actions !== NUM_ACTIONS) {
    throw bad(`architecture ${JSON.stringify(a)} does not match this version of Recut`);
  }
  if (!Array.isArray(doc.params) || doc.params.length !== POLICY_PARAMS.length) throw bad('wrong parameter list');
  POLICY_PARAMS.forEach((p, i) => {
    const q = doc.params[i];
    if (!q || q.name !== p.name || q.dtype !== 'float32' || JSON.stringify(q.shape) !== JSON.stringify(p.shape)) {
      throw bad(`parameter ${i} should be ${p.name} ${JSON.stringify(p.shape)} float32`);
    }
  });
  if (typeof doc.data !== 'string' || typeof doc.sha256 !== 'string') throw bad('missing data or checksum');
  const bytes = Buffer.from(doc.data, 'base64');
  const total = POLICY_PARAMS.reduce((n, p) => n + p.shape.reduce((x, y) => x * y, 1), 0);
  if (bytes.length !== total * 4) throw bad(`data holds ${bytes.length} bytes, expected ${total * 4}`);
  if (createHash('sha256').update(bytes).digest('hex') !== doc.sha256) throw bad('checksum mismatch (the file is corrupt)');
  const all = new Float32Array(total);
  new Uint8Array(all.buffer).set(bytes);
  for (let i = 0; i < total; i++) if (!Number.isFinite(all[i])) throw bad('non-finite weight');
  const weights: PolicyWeights = {};
  let off = 0;
  for (const p of POLICY_PARAMS) {
    const n = p.shape.reduce((x, y) => x * y, 1);
    weights[p.name] = all.slice(off, off + n);
    off += n;
  }
  return { weights, meta: doc.meta && typeof doc.meta === 'object' ? doc.meta : {} };
}

export function loadPolicy(path: string): PolicyCheckpoint {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (e) {
    throw new RecutError('not_found', `policy checkpoint not found: ${path}`, { code: (e as NodeJS.ErrnoException).code });
  }
  // A FIFO or a device (a symlink to /dev/zero) would block or read forever: regular files only.
  if (!st.isFile()) throw bad(`${path} is not a regular file`);
  if (st.size > MAX_FILE_BYTES) throw bad(`file is ${st.size} bytes, larger than any policy`);
  return parsePolicy(fs.readFileSync(path, 'utf8'));
}
