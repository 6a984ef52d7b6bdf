/**
 * Recut's checkpoint file format (one model version per file), written atomically and validated
 * completely before any tensor is created.
 *
 *   offset 0   8 bytes   magic "RECUTCK1"
 *   offset 8   4 bytes   header length H, uint32 little-endian (at most MAX_HEADER_BYTES)
 *   offset 12  H bytes   header, UTF-8 JSON (CheckpointHeader below)
 *   offset 12+H          payload: the tensors' raw little-endian float32 data
 *
 * Header: format (1), model kind, model version, architecture hash (architecture.ts), normalisation
 * statistics, free-form metadata (metrics, parent, backend...), payload length, payload sha256, and per
 * tensor: name, shape, dtype ('float32' only), offset and length in bytes within the payload; its last
 * field, `headerSha256`, is the sha256 of the header's own bytes up to that field (closed with `}`), so
 * a flipped digit in the normalisation statistics or the metadata is caught like one in the weights.
 * A reader checks, in order: file size, magic, header size cap, header checksum, JSON, schema, kind/version/hash,
 * names (exactly the model's, no duplicates, no path-like names), shapes (equal to the architecture's),
 * dtype, offsets/lengths (aligned, inside the payload, non-overlapping), payload length, checksum.
 * Every failure is RecutError('invalid_checkpoint') saying what is wrong.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { z } from 'zod';
import { RecutError } from '../../../shared/errors';
import { writeFileAtomic } from '../../fs/atomic';

export const MAGIC = 'RECUTCK1';
export const PREAMBLE_BYTES = 12;
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;
export const CHECKPOINT_FORMAT = 2;
const LITTLE_ENDIAN = os.endianness() === 'LE';
const NAME_RE = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

const TensorEntrySchema = z.object({
  name: z.string().max(200),
  shape: z.array(z.number().int().min(0).max(2 ** 31)).max(8),
  dtype: z.string(),
  offset: z.number().int().min(0),
  length: z.number().int().min(0),
});

const HeaderSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  kind: z.string().max(64),
  version: z.number().int(),
  archHash: z.string().regex(/^[0-9a-f]{64}$/),
  normalization: z.object({ mean: z.array(z.number()).max(10_000), std: z.array(z.number()).max(10_000) }).nullable(),
  meta: z.record(z.string(), z.unknown()),
  payloadLength: z.number().int().min(0),
  payloadSha256: z.string().regex(/^[0-9a-f]{64}$/),
  tensors: z.array(TensorEntrySchema).max(10_000),
  headerSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const HEADER_SUM_RE = /,"headerSha256":"([0-9a-f]{64})"\}$/;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The header's JSON with its own checksum appended as the last field. */
function sealHeader(header: Omit<CheckpointHeader, 'headerSha256'>): Buffer {
  const body = JSON.stringify(header);
  return Buffer.from(`${body.slice(0, -1)},"headerSha256":"${sha256(body)}"}`, 'utf8');
}

/** Checks the header's checksum against its own bytes; returns false when it is missing or wrong. */
function headerSealOk(text: string): boolean {
  const m = HEADER_SUM_RE.exec(text);
  return m !== null && sha256(text.slice(0, m.index) + '}') === m[1];
}

export type CheckpointHeader = z.infer<typeof HeaderSchema>;

export interface TensorSpec {
  name: string;
  shape: readonly number[];
}

/** What a reader expects: the model's identity and its exact tensor list. */
export interface CheckpointExpectation {
  kind: string;
  version: number;
  archHash: string;
  tensors: readonly TensorSpec[];
  /** expected length of the normalisation vectors, or null when the model has none */
  normalizationLength: number | null;
}

export interface CheckpointContents {
  kind: string;
  version: number;
  archHash: string;
  normalization: { mean: Float32Array; std: Float32Array } | null;
  meta: Record<string, unknown>;
  tensors: ReadonlyMap<string, Float32Array>;
}

const invalid = (path: string, msg: string, details?: Record<string, unknown>) => new RecutError('invalid_checkpoint', `${path}: ${msg}`, { path, ...details });

