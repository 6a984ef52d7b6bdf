import { describe, expect, it } from 'vitest';
import { resampleToMono } from './polyphase-resample';

const sine = (rate: number, hz: number, secs: number, amp = 0.5) =>
  Float32Array.from({ length: Math.round(rate * secs) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));

function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, to - from));
}

describe('resampleToMono', () => {
  for (const rate of [44100, 48000, 32000, 96000, 11025]) {
    it(`keeps a 1 kHz tone intact from ${rate} Hz to 22050 Hz`, () => {
      const y = resampleToMono({ sampleRate: rate, channels: [sine(rate, 1000, 1)] }, 22050);
      expect(y.length).toBe(22050); // one second in, one second out
      const ref = sine(22050, 1000, 1);
      let err = 0;
      for (let i = 1000; i < 21000; i++) err = Math.max(err, Math.abs(y[i] - ref[i]));
      expect(err).toBeLessThan(2e-3);
    });
  }

  it('removes content above the new Nyquist instead of aliasing it', () => {
    const y = resampleToMono({ sampleRate: 44100, channels: [sine(44100, 15000, 1)] }, 22050);
    expect(rms(y, 1000, 21000) / (0.5 / Math.SQRT2)).toBeLessThan(1e-3); // below -60 dB
  });

  it('mixes channels to their mean', () => {
    const a = sine(48000, 500, 0.5), b = new Float32Array(a.length);
    const y = resampleToMono({ sampleRate: 48000, channels: [a, b] }, 22050);
    expect(rms(y, 500, 10000)).toBeCloseTo(0.25 / Math.SQRT2, 3);
  });

  it('handles empty and tiny inputs', () => {
    expect(resampleToMono({ sampleRate: 44100, channels: [new Float32Array(0)] }, 22050).length).toBe(0);
    const y = resampleToMono({ sampleRate: 44100, channels: [new Float32Array([1, 0, 0])] }, 22050);
    expect(y.length).toBe(2);
    expect([...y].every(Number.isFinite)).toBe(true);
  });
});

describe('resampleToMono, 2:1 half-band path', () => {
  it('passes up to 10 kHz flat and stops 12.5 kHz and above', () => {
    const gain = (hz: number) => {
      const y = resampleToMono({ sampleRate: 44100, channels: [sine(44100, hz, 1)] }, 22050);
      return rms(y, 1000, 21000) / (0.5 / Math.SQRT2);
    };
    for (const hz of [50, 1000, 5000, 9000]) expect(Math.abs(gain(hz) - 1), `${hz} Hz`).toBeLessThan(0.01);
    expect(Math.abs(gain(10000) - 1)).toBeLessThan(0.03); // -0.2 dB
    for (const hz of [12500, 15000, 20000]) expect(gain(hz), `${hz} Hz`).toBeLessThan(1e-3);
  });
});
