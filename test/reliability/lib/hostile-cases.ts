/**
 * Hand-made hostile files for part 3: checkpoints (reward format and the policy's JSON format) and
 * preference imports. Each case names what it attacks and the typed outcomes allowed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { MAGIC, PREAMBLE_BYTES, checkpointBytes } from '../../../src/engine/models/checkpoint/format';
import type { ErrorKind } from '../../../src/shared/errors';
import { Rng } from './rng';

export interface HostileCase {
  name: string;
  bytes: Buffer;
  expect: Array<ErrorKind | 'ok'>;
}

function split(file: Buffer) {
  const len = file.readUInt32LE(8);
  return { header: JSON.parse(file.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + len).toString('utf8')), payload: file.subarray(PREAMBLE_BYTES + len) };
}

/** A forged header, resealed with a valid header checksum, so each case reaches the check it attacks. */
function join(header: unknown, payload: Buffer, rehash = false): Buffer {
  const h = header as { payloadSha256: string; headerSha256?: string };
  if (rehash) h.payloadSha256 = createHash('sha256').update(payload).digest('hex');
  delete h.headerSha256;
  return checkpointBytes(h as never, payload);
}

/** Hostile variants of a valid reward checkpoint (`good`). */
export function hostileCheckpoints(good: Buffer, seed: number): HostileCase[] {
  const r = new Rng(seed);
  const { header, payload } = split(good);
  const headerEnd = good.readUInt32LE(8) + PREAMBLE_BYTES;
  const out: HostileCase[] = [];
  const bad = (name: string, bytes: Buffer) => out.push({ name, bytes, expect: ['invalid_checkpoint'] });
  const edit = (name: string, f: (h: any) => void, rehash = false) => {
    const h = structuredClone(header);
    f(h);
    bad(name, join(h, payload, rehash));
  };
  out.push({ name: 'valid', bytes: good, expect: ['ok'] });
  bad('empty', Buffer.alloc(0));
  bad('random-4k', randomBytes(4096));
  bad('magic-only', Buffer.from(MAGIC));
  for (let i = 0; i < 12; i++) {
    const at = i < 4 ? r.int(0, headerEnd) : r.int(headerEnd, good.length - 1);
    bad(`truncated-at-${at}`, good.subarray(0, at));
  }
  for (let i = 0; i < 8; i++) {
    const b = Buffer.from(good);
    const at = i < 4 ? r.int(PREAMBLE_BYTES, headerEnd - 1) : r.int(headerEnd, b.length - 1);
    b[at] ^= 1 << r.int(0, 7);
    out.push({ name: `bitflip-at-${at}`, bytes: b, expect: ['invalid_checkpoint'] });
  }
  // One digit of a normalisation mean changed: the model would load with wrong statistics. Only a
  // checksum over the header catches this (the payload sha256 does not cover it).
  const digit = Buffer.from(good);
  const at = digit.indexOf('"mean":[') + 12;
  digit[at] = digit[at] === 0x31 ? 0x32 : 0x31;
  bad('header-digit-normalization', digit);
  const big = Buffer.from(good);
  big.writeUInt32LE(0xffffffff, 8);
  bad('header-length-4gb', big);
  const zero = Buffer.from(good);
  zero.writeUInt32LE(0, 8);
  bad('header-length-0', zero);
  for (const name of ['../../etc/passwd', '/etc/shadow', 'input.proj/../../x', 'C:\\Windows\\x', 'input.proj\u0000', '', '.', 'a..b', '%2e%2e%2fx'])
    edit(`path-name-${JSON.stringify(name)}`, (h) => (h.tensors[0].name = name));
  for (const dtype of ['float64', 'float16', 'int32', 'FLOAT32', '', 'float32 ', 'object'])
    edit(`dtype-${dtype || 'empty'}`, (h) => (h.tensors[2].dtype = dtype));
  edit('shape-2^31-squared', (h) => ((h.tensors[0].shape = [2 ** 31, 2 ** 31]), (h.tensors[0].length = 2 ** 62)));
  edit('shape-8-dims', (h) => (h.tensors[0].shape = [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]));
  edit('shape-negative', (h) => (h.tensors[0].shape = [-125, 256]));
  edit('shape-fractional', (h) => (h.tensors[0].shape = [125.5, 256]));
  edit('shape-9-dims', (h) => (h.tensors[0].shape = [1, 1, 1, 1, 1, 1, 1, 1, 1]));
  edit('offset-negative', (h) => (h.tensors[1].offset = -4));
  edit('offset-unaligned', (h) => (h.tensors[1].offset += 2));
  edit('offset-past-payload', (h) => (h.tensors[3].offset = h.payloadLength));
  edit('offset-huge', (h) => (h.tensors[3].offset = Number.MAX_SAFE_INTEGER));
  edit('overlap', (h) => (h.tensors[5].offset = h.tensors[4].offset));
  edit('missing-tensor', (h) => h.tensors.pop());
  edit('duplicate-tensor', (h) => h.tensors.push({ ...h.tensors[0] }));
  edit('extra-tensor', (h) => h.tensors.push({ ...h.tensors[0], name: 'extra.weight' }));
  edit('10000-tensors', (h) => (h.tensors = Array.from({ length: 10_000 }, (_, i) => ({ ...h.tensors[0], name: `t${i}` }))));
  edit('payload-length-10gb', (h) => (h.payloadLength = 10 * 2 ** 30));
  edit('payload-length-string', (h) => (h.payloadLength = '10'));
  edit('other-arch', (h) => (h.archHash = 'f'.repeat(64)));
  edit('other-kind', (h) => (h.kind = 'policy'));
  edit('other-version', (h) => (h.version = 99));
  edit('format-99', (h) => (h.format = 99));
  edit('norm-nan', (h) => (h.normalization.mean[0] = null), true);
  edit('norm-std-zero', (h) => (h.normalization.std[3] = 0), true);
  edit('norm-short', (h) => h.normalization.mean.pop(), true);
  edit('norm-missing', (h) => (h.normalization = null), true);
  // A "__proto__" key is only data to JSON.parse; the reader may ignore it, but nothing may be polluted
  // (the worker checks Object.prototype afterwards).
  out.push({ name: 'proto-pollution', bytes: (() => {
    const h = structuredClone(header);
    Object.defineProperty(h, '__proto__', { value: { polluted: true }, enumerable: true });
    return join(h, payload);
  })(), expect: ['ok', 'invalid_checkpoint'] });
  edit('tensors-not-array', (h) => (h.tensors = { 0: h.tensors[0] }));
  edit('meta-4mb', (h) => (h.meta = { pad: 'x'.repeat(4 * 2 ** 20) }));
  bad('header-deep-nesting', (() => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const json = Buffer.from(deep);
    const pre = Buffer.alloc(PREAMBLE_BYTES);
    pre.write(MAGIC, 0, 'latin1');
    pre.writeUInt32LE(json.length, 8);
    return Buffer.concat([pre, json, payload]);
  })());
  bad('header-invalid-utf8', (() => {
    const b = Buffer.from(good);
    b[PREAMBLE_BYTES + 5] = 0xff;
    return b;
  })());
  bad('payload-padded', Buffer.concat([good, Buffer.alloc(16)]));
  return out;
}

