/**
 * fast-check fuzzing of every parser Recut wrote: the wire format and the contract's inputs,
 * EditPlans, preference records and files, settings (through the contract), the audio sniffer and
 * WAV/FLAC header walkers, whole-file audio decoding, the checkpoint reader and the policy format.
 * Each case must return or throw a RecutError of an allowed kind: anything else is a crash.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { METHOD_NAMES, methods, type MethodName } from '../../../src/shared/contract';
import { parseEditPlan, validatePlan } from '../../../src/shared/edit-plan';
import { isRecutError, type ErrorKind } from '../../../src/shared/errors';
import { parsePreferenceRecords } from '../../../src/shared/preference-file';
import { parseCall, parseEvent, parseResult, ReplyMessage, RequestMessage } from '../../../src/shared/wire';
import { readPreferenceFile } from '../../../src/engine/prefs/file-io';
import { decodeWavBytes, parseWavHeader } from '../../../src/engine/audio/decode-wav';
import { id3v2Size, mp3FrameLength, sniffFormat } from '../../../src/engine/audio/decode-sniff';
import { decodeAudioFile } from '../../../src/engine/audio/decode';
import { encodeWav } from '../../../src/engine/audio/wav-encode';
import { encodeFlac } from '../../../src/engine/audio/flac-encode';
import { readCheckpoint, writeCheckpoint, type CheckpointExpectation } from '../../../src/engine/models/checkpoint/format';
import { parsePolicy, serializePolicy } from '../../../src/engine/models/policy/weights';
import { POLICY_PARAMS } from '../../../src/engine/models/policy/model';

export interface FuzzReport {
  cases: number;
  crashes: number;
  failures: string[];
  slowestMs: number;
}

const ANY = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true });
const JSONISH = fc.jsonValue();
/** JSON text of any value (bigints as strings), for generators that write files. */
const toJson = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)) ?? 'null';

function outcome(allowed: ReadonlyArray<ErrorKind>, e: unknown): string | null {
  if (isRecutError(e)) return allowed.includes(e.kind) ? null : `RecutError of kind ${e.kind} (allowed: ${allowed.join(', ') || 'none'}): ${e.message.slice(0, 160)}`;
  return `untyped ${(e as Error)?.constructor?.name ?? typeof e}: ${String((e as Error)?.message ?? e).slice(0, 200)}`;
}

