import decodeWav from '@audio/decode-wav';
import { describe, expect, it } from 'vitest';
import { RecutError } from '../../shared/errors';
import type { PcmAudio } from './pcm';
import { encodeWav } from './wav-encode';

/** Deterministic test signal: a sine sweep plus noise, spanning the full range and beyond (to test clipping). */
function testSignal(nCh: number, frames: number, amp: number, sampleRate = 48000): PcmAudio {
  let s = 12345;
  const channels = Array.from({ length: nCh }, (_, c) => {
    const x = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const noise = s / 4294967296 - 0.5;
      x[i] = amp * (0.8 * Math.sin(i * 0.01 * (c + 1) + (i * i) / 5e6) + 0.4 * noise);
    }
    return x;
  });
  return { sampleRate, channels };
}

/** Quantise like a 24-bit (or n-bit) file the decoder produced: codes scaled asymmetrically. */
function quantise(audio: PcmAudio, bits: number): PcmAudio {
  const neg = 2 ** (bits - 1);
  const pos = neg - 1;
  return {
    sampleRate: audio.sampleRate,
    channels: audio.channels.map((x) =>
      x.map((v) => {
        const c = Math.max(-neg, Math.min(pos, Math.round(v < 0 ? v * neg : v * pos)));
        return c < 0 ? c / neg : c / pos;
      }),
    ),
  };
}

function fmtTag(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint16(20, true);
}

describe('encodeWav', () => {
  it('round-trips 24-bit-quantised audio bit-exactly through @audio/decode-wav (stereo, extensible)', () => {
    const src = quantise(testSignal(2, 10001, 0.9), 24);
    const wav = encodeWav(src, { bitDepth: 24 });
    expect(fmtTag(wav)).toBe(0xfffe);
    expect(wav.length % 2).toBe(0); // odd data size gets its pad byte
    const dec = decodeWav(wav);
    expect(dec.sampleRate).toBe(48000);
    expect(dec.channelData.length).toBe(2);
    for (let c = 0; c < 2; c++) expect(Array.from(dec.channelData[c])).toEqual(Array.from(src.channels[c]));
  });

  it('16-bit is within 1 LSB of the input and re-encoding the decoded file reproduces its bytes', () => {
    const src = testSignal(2, 8000, 0.95, 44100);
    const wav = encodeWav(src);
    expect(fmtTag(wav)).toBe(1);
    expect(wav.length).toBe(44 + 8000 * 4);
    const dec = decodeWav(wav);
    let maxErr = 0;
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < 8000; i++) maxErr = Math.max(maxErr, Math.abs(dec.channelData[c][i] - src.channels[c][i]));
    expect(maxErr).toBeLessThanOrEqual(1 / 32767);
    expect(maxErr).toBeGreaterThan(0); // it really quantised
    const again = encodeWav({ sampleRate: dec.sampleRate, channels: dec.channelData });
    expect(Buffer.from(again).equals(Buffer.from(wav))).toBe(true);
  });

  it('clips out-of-range samples to full scale and maps NaN to silence', () => {
    const x = new Float32Array([2, -2, 1, -1, 0, Number.NaN, 0.5]);
    for (const bitDepth of [16, 24, 32] as const) {
      const dec = decodeWav(encodeWav({ sampleRate: 8000, channels: [x] }, { bitDepth }));
      const y = Array.from(dec.channelData[0]);
      expect(y.slice(0, 6)).toEqual([1, -1, 1, -1, 0, 0]);
      expect(Math.abs(y[6] - 0.5)).toBeLessThan(2 ** -(bitDepth - 2));
    }
  });

  it('writes IEEE float32 losslessly (with fact chunk), including values beyond full scale', () => {
    const src = testSignal(1, 5000, 1.5, 96000);
    const wav = encodeWav(src, { float: true });
    expect(fmtTag(wav)).toBe(3);
    expect(String.fromCharCode(...wav.subarray(38, 42))).toBe('fact');
    const dec = decodeWav(wav);
    expect(dec.sampleRate).toBe(96000);
    expect(Array.from(dec.channelData[0])).toEqual(Array.from(src.channels[0]));
  });

  it('32-bit integer and 6-channel extensible files decode to the same samples', () => {
    const src = quantise(testSignal(6, 3001, 0.7), 24);
    for (const opts of [{ bitDepth: 32 as const }, { bitDepth: 24 as const }, { bitDepth: 32 as const, float: true }]) {
      const wav = encodeWav(src, opts);
      expect(fmtTag(wav)).toBe(0xfffe);
      const dec = decodeWav(wav);
      expect(dec.channelData.length).toBe(6);
      for (let c = 0; c < 6; c++) {
        const a = dec.channelData[c];
        const b = src.channels[c];
        let maxErr = 0;
        for (let i = 0; i < b.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
        expect(maxErr).toBeLessThan(1e-7);
      }
    }
  });

  it('TPDF dither is deterministic per seed, stays within 1 LSB of plain rounding, and is off by default', () => {
    const src = testSignal(1, 4000, 0.3);
    const plain = decodeWav(encodeWav(src)).channelData[0];
    const d1 = encodeWav(src, { dither: 7 });
    const d2 = encodeWav(src, { dither: 7 });
    expect(Buffer.from(d1).equals(Buffer.from(d2))).toBe(true);
    expect(Buffer.from(d1).equals(Buffer.from(encodeWav(src)))).toBe(false);
    const dith = decodeWav(d1).channelData[0];
    let changed = 0;
    for (let i = 0; i < plain.length; i++) {
      expect(Math.abs(dith[i] - plain[i])).toBeLessThanOrEqual(1.01 / 32767);
      if (dith[i] !== plain[i]) changed++;
    }
    expect(changed).toBeGreaterThan(plain.length / 10);
  });

  it('encodes an empty signal as a valid, empty file', () => {
    const wav = encodeWav({ sampleRate: 44100, channels: [new Float32Array(0), new Float32Array(0)] });
    expect(wav.length).toBe(44);
    const dec = decodeWav(wav);
    expect(dec.channelData.every((c) => c.length === 0)).toBe(true);
  });

  it('rejects bad options and inconsistent audio with typed errors', () => {
    const ok: PcmAudio = { sampleRate: 44100, channels: [new Float32Array(4)] };
    const bad: Array<() => unknown> = [
      () => encodeWav(ok, { bitDepth: 8 as unknown as 16 }),
      () => encodeWav(ok, { bitDepth: 24, float: true }),
      () => encodeWav({ sampleRate: 0, channels: [new Float32Array(4)] }),
      () => encodeWav({ sampleRate: 44100.5, channels: [new Float32Array(4)] }),
      () => encodeWav({ sampleRate: 44100, channels: [] }),
      () => encodeWav({ sampleRate: 44100, channels: [new Float32Array(4), new Float32Array(3)] }),
    ];
    for (const f of bad) {
      expect(f).toThrow(RecutError);
      try {
        f();
      } catch (e) {
        expect((e as RecutError).kind).toBe('invalid_argument');
      }
    }
  });
});
