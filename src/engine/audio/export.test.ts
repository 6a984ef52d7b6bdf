import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planJoins, validatePlan } from '../../shared/edit-plan';
import { isRecutError } from '../../shared/errors';
import { decodeAudioFile } from './decode';
import { exportAudio, exportCueList } from './export';
import { encodeFlac } from './flac-encode';
import type { PcmAudio } from './pcm';

let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'recut-export-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Integer codes as floats on the FLAC decoder's scale (v / (2^(b-1) - 1)), full-scale extremes included. */
function codes(bits: 16 | 24, sr: number, nCh: number, frames: number): { audio: PcmAudio; ints: Int32Array[] } {
  const max = 2 ** (bits - 1) - 1;
  let s = 7;
  const ints = Array.from({ length: nCh }, (_, c) =>
    Int32Array.from({ length: frames }, (_, i) => {
      s = (s * 1103515245 + 12345) >>> 0;
      if (i === 3) return -max - 1;
      if (i === 4) return max;
      const v = Math.round(0.6 * max * Math.sin((2 * Math.PI * (200 + 150 * c) * i) / sr)) + ((s >>> 20) % 64) - 32;
      return i > frames / 2 && c === 0 ? 0 : v; // a silent half exercises constant subframes
    }),
  );
  return { audio: { sampleRate: sr, channels: ints.map((x) => Float32Array.from(x, (v) => v / max)) }, ints };
}

describe('FLAC export', () => {
  for (const bits of [16, 24] as const) {
    for (const [sr, nCh, frames] of [[44100, 2, 44100 * 2 + 123], [48000, 1, 5000], [32000, 6, 9000]] as const) {
      it(`${bits}-bit, ${nCh} ch, ${sr} Hz: the real libFLAC decoder returns every sample code exactly`, async () => {
        const { audio, ints } = codes(bits, sr, nCh, frames);
        const path = join(dir, `rt-${bits}-${sr}-${nCh}.flac`);
        await exportAudio(audio, path, { format: 'flac', bitDepth: bits });
        const { audio: back, info } = await decodeAudioFile(path);
        expect(info).toMatchObject({ format: 'flac', sampleRate: sr, channels: nCh, bitDepth: bits });
        const max = 2 ** (bits - 1) - 1;
        for (let c = 0; c < nCh; c++) {
          expect(back.channels[c].length).toBe(frames);
          let wrong = 0;
          for (let i = 0; i < frames; i++) if (Math.round(back.channels[c][i] * max) !== ints[c][i]) wrong++;
          expect(wrong).toBe(0);
        }
        // Decoded floats re-encode to the identical file: export is idempotent on its own output.
        expect(Buffer.from(encodeFlac(back, { bitDepth: bits })).equals(await readFile(path))).toBe(true);
      });
    }
  }

  it('an edit of the demo song (fade to silence, partial last frame) decodes back to its full length', async () => {
    const { demoSongSpec, synthesize } = await import('./synth');
    const { renderPlan } = await import('./render');
    const track = synthesize(demoSongSpec());
    const n = track.beats.length;
    const segments = [];
    for (let b = 0; b + 4 <= n; b += 16) segments.push({ from: b, to: Math.min(n, b + 12), repeat: b === 32 ? 2 : 1 });
    const out = renderPlan(track.audio, track.beats, validatePlan({ version: 1, segments, fadeOut: { beats: 4 } }, n));
    const file = join(dir, 'edit.flac');
    await exportAudio(out, file, { format: 'flac', bitDepth: 16 });
    const back = await decodeAudioFile(file);
    expect(back.audio.channels[0].length).toBe(out.channels[0].length);
  }, 60_000);

  it('compresses: a tone is well under the size of 16-bit PCM', async () => {
    const { audio } = codes(16, 44100, 2, 44100 * 2 + 123);
    const flac = encodeFlac(audio, { bitDepth: 16 });
    expect(flac.length).toBeLessThan(0.7 * audio.channels[0].length * 4);
  });
});

describe('WAV export and errors', () => {
  it('writes WAV atomically (no temp files left) and decodes back', async () => {
    const { audio } = codes(16, 22050, 2, 3000);
    const path = join(dir, 'out.wav');
    const r = await exportAudio(audio, path, { format: 'wav', bitDepth: 24 });
    expect(r.bytes).toBe((await readFile(path)).length);
    const { info } = await decodeAudioFile(path);
    expect(info).toMatchObject({ format: 'wav', bitDepth: 24, channels: 2, sampleRate: 22050 });
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('MP3 export is a typed unsupported_format; an unwritable path is a typed io error', async () => {
    const { audio } = codes(16, 22050, 1, 100);
    for (const [p, kind] of [
      [join(dir, 'x.mp3'), 'unsupported_format'],
      [join(dir, 'no-such-dir', 'x.wav'), 'io'],
    ] as const) {
      const e = await exportAudio(audio, p, { format: p.endsWith('mp3') ? 'mp3' : 'wav', bitDepth: 16 }).catch((x: unknown) => x);
      expect(isRecutError(e) && e.kind).toBe(kind);
    }
  });
});

describe('cue list', () => {
  const beats = [0.5, 1, 1.5, 2, 2.5, 3];
  const plan = validatePlan({ version: 1, segments: [{ from: 0, to: 2 }, { from: 4, to: 6, repeat: 2 }] }, 6);
  const joins = planJoins(plan, beats, 1000, 4000);

  it('lists the audible edits (not contiguous joins) as CSV and JSON', () => {
    const csv = exportCueList(joins, 'csv', { fps: 25 }).trim().split('\n');
    expect(csv[0]).toBe('index,output_seconds,output_time,timecode,kind,source_from_seconds,source_to_seconds');
    expect(csv.slice(1)).toEqual(['1,1.5,00:00:01.500,00:00:01:13,cut,1.5,2.5', '2,3,00:00:03.000,00:00:03:00,loop,4,2.5']);
    const json = JSON.parse(exportCueList(joins, 'json'));
    expect(json).toHaveLength(2);
    expect(json[1]).toMatchObject({ index: 2, kind: 'loop', outputSeconds: 3, sourceFromSeconds: 4, sourceToSeconds: 2.5 });
  });
});