export async function fuzzParsers(opts: { seed: number; runs: number; dir: string; log?: (l: string) => void }): Promise<FuzzReport> {
  const rep: FuzzReport = { cases: 0, crashes: 0, failures: [], slowestMs: 0 };
  const n = opts.runs;

  async function check<T>(name: string, arb: fc.Arbitrary<T>, runs: number, allowed: ReadonlyArray<ErrorKind>, f: (x: T) => unknown): Promise<void> {
    let problem: string | null = null;
    const details = await fc.check(
      fc.asyncProperty(arb, async (x) => {
        const t0 = performance.now();
        try {
          await f(x);
        } catch (e) {
          problem = outcome(allowed, e);
        }
        rep.slowestMs = Math.max(rep.slowestMs, performance.now() - t0);
        rep.cases++;
        return problem === null;
      }),
      { numRuns: runs, seed: opts.seed, endOnFailure: true },
    );
    if (details.failed) {
      rep.crashes++;
      rep.failures.push(`fuzz ${name}: ${problem ?? details.errorInstance}; counterexample ${fc.stringify(details.counterexample).slice(0, 300)} (seed ${opts.seed}, path ${details.counterexamplePath})`);
    }
    opts.log?.(`    fuzz ${name}: ${details.numRuns} runs${details.failed ? ' FAILED' : ''}`);
  }

  // The wire and the contract: every method with garbage, and with its own keys holding garbage.
  const keys = new Set<string>(['__proto__', 'constructor', 'toString']);
  for (const m of METHOD_NAMES) {
    const s = methods[m].input as unknown as { shape?: Record<string, unknown>; options?: Array<{ shape: Record<string, unknown> }> };
    for (const k of Object.keys(s.shape ?? {})) keys.add(k);
    for (const o of s.options ?? []) for (const k of Object.keys(o.shape)) keys.add(k);
  }
  const shaped = fc.dictionary(fc.constantFrom(...keys), fc.oneof(ANY, fc.string(), fc.integer(), fc.constantFrom('a'.repeat(64), 'pair', 'single', 'json', 'csv', 'reward')));
  const method = fc.oneof(fc.constantFrom(...METHOD_NAMES), ANY);
  await check('parseCall(any method, any params)', fc.tuple(method, ANY), n, ['invalid_argument'], ([m, p]) => parseCall(m, p));
  await check('parseCall(method, shaped params)', fc.tuple(fc.constantFrom(...METHOD_NAMES), shaped), n * 2, ['invalid_argument'], ([m, p]) => parseCall(m, p));
  await check('parseResult(method, any)', fc.tuple(fc.constantFrom(...METHOD_NAMES), ANY), n, ['internal'], ([m, v]) => parseResult(m as MethodName, v));
  await check('wire messages', ANY, n, [], (x) => {
    RequestMessage.safeParse(x);
    ReplyMessage.safeParse(x);
    parseEvent((x as { event?: unknown })?.event ?? x, x);
  });

  // EditPlans.
  const int = fc.oneof(fc.integer(), fc.integer({ min: -2, max: 600 }), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER + 2));
  const plan = fc.record(
    {
      version: fc.oneof(fc.constant(1), ANY),
      includeIntro: fc.oneof(fc.boolean(), ANY),
      segments: fc.oneof(fc.array(fc.record({ from: int, to: int, repeat: int }, { requiredKeys: [] }), { maxLength: 40 }), ANY),
      fadeOut: fc.oneof(fc.constant(null), fc.record({ beats: int, trimSeconds: fc.double() }, { requiredKeys: [] }), ANY),
      crossfadeMs: fc.oneof(fc.double(), ANY),
    },
    { requiredKeys: [] },
  );
  await check('parseEditPlan', fc.oneof(plan, ANY), n * 2, ['invalid_plan'], (p) => parseEditPlan(p));
  await check('validatePlan', fc.tuple(plan, fc.oneof(fc.integer({ min: 0, max: 600 }), fc.double(), fc.integer())), n, ['invalid_plan', 'invalid_argument'], ([p, b]) => validatePlan(p, b));

  // Preference records and files.
  const record = fc.record(
    { song: fc.oneof(fc.string(), ANY), a: plan, b: plan, plan, choice: fc.oneof(fc.constantFrom('a', 'b', 'tie'), ANY), verdict: fc.oneof(fc.constantFrom('accept', 'reject'), ANY), strength: int, uid: fc.string(), createdAt: fc.oneof(fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())), fc.string()) },
    { requiredKeys: [] },
  );
  await check('parsePreferenceRecords', fc.array(fc.oneof(record, ANY), { maxLength: 8 }), n, ['invalid_import'], (rs) => parsePreferenceRecords(rs));
  const file = path.join(opts.dir, 'fuzz-import');
  const csvCell = fc.oneof(fc.string(), JSONISH.map((j) => JSON.stringify(j)), fc.constantFrom('"', '""', ',', '\n', '\r\n', '{}'));
  const csv = fc.tuple(fc.shuffledSubarray(['song', 'a', 'b', 'plan', 'choice', 'verdict', 'strength', 'seed', 'uid', 'candidate_a_id']), fc.array(fc.array(csvCell, { maxLength: 8 }), { maxLength: 6 })).map(
    ([head, rows]) => [head.join(','), ...rows.map((r) => r.join(','))].join('\n'),
  );
  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), JSONISH.map((j) => JSON.stringify(j)), fc.array(record, { maxLength: 6 }).map((rs) => toJson({ preferences: rs })), csv);
  await check('readPreferenceFile', fc.oneof(text.map((t) => Buffer.from(t)), fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b))), n, ['invalid_import'], (bytes) => {
    fs.writeFileSync(file, bytes);
    readPreferenceFile(file);
  });

  // Audio: sniffing and header walking on raw bytes, then mutations of real WAV/FLAC files.
  await check('sniffFormat/id3v2Size/mp3FrameLength', fc.tuple(fc.uint8Array({ maxLength: 256 }), fc.nat(300)), n * 2, [], ([b, at]) => {
    const s = sniffFormat(b);
    if (!['decodable', 'unsupported', 'unknown'].includes(s.kind)) throw new Error(`bad sniff result ${JSON.stringify(s)}`);
    const sz = id3v2Size(b, at);
    const fl = mp3FrameLength(b, at);
    if (!(sz >= 0 && fl >= 0)) throw new Error(`negative size ${sz} ${fl}`);
  });
  const tone = { sampleRate: 8000, channels: [Float32Array.from({ length: 400 }, (_, i) => Math.sin(i / 5)), Float32Array.from({ length: 400 }, (_, i) => Math.cos(i / 7))] };
  const wav = Buffer.from(encodeWav(tone));
  const flac = Buffer.from(encodeFlac(tone, { bitDepth: 16 }));
  const mutation = (src: Buffer, headerBytes: number) =>
    fc.tuple(fc.array(fc.tuple(fc.nat(headerBytes - 1), fc.nat(255)), { minLength: 1, maxLength: 6 }), fc.option(fc.nat(src.length), { nil: undefined })).map(([edits, cut]) => {
      const b = Buffer.from(src.subarray(0, cut ?? src.length));
      for (const [at, v] of edits) if (at < b.length) b[at] = v;
      return b;
    });
  await check('parseWavHeader+decodeWavBytes (mutated WAV)', fc.oneof(mutation(wav, 64), fc.uint8Array({ maxLength: 128 }).map((b) => Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE'), b]))), n * 2, ['corrupt_audio', 'unsupported_format'], (b) => {
    const h = parseWavHeader(b);
    const a = decodeWavBytes(b, h);
    if (a.channels.some((c) => c.length !== h.frames)) throw new Error('decoded length differs from the header walk');
  });
  const audioFile = path.join(opts.dir, 'fuzz-audio');
  await check('decodeAudioFile (mutated WAV/FLAC files)', fc.oneof(mutation(wav, 80), mutation(flac, 120)), Math.max(10, Math.round(n / 5)), ['corrupt_audio', 'unsupported_format', 'audio_too_long'], async (b) => {
    fs.writeFileSync(audioFile, b);
    await decodeAudioFile(audioFile, { timeoutMs: 20_000 });
  });

  // Checkpoints: the real reader with a small model's expectation, on mutated valid files.
  const expect: CheckpointExpectation = { kind: 'fuzz', version: 1, archHash: 'c'.repeat(64), tensors: [{ name: 'a.weight', shape: [4, 3] }, { name: 'a.bias', shape: [3] }, { name: 'b', shape: [2, 2, 2] }], normalizationLength: 3 };
  const ckpt = path.join(opts.dir, 'fuzz.rckpt');
  writeCheckpoint(ckpt, { kind: 'fuzz', version: 1, archHash: 'c'.repeat(64), normalization: { mean: new Float32Array(3), std: Float32Array.of(1, 2, 3) }, meta: {}, tensors: new Map(expect.tensors.map((t) => [t.name, Float32Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, (_, i) => i / 7)])) }, expect.tensors);
  const good = fs.readFileSync(ckpt);
  const hlen = good.readUInt32LE(8);
  const header = JSON.parse(good.subarray(12, 12 + hlen).toString());
  const headerMutation = fc.tuple(fc.constantFrom(...Object.keys(header), 'tensors.0.name', 'tensors.1.shape', 'tensors.2.offset', 'tensors.0.dtype', 'normalization.std'), ANY.filter((v) => typeof v !== 'bigint')).map(([k, v]) => {
    const h = structuredClone(header);
    const parts = k.split('.');
    let o: any = h;
    for (const p of parts.slice(0, -1)) o = o[p];
    try {
      o[parts.at(-1)!] = v;
    } catch {
      // a frozen or odd target: leave the header as is
    }
    let json: Buffer;
    try {
      json = Buffer.from(toJson(h));
    } catch {
      json = Buffer.from('{"x":'); // a cyclic value: write broken JSON instead
    }
    const pre = Buffer.alloc(12);
    pre.write('RECUTCK1', 0, 'latin1');
    pre.writeUInt32LE(json.length, 8);
    return Buffer.concat([pre, json, good.subarray(12 + hlen)]);
  });
  await check('readCheckpoint (mutated files)', fc.oneof(mutation(good, good.length), headerMutation, fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b))), n * 2, ['invalid_checkpoint'], (b) => {
    fs.writeFileSync(ckpt, b);
    if (b.equals(good)) return;
    readCheckpoint(ckpt, expect);
  });

  // The policy's JSON weights format.
  const weights = Object.fromEntries(POLICY_PARAMS.map((p) => [p.name, new Float32Array(p.shape.reduce((a, b) => a * b, 1)).fill(0.25)]));
  const policy = serializePolicy(weights, { step: 1 });
  const pdoc = JSON.parse(policy);
  const policyText = fc.oneof(
    fc.tuple(fc.constantFrom(...Object.keys(pdoc), 'arch.hidden', 'params.0.shape', 'params.1.dtype', 'meta'), JSONISH).map(([k, v]) => {
      const d = structuredClone(pdoc);
      const parts = k.split('.');
      let o: any = d;
      for (const p of parts.slice(0, -1)) o = o[p];
      o[parts.at(-1)!] = v;
      return JSON.stringify(d);
    }),
    fc.nat(policy.length).map((k) => policy.slice(0, k)),
    fc.string(),
    JSONISH.map((j) => JSON.stringify(j)),
  );
  await check('parsePolicy', policyText, n, ['invalid_checkpoint'], (t) => {
    if (t === policy) return;
    parsePolicy(t);
  });
  return rep;
}
