import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRecutError } from '../../../shared/errors';
import { selectBackend } from '../backends';
import { fitNormalization } from '../reward/inputs';
import { RewardModel } from '../reward/model';
import { syntheticCandidate, syntheticFeatures } from '../reward/test-helpers';
import { MAGIC, PREAMBLE_BYTES, checkpointBytes } from './format';
import { loadRewardModel, saveRewardModel } from './reward';

let dir: string;
let good: string;
let model: RewardModel;

beforeAll(async () => {
  await selectBackend('wasm');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-ckpt-'));
  model = RewardModel.create({ seed: 11, normalization: fitNormalization([syntheticFeatures(30, 1), syntheticFeatures(50, 2)]) });
  good = path.join(dir, 'good.rckpt');
  await saveRewardModel(good, model, { heldOutAccuracy: 0.71, parent: null });
});
afterAll(() => {
  model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

function parts(file: string) {
  const buf = fs.readFileSync(file);
  const len = buf.readUInt32LE(8);
  return { header: JSON.parse(buf.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + len).toString('utf8')), payload: buf.subarray(PREAMBLE_BYTES + len) };
}

/** A file with a forged header, correctly sealed, so the checks behind the header checksum are reached. */
function build(header: unknown, payload: Buffer, opts: { rehash?: boolean } = {}): Buffer {
  const h = header as { payloadSha256: string; headerSha256?: string };
  if (opts.rehash) h.payloadSha256 = createHash('sha256').update(payload).digest('hex');
  delete h.headerSha256;
  return checkpointBytes(h as never, payload);
}

function expectInvalid(name: string, bytes: Buffer, pattern: RegExp): void {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  let err: unknown;
  try {
    loadRewardModel(file);
  } catch (e) {
    err = e;
  }
  expect(isRecutError(err), `${name} should be rejected`).toBe(true);
  expect((err as { kind: string }).kind).toBe('invalid_checkpoint');
  expect((err as Error).message).toMatch(pattern);
}

describe('reward model checkpoints', () => {
  it('round-trips weights, normalisation and metadata exactly', async () => {
    const { model: loaded, meta } = loadRewardModel(good);
    expect(meta).toEqual({ heldOutAccuracy: 0.71, parent: null });
    expect(Array.from(loaded.normalization.mean)).toEqual(Array.from(model.normalization.mean));
    const a = await model.getWeights();
    const b = await loaded.getWeights();
    for (const [name, w] of a) expect(b.get(name)).toEqual(w);
    const x = [syntheticCandidate(20, 3)];
    expect((await loaded.score(x))[0]).toBe((await model.score(x))[0]);
    loaded.dispose();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects hostile and damaged files before creating any tensor', () => {
    const { header, payload } = parts(good);
    const clone = () => JSON.parse(JSON.stringify(header));
    const bytes = fs.readFileSync(good);

    expectInvalid('empty', Buffer.alloc(0), /too short/);
    expectInvalid('random', randomBytes(4096), /magic/);
    expectInvalid('truncated', bytes.subarray(0, bytes.length - 1000), /payload is .* bytes|runs past/);
    expectInvalid('truncated-header', bytes.subarray(0, 40), /truncated/);
    const big = Buffer.from(bytes);
    big.writeUInt32LE(0xffffffff, 8); // the largest header a uint32 can claim (~4 GB)
    expectInvalid('header-10gb', big, /header claims/);
    const badJson = Buffer.from(bytes);
    badJson.write('{{{{', PREAMBLE_BYTES, 'latin1');
    expectInvalid('bad-json', badJson, /header checksum/);
    // One digit of a normalisation mean changed: the weights' checksum cannot see it, the header's does.
    const text = bytes.toString('latin1');
    const at = text.indexOf('"mean":[') + 9;
    const tampered = Buffer.from(bytes);
    tampered[at] = tampered[at] === 0x31 ? 0x32 : 0x31;
    expectInvalid('header-digit', tampered, /header checksum/);

    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 5] ^= 0xff;
    expectInvalid('bad-checksum', flipped, /checksum/);

    let h = clone();
    h.tensors[0].name = '../../etc/passwd';
    expectInvalid('path-name', build(h, payload), /plain dotted name/);
    h = clone();
    h.tensors[3].dtype = 'float64';
    expectInvalid('dtype', build(h, payload), /only float32/);
    h = clone();
    h.tensors[0].shape = [125000, 256000];
    h.tensors[0].length = 125000 * 256000 * 4;
    expectInvalid('huge-shape', build(h, payload), /shape/);
    h = clone();
    h.tensors[5].offset = 8;
    expectInvalid('overlap', build(h, payload), /overlap/);
    h = clone();
    h.tensors[5].offset = h.payloadLength;
    expectInvalid('out-of-range', build(h, payload), /runs past/);
    h = clone();
    h.tensors.pop();
    expectInvalid('missing', build(h, payload), /missing tensors/);
    h = clone();
    h.tensors.push({ ...h.tensors[0] });
    expectInvalid('duplicate', build(h, payload), /twice/);
    h = clone();
    h.payloadLength = 10 * 1024 ** 3;
    expectInvalid('payload-10gb', build(h, payload), /payload is .* bytes, header says/);
    h = clone();
    h.archHash = 'f'.repeat(64);
    expectInvalid('arch', build(h, payload), /does not match/);
    h = clone();
    h.normalization.std[4] = 0;
    expectInvalid('norm', build(h, payload, { rehash: true }), /positive standard deviations/);
    h = clone();
    delete h.tensors;
    expectInvalid('schema', build(h, payload), /does not match the format/);
    // a file far larger than any valid checkpoint is refused without being read
    const huge = path.join(dir, 'huge');
    fs.writeFileSync(huge, bytes.subarray(0, PREAMBLE_BYTES));
    fs.truncateSync(huge, 64 * 1024 * 1024);
    expect(() => loadRewardModel(huge)).toThrow(/larger than any checkpoint/);
  });

  it('reports a missing file as not_found', () => {
    try {
      loadRewardModel(path.join(dir, 'nope.rckpt'));
      expect.unreachable();
    } catch (e) {
      expect((e as { kind: string }).kind).toBe('not_found');
    }
  });
});