/** Serialises and writes a checkpoint atomically (temp file, fsync, rename, directory fsync). */
export function writeCheckpoint(path: string, c: CheckpointContents, specs: readonly TensorSpec[]): void {
  const entries: CheckpointHeader['tensors'] = [];
  let offset = 0;
  for (const spec of specs) {
    const data = c.tensors.get(spec.name);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (!data || data.length !== count) throw new RecutError('internal', `checkpoint tensor ${spec.name} missing or of the wrong size`);
    entries.push({ name: spec.name, shape: [...spec.shape], dtype: 'float32', offset, length: count * 4 });
    offset += count * 4;
  }
  const payload = Buffer.alloc(offset);
  for (const e of entries) {
    const data = c.tensors.get(e.name)!;
    if (LITTLE_ENDIAN) Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(payload, e.offset);
    else for (let i = 0; i < data.length; i++) payload.writeFloatLE(data[i], e.offset + i * 4);
  }
  const header: Omit<CheckpointHeader, 'headerSha256'> = {
    format: CHECKPOINT_FORMAT,
    kind: c.kind,
    version: c.version,
    archHash: c.archHash,
    normalization: c.normalization ? { mean: Array.from(c.normalization.mean), std: Array.from(c.normalization.std) } : null,
    meta: c.meta,
    payloadLength: payload.length,
    payloadSha256: createHash('sha256').update(payload).digest('hex'),
    tensors: entries,
  };
  const bytes = checkpointBytes(header, payload);
  if (bytes.readUInt32LE(8) > MAX_HEADER_BYTES) throw new RecutError('internal', 'checkpoint header too large');
  writeFileAtomic(path, bytes);
}

/**
 * A checkpoint file's bytes: preamble, the sealed header, the payload. No size bound here: the writer
 * checks it, and tests forge hostile files (oversized headers included) with this.
 */
export function checkpointBytes(header: Omit<CheckpointHeader, 'headerSha256'>, payload: Buffer): Buffer {
  const json = sealHeader(header);
  const pre = Buffer.alloc(PREAMBLE_BYTES);
  pre.write(MAGIC, 0, 'latin1');
  pre.writeUInt32LE(json.length, 8);
  return Buffer.concat([pre, json, payload]);
}

/** Reads and fully validates a checkpoint; returns its tensors only when every check passed. */
export function readCheckpoint(path: string, expect: CheckpointExpectation): CheckpointContents {
  const expectedPayload = expect.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1) * 4, 0);
  // Only a regular file: opening a FIFO would block forever and a directory fails with a raw EISDIR.
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(path);
  } catch {
    // the open below reports a missing or unreadable file
  }
  if (st && !st.isFile()) throw invalid(path, 'not a regular file');
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RecutError(code === 'ENOENT' ? 'not_found' : 'io', `cannot open checkpoint ${path}: ${(e as Error).message}`, { path, code });
  }
  let file: Buffer;
  try {
    const size = fs.fstatSync(fd).size;
    if (size < PREAMBLE_BYTES) throw invalid(path, `file is ${size} bytes, too short to be a checkpoint`);
    // Never read more than a valid checkpoint of this model can be (a hostile file may be huge).
    if (size > PREAMBLE_BYTES + MAX_HEADER_BYTES + expectedPayload) throw invalid(path, `file is ${size} bytes, larger than any checkpoint of this model`);
    file = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = fs.readSync(fd, file, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    if (off !== size) throw invalid(path, 'file shrank while it was read');
  } finally {
    fs.closeSync(fd);
  }
  if (file.toString('latin1', 0, 8) !== MAGIC) throw invalid(path, 'not a Recut checkpoint (bad magic bytes)');
  const headerLen = file.readUInt32LE(8);
  if (headerLen > MAX_HEADER_BYTES) throw invalid(path, `header claims ${headerLen} bytes (limit ${MAX_HEADER_BYTES})`);
  if (PREAMBLE_BYTES + headerLen > file.length) throw invalid(path, `header claims ${headerLen} bytes but the file has ${file.length - PREAMBLE_BYTES} after the preamble (truncated?)`);
  let raw: unknown;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLen));
  } catch (e) {
    throw invalid(path, `header is not valid UTF-8: ${(e as Error).message}`);
  }
  if (!headerSealOk(text)) throw invalid(path, 'header checksum missing or mismatched (the header is corrupt or from an older format)');
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw invalid(path, `header is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = HeaderSchema.safeParse(raw);
  if (!parsed.success) throw invalid(path, `header does not match the format: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const h = parsed.data;
  if (h.kind !== expect.kind) throw invalid(path, `holds a ${h.kind} model, expected ${expect.kind}`);
  if (h.version !== expect.version || h.archHash !== expect.archHash) throw invalid(path, `architecture ${h.kind} v${h.version} (${h.archHash.slice(0, 12)}) does not match this build's v${expect.version} (${expect.archHash.slice(0, 12)})`);

  validateTensorTable(path, h, expect);
  const payloadStart = PREAMBLE_BYTES + headerLen;
  const payload = file.subarray(payloadStart);
  if (h.payloadLength !== payload.length) throw invalid(path, `payload is ${payload.length} bytes, header says ${h.payloadLength} (truncated or padded)`);
  const sha = createHash('sha256').update(payload).digest('hex');
  if (sha !== h.payloadSha256) throw invalid(path, 'payload checksum mismatch (the file is corrupt)');
  const normalization = validateNormalization(path, h, expect);

  // Only now, with every check passed, copy the data out.
  const tensors = new Map<string, Float32Array>();
  for (const e of h.tensors) {
    const out = new Float32Array(e.length / 4);
    if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(payload.subarray(e.offset, e.offset + e.length));
    else for (let i = 0; i < out.length; i++) out[i] = payload.readFloatLE(e.offset + i * 4);
    tensors.set(e.name, out);
  }
  return { kind: h.kind, version: h.version, archHash: h.archHash, normalization, meta: h.meta, tensors };
}