/** Hostile variants of a valid policy file (the policy's own JSON weights format). */
export function hostilePolicies(good: string, seed: number): HostileCase[] {
  const r = new Rng(seed);
  const doc = JSON.parse(good);
  const out: HostileCase[] = [{ name: 'valid', bytes: Buffer.from(good), expect: ['ok'] }];
  const bad = (name: string, text: string | Buffer) => out.push({ name, bytes: Buffer.from(text), expect: ['invalid_checkpoint'] });
  const edit = (name: string, f: (d: any) => void) => {
    const d = structuredClone(doc);
    f(d);
    bad(name, JSON.stringify(d));
  };
  for (let i = 0; i < 6; i++) {
    const at = r.int(0, good.length - 2);
    bad(`truncated-at-${at}`, good.slice(0, at));
  }
  bad('empty', '');
  bad('not-json', 'policy weights, trust me');
  bad('json-null', 'null');
  bad('json-array', '[]');
  bad('deep-nesting', '['.repeat(100_000) + ']'.repeat(100_000));
  edit('format-other', (d) => (d.format = 'recut-reward'));
  edit('format-version-2', (d) => (d.formatVersion = 2));
  edit('arch-hidden-4096', (d) => (d.arch.hidden = 4096));
  edit('param-dtype-float64', (d) => (d.params[0].dtype = 'float64'));
  edit('param-shape-huge', (d) => (d.params[0].shape = [2 ** 31, 2 ** 31]));
  edit('param-name-traversal', (d) => (d.params[1].name = '../../etc/passwd'));
  edit('params-reordered', (d) => d.params.reverse());
  edit('params-missing', (d) => d.params.pop());
  edit('data-truncated', (d) => (d.data = d.data.slice(0, d.data.length / 2)));
  edit('data-not-base64', (d) => (d.data = '!!!!' + d.data.slice(4)));
  edit('data-number', (d) => (d.data = 42));
  edit('checksum-wrong', (d) => (d.sha256 = '0'.repeat(64)));
  edit('nan-weight-rehashed', (d) => {
    const b = Buffer.from(d.data, 'base64');
    b.writeFloatLE(NaN, 8);
    d.data = b.toString('base64');
    d.sha256 = createHash('sha256').update(b).digest('hex');
  });
  bad('9mb', JSON.stringify({ ...doc, meta: { pad: 'x'.repeat(9 * 2 ** 20) } }));
  return out;
}

