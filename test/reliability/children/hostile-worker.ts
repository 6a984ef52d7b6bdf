/**
 * Part 3 worker (run by hostile-files.ts under tsx, in its own process so a crash is counted, not
 * suffered): the corrupt-audio corpus, hostile checkpoints, hostile policy files, malformed imports,
 * then the parser fuzzing. Prints one line "RESULT {json}".
 *
 *   tsx hostile-worker.ts SEED FUZZ_RUNS AUDIO(all|N)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCorruptCorpus } from '../../../scripts/make-corrupt-corpus';
import { decodeAudioFile, probeAudio } from '../../../src/engine/audio/decode';
import { readCheckpoint, writeCheckpoint } from '../../../src/engine/models/checkpoint/format';
import { REWARD_CHECKPOINT } from '../../../src/engine/models/checkpoint/reward';
import { REWARD_PARAM_SPECS } from '../../../src/engine/models/reward/architecture';
import { loadPolicy, serializePolicy } from '../../../src/engine/models/policy/weights';
import { POLICY_PARAMS } from '../../../src/engine/models/policy/model';
import { readPreferenceFile } from '../../../src/engine/prefs/file-io';
import { isRecutError } from '../../../src/shared/errors';
import { rewardContents } from '../lib/checkpoint-content';
import { hostileCheckpoints, hostileImports, hostilePolicies, type HostileCase } from '../lib/hostile-cases';
import { fuzzParsers } from '../lib/parser-fuzz';

const [seedArg, runsArg, audioArg] = process.argv.slice(2);
const seed = Number(seedArg);
const result = { corrupt_inputs: 0, rejected_ok: 0, crashes: 0, fuzz_cases: 0, failures: [] as string[], notes: [] as string[], peakRssMb: 0, slowestMs: 0 };
const log = (l: string) => console.error(l);
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
const LIMIT_MS = 20_000;

async function outcome(run: () => unknown): Promise<{ got: string; ms: number }> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((r) => (timer = setTimeout(() => r('TIMEOUT'), LIMIT_MS)));
  try {
    const got = await Promise.race([
      Promise.resolve()
        .then(run)
        .then(
          () => 'ok',
          (e: unknown) => (isRecutError(e) ? e.kind : `untyped: ${String((e as Error)?.message ?? e).slice(0, 200)}`),
        ),
      deadline,
    ]);
    return { got, ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}

async function judge(group: string, name: string, expect: readonly string[], run: () => unknown): Promise<void> {
  result.corrupt_inputs++;
  const { got, ms } = await outcome(run);
  result.slowestMs = Math.max(result.slowestMs, ms);
  if (expect.includes(got)) {
    if (got !== 'ok') result.rejected_ok++;
    return;
  }
  if (got.startsWith('untyped') || got === 'TIMEOUT') result.crashes++;
  result.failures.push(`${group} ${name}: expected ${expect.join('|')}, got ${got}`);
}

async function runCases(group: string, dir: string, cases: HostileCase[], load: (file: string) => unknown): Promise<void> {
  for (const c of cases) {
    const file = path.join(dir, `${group}-${c.name.replace(/[^\w.-]+/g, '_')}`);
    fs.writeFileSync(file, c.bytes);
    await judge(group, c.name, c.expect, () => load(file));
    fs.rmSync(file, { force: true });
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-rel-hostile-'));
try {
  // 1. The corrupt-audio corpus: decode and probe every file.
  const corpusDir = path.join(dir, 'corpus');
  let entries = await generateCorruptCorpus(corpusDir);
  if (audioArg !== 'all') entries = entries.filter((_, i) => i % Math.max(1, Math.floor(entries.length / Number(audioArg))) === 0);
  for (const e of entries) {
    await judge('audio', e.file, e.expect, () => decodeAudioFile(path.join(corpusDir, e.file)));
    // Probing must agree on "unsupported" and never crash.
    const p = await outcome(() => probeAudio(path.join(corpusDir, e.file)));
    if (p.got.startsWith('untyped') || p.got === 'TIMEOUT') {
      result.crashes++;
      result.failures.push(`audio probe ${e.file}: ${p.got}`);
    }
  }
  log(`    audio corpus: ${entries.length} files`);

  // 2. Hostile reward checkpoints (the real 10.5 MB format).
  const good = path.join(dir, 'good.rckpt');
  writeCheckpoint(good, rewardContents(seed, 1), REWARD_PARAM_SPECS);
  const ck = hostileCheckpoints(fs.readFileSync(good), seed);
  await runCases('checkpoint', dir, ck, (f) => readCheckpoint(f, REWARD_CHECKPOINT));
  const sparse = path.join(dir, 'sparse-64mb');
  fs.writeFileSync(sparse, fs.readFileSync(good).subarray(0, 12));
  fs.truncateSync(sparse, 64 * 2 ** 20);
  await judge('checkpoint', 'sparse-64mb', ['invalid_checkpoint'], () => readCheckpoint(sparse, REWARD_CHECKPOINT));
  await judge('checkpoint', 'missing-file', ['not_found'], () => readCheckpoint(path.join(dir, 'nope'), REWARD_CHECKPOINT));
  log(`    checkpoints: ${ck.length + 2} files`);

  // 3. Hostile policy files.
  const weights = Object.fromEntries(POLICY_PARAMS.map((p) => [p.name, Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i))]));
  const pol = hostilePolicies(serializePolicy(weights, { step: 1 }), seed);
  await runCases('policy', dir, pol, (f) => loadPolicy(f));
  log(`    policies: ${pol.length} files`);

  // 4. Malformed preference imports.
  const imp = hostileImports();
  await runCases('import', dir, imp, (f) => readPreferenceFile(f));
  await judge('import', 'directory', ['invalid_import'], () => readPreferenceFile(dir));
  await judge('import', 'missing-file', ['not_found'], () => readPreferenceFile(path.join(dir, 'nope.json')));
  log(`    imports: ${imp.length + 2} files`);

  // 5. Fuzzing.
  const fz = await fuzzParsers({ seed, runs: Number(runsArg), dir, log });
  result.fuzz_cases += fz.cases;
  result.crashes += fz.crashes;
  result.failures.push(...fz.failures);
  result.slowestMs = Math.max(result.slowestMs, fz.slowestMs);
  if (({} as Record<string, unknown>).polluted !== undefined || ({} as Record<string, unknown>).admin !== undefined) {
    result.crashes++;
    result.failures.push('a hostile file polluted Object.prototype');
  }
} catch (e) {
  result.crashes++;
  result.failures.push(`hostile worker stopped: ${(e as Error).stack ?? e}`);
} finally {
  clearInterval(sampler);
  fs.rmSync(dir, { recursive: true, force: true });
}
result.peakRssMb = Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
