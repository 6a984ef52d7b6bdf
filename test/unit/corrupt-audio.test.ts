/**
 * Every file of the corrupt-audio corpus must end in its expected outcome (a typed RecutError kind,
 * or a valid decode) within a bounded time, without crashing the process or growing memory without
 * bound. Decoding and probing both run on every file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorruptCorpus, type CorpusEntry } from '../../scripts/make-corrupt-corpus';
import { decodeAudioFile, probeAudio } from '../../src/engine/audio/decode';
import { isRecutError } from '../../src/shared/errors';

const PER_FILE_LIMIT_MS = 20_000;

let dir: string;
let entries: CorpusEntry[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recut-corrupt-'));
  entries = await generateCorruptCorpus(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function outcome(run: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('TIMEOUT'), PER_FILE_LIMIT_MS)));
  try {
    return await Promise.race([
      run().then(
        () => 'ok',
        (e: unknown) => (isRecutError(e) ? e.kind : `untyped: ${String(e)}`),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('corrupt-audio corpus', () => {
  it('has at least 50 files', () => {
    expect(entries.length).toBeGreaterThanOrEqual(50);
  });

  it('decodes each file to its expected outcome, in bounded time and memory', async () => {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const wrong: string[] = [];
    try {
      for (const e of entries) {
        const got = await outcome(async () => {
          const { audio, info } = await decodeAudioFile(join(dir, e.file));
          // A success must be real audio: consistent channels, finite samples, matching info.
          expect(audio.channels.length).toBe(info.channels);
          expect(audio.channels.every((c) => c.length === audio.channels[0].length)).toBe(true);
          expect(info.durationSeconds).toBeCloseTo(audio.channels[0].length / audio.sampleRate, 9);
          expect(info.contentHash).toMatch(/^[0-9a-f]{64}$/);
        });
        if (!e.expect.includes(got as never)) wrong.push(`${e.file}: expected ${e.expect.join('|')}, got ${got}`);
      }
    } finally {
      clearInterval(sampler);
    }
    expect(wrong).toEqual([]);
    // The corpus holds headers claiming 4 GB / 4 h: nothing may allocate anywhere near that.
    expect((peak - baseline) / 2 ** 20).toBeLessThan(600);
  });

  it('probes each file to a result or a typed error (never a crash or an untyped error)', async () => {
    const bad: string[] = [];
    for (const e of entries) {
      const got = await outcome(() => probeAudio(join(dir, e.file)));
      if (got.startsWith('untyped') || got === 'TIMEOUT') bad.push(`${e.file}: ${got}`);
      // Files the decoder rejects as unsupported are unsupported to the prober too.
      if (e.expect.length === 1 && e.expect[0] === 'unsupported_format' && got !== 'unsupported_format') bad.push(`${e.file}: probe ${got}`);
    }
    expect(bad).toEqual([]);
  });
});