function validateTensorTable(path: string, h: CheckpointHeader, expect: CheckpointExpectation): void {
  const specs = new Map(expect.tensors.map((t) => [t.name, t]));
  const seen = new Set<string>();
  for (const e of h.tensors) {
    if (!NAME_RE.test(e.name)) throw invalid(path, `tensor name ${JSON.stringify(e.name)} is not a plain dotted name`);
    const spec = specs.get(e.name);
    if (!spec) throw invalid(path, `unexpected tensor ${e.name}`);
    if (seen.has(e.name)) throw invalid(path, `tensor ${e.name} appears twice`);
    seen.add(e.name);
    if (e.dtype !== 'float32') throw invalid(path, `tensor ${e.name} has dtype ${JSON.stringify(e.dtype)}; only float32 is allowed`);
    if (e.shape.length !== spec.shape.length || e.shape.some((d, i) => d !== spec.shape[i])) {
      throw invalid(path, `tensor ${e.name} has shape [${e.shape}], the architecture needs [${spec.shape}]`);
    }
    const bytes = spec.shape.reduce((a, b) => a * b, 1) * 4;
    if (e.length !== bytes) throw invalid(path, `tensor ${e.name} claims ${e.length} bytes, its shape needs ${bytes}`);
    if (e.offset % 4 !== 0) throw invalid(path, `tensor ${e.name} starts at unaligned offset ${e.offset}`);
    if (e.offset + e.length > h.payloadLength) throw invalid(path, `tensor ${e.name} (bytes ${e.offset}..${e.offset + e.length}) runs past the payload (${h.payloadLength} bytes)`);
  }
  const missing = expect.tensors.filter((t) => !seen.has(t.name)).map((t) => t.name);
  if (missing.length > 0) throw invalid(path, `missing tensors: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
  const sorted = [...h.tensors].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].offset < sorted[i - 1].offset + sorted[i - 1].length) throw invalid(path, `tensors ${sorted[i - 1].name} and ${sorted[i].name} overlap`);
  }
}

function validateNormalization(path: string, h: CheckpointHeader, expect: CheckpointExpectation): CheckpointContents['normalization'] {
  if (expect.normalizationLength === null) {
    if (h.normalization) throw invalid(path, 'carries normalisation statistics this model does not use');
    return null;
  }
  const n = h.normalization;
  if (!n) throw invalid(path, 'normalisation statistics are missing');
  if (n.mean.length !== expect.normalizationLength || n.std.length !== expect.normalizationLength) {
    throw invalid(path, `normalisation statistics have ${n.mean.length}/${n.std.length} columns, expected ${expect.normalizationLength}`);
  }
  if (!n.mean.every(Number.isFinite) || !n.std.every((s) => Number.isFinite(s) && s > 0)) throw invalid(path, 'normalisation statistics must be finite with positive standard deviations');
  return { mean: Float32Array.from(n.mean), std: Float32Array.from(n.std) };
}