const PLAN = { version: 1, segments: [{ from: 0, to: 8 }] };
const SONG = 'a'.repeat(64);

/** Malformed preference imports (JSON and CSV). `ok` where a strange file is still valid. */
export function hostileImports(): HostileCase[] {
  const c = (name: string, text: string | Buffer, expect: HostileCase['expect'] = ['invalid_import']) => ({ name, bytes: Buffer.from(text), expect });
  const rec = (extra: Record<string, unknown>) => JSON.stringify({ preferences: [{ song: SONG, plan: PLAN, verdict: 'accept', ...extra }] });
  return [
    // Nothing to import is not an error (zero records), as long as nothing crashes.
    c('empty', '', ['ok', 'invalid_import']),
    c('bom-only', '\uFEFF', ['ok', 'invalid_import']),
    c('whitespace', '   \n\t  ', ['ok', 'invalid_import']),
    c('json-truncated', rec({}).slice(0, 40)),
    c('json-deep-nesting', '{"preferences":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'),
    c('json-string', '"preferences"', ['ok', 'invalid_import']), // read as a CSV header with no rows
    c('json-null-records', '{"preferences":[null, 1, "x", []]}'),
    c('legacy-json', JSON.stringify([{ song_id: SONG, candidate_a_id: 'c1', candidate_b_id: 'c2', preference: 'a', strength: 2 }])),
    c('legacy-csv', `song_id,candidate_a_id,candidate_b_id,preference,strength\n${SONG},c1,c2,a,2\n`),
    c('csv-unbalanced-quote', `song,plan,verdict\n${SONG},"{""version"":1,verdict\n`),
    c('csv-plan-not-json', `song,plan,verdict\n${SONG},not-a-plan,accept\n`),
    c('csv-20mb-cell', `song,plan,verdict\n${SONG},"${'x'.repeat(20 * 2 ** 20)}",accept\n`),
    c('csv-nul-bytes', `song,plan,verdict\n${SONG}\u0000,{},accept\n`),
    c('invalid-utf8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])),
    c('binary-garbage', randomBytes(8192)),
    c('proto-pollution', '{"preferences":[{"__proto__":{"admin":true},"song":"x","plan":{"version":1,"segments":[]},"verdict":"accept"}]}'),
    c('constructor-key', rec({ constructor: { prototype: { x: 1 } } })),
    c('strength-9', rec({ strength: 9 })),
    c('strength-string', rec({ strength: '3' })),
    c('target-infinity-csv', `song,plan,verdict,targetSeconds\n${SONG},"{""version"":1,""segments"":[]}",accept,Infinity\n`),
    c('seed-float', rec({ seed: 1.5 })),
    c('created-at-garbage', rec({ createdAt: 'yesterday' })),
    c('uid-129-chars', rec({ uid: 'u'.repeat(129) })),
    c('song-5000-chars', JSON.stringify({ preferences: [{ song: 's'.repeat(5000), plan: PLAN, verdict: 'accept' }] })),
    c('plan-100001-segments', JSON.stringify({ preferences: [{ song: SONG, plan: { version: 1, segments: Array.from({ length: 100_001 }, () => ({ from: 0, to: 1 })) }, verdict: 'accept' }] })),
    c('plan-repeat-17', JSON.stringify({ preferences: [{ song: SONG, plan: { version: 1, segments: [{ from: 0, to: 1, repeat: 17 }] }, verdict: 'accept' }] })),
    c('plan-version-2', JSON.stringify({ preferences: [{ song: SONG, plan: { version: 2, segments: [] }, verdict: 'accept' }] })),
    c('pair-without-b', JSON.stringify({ preferences: [{ song: SONG, a: PLAN, choice: 'a' }] })),
    c('pair-and-single', JSON.stringify({ preferences: [{ song: SONG, a: PLAN, b: PLAN, choice: 'a', plan: PLAN, verdict: 'accept' }] })),
    c('one-bad-among-good', JSON.stringify({ preferences: [...Array.from({ length: 500 }, () => ({ song: SONG, plan: PLAN, verdict: 'accept' })), { song: SONG, plan: PLAN, verdict: 'maybe' }] })),
    c('valid-but-odd', '\uFEFF  ' + rec({ strength: 3, uid: 'ok-1' }), ['ok']),
  ];
}
