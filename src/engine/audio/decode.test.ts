import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRecutError } from '../../shared/errors';
import { decodeAudioFile, probeAudio } from './decode';
import { encodeWav } from './wav-encode';
import type { PcmAudio } from './pcm';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/audio');
let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'recut-decode-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

function tone(sr: number, nCh: number, seconds: number): PcmAudio {
  const n = Math.round(sr * seconds);
  return {
    sampleRate: sr,
    channels: Array.from({ length: nCh }, (_, c) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * (300 + 200 * c) * i) / sr))),
  };
}

describe('decodeAudioFile: WAV', () => {
  for (const [bitDepth, float, sr, nCh, tol] of [
    [16, false, 44100, 2, 1 / 32767],
    [24, false, 96000, 1, 1 / 8388607],
    [32, true, 22050, 2, 0],
    [16, false, 8000, 1, 1 / 32767],
  ] as const) {
    it(`${float ? 'float' : 'PCM'} ${bitDepth}-bit, ${nCh} ch, ${sr} Hz: exact rate, length and samples`, async () => {
      const src = tone(sr, nCh, 1);
      const path = join(dir, `t-${bitDepth}-${sr}.wav`);
      await writeFile(path, encodeWav(src, { bitDepth, float }));
      const { audio, info } = await decodeAudioFile(path);
      expect(info).toMatchObject({ format: 'wav', sampleRate: sr, channels: nCh, bitDepth, durationSeconds: 1 });
      expect(audio.channels[0].length).toBe(src.channels[0].length);
      for (let c = 0; c < nCh; c++) {
        let err = 0;
        for (let i = 0; i < src.channels[c].length; i++) err = Math.max(err, Math.abs(audio.channels[c][i] - src.channels[c][i]));
        expect(err).toBeLessThanOrEqual(tol);
      }
      const bytes = await readFile(path);
      expect(info.contentHash).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(await probeAudio(path)).toEqual({ ...info, tags: undefined });
    });
  }
});

describe('decodeAudioFile: MP3 and Ogg Vorbis fixtures (LAME / oggenc, 1.5 s stereo 44.1 kHz)', () => {
  for (const [file, format] of [
    ['tone-stereo-44k.mp3', 'mp3'],
    ['tone-stereo-44k.ogg', 'ogg-vorbis'],
  ] as const) {
    it(`${format}: rate, channels, duration, tags and the 330 Hz tone`, async () => {
      const { audio, info } = await decodeAudioFile(join(FIXTURES, file));
      expect(info.format).toBe(format);
      expect(info.sampleRate).toBe(44100);
      expect(info.channels).toBe(2);
      expect(Math.abs(info.durationSeconds - 1.5)).toBeLessThan(0.06);
      expect(info.tags).toEqual({ title: 'Recut Tone', artist: 'Recut Tests', album: 'Fixtures' });
      // The left channel is a 330 Hz tone plus clicks: its correlation with 330 Hz dominates 495 Hz.
      const power = (f: number) => {
        let re = 0, im = 0;
        const x = audio.channels[0];
        for (let i = 4410; i < 4410 + 22050; i++) {
          re += x[i] * Math.cos((2 * Math.PI * f * i) / 44100);
          im += x[i] * Math.sin((2 * Math.PI * f * i) / 44100);
        }
        return re * re + im * im;
      };
      expect(power(330)).toBeGreaterThan(50 * power(495));
    });
  }

  it('finds the format from the bytes, not the name', async () => {
    const path = join(dir, 'really-ogg.wav');
    await writeFile(path, await readFile(join(FIXTURES, 'tone-stereo-44k.ogg')));
    expect((await decodeAudioFile(path)).info.format).toBe('ogg-vorbis');
  });
});

describe('decodeAudioFile: limits and errors', () => {
  it('enforces a lower duration cap with audio_too_long', async () => {
    const path = join(dir, 'three-seconds.wav');
    await writeFile(path, encodeWav(tone(8000, 1, 3), { bitDepth: 16 }));
    await expect(decodeAudioFile(path, { maxDurationSeconds: 2 })).rejects.toMatchObject({ kind: 'audio_too_long' });
    const flac = join(FIXTURES, 'tone-stereo-44k.mp3');
    await expect(decodeAudioFile(flac, { maxDurationSeconds: 1 })).rejects.toMatchObject({ kind: 'audio_too_long' });
  });

  it('reports a missing file as not_found', async () => {
    const e = await decodeAudioFile(join(dir, 'nope.wav')).catch((x: unknown) => x);
    expect(isRecutError(e) && e.kind).toBe('not_found');
  });
});
