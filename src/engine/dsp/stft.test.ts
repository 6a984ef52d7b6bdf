import { describe, expect, it } from 'vitest';
import { binFrequency, magnitudeSpectrogram } from './stft';
import { decimate, decimateMix, lowpassFir } from './resample';

describe('magnitudeSpectrogram', () => {
  it('has centred frames and finds a tone in the right bin', () => {
    const sr = 8000;
    const x = new Float32Array(sr).map((_, t) => Math.sin((2 * Math.PI * 1000 * t) / sr));
    const spec = magnitudeSpectrogram(x, sr, { frameSize: 256, hopSize: 64 });
    expect(spec.frames).toBe(Math.floor(sr / 64) + 1);
    expect(spec.bins).toBe(129);
    const mid = Math.floor(spec.frames / 2) * spec.bins;
    let best = 0;
    for (let k = 0; k < spec.bins; k++) if (spec.data[mid + k] > spec.data[mid + best]) best = k;
    expect(binFrequency(spec, best)).toBe(1000);
  });

  it('places an impulse at its frame time', () => {
    const sr = 1000;
    const x = new Float32Array(1000);
    x[500] = 1;
    const spec = magnitudeSpectrogram(x, sr, { frameSize: 64, hopSize: 10 });
    const energy = (t: number) => spec.data.subarray(t * spec.bins, (t + 1) * spec.bins).reduce((a, b) => a + b, 0);
    let best = 0;
    for (let t = 0; t < spec.frames; t++) if (energy(t) > energy(best)) best = t;
    expect(best).toBe(50);
  });
});

describe('decimate', () => {
  it('keeps a low tone and removes one above the new Nyquist', () => {
    const sr = 44100;
    const low = new Float32Array(sr).map((_, t) => Math.sin((2 * Math.PI * 440 * t) / sr));
    const high = new Float32Array(sr).map((_, t) => Math.sin((2 * Math.PI * 9000 * t) / sr));
    const rms = (a: Float32Array) => Math.sqrt(a.slice(100, -100).reduce((s, v) => s + v * v, 0) / (a.length - 200));
    const dl = decimate(low, sr, 11025);
    const dh = decimate(high, sr, 11025);
    expect(dl.sampleRate).toBe(11025);
    expect(dl.factor).toBe(4);
    expect(dl.signal.length).toBe(11025);
    expect(rms(dl.signal)).toBeCloseTo(Math.SQRT1_2, 2);
    expect(rms(dh.signal)).toBeLessThan(0.05);
  });

  it('is the identity when the rate is already low', () => {
    const x = new Float32Array([1, 2, 3]);
    expect(decimate(x, 8000, 11025).signal).toBe(x);
  });

  it('mixes channels in the same pass: stereo equals decimating the mono mix', () => {
    const sr = 48000;
    const l = new Float32Array(4800).map((_, t) => Math.sin(t / 7));
    const r = new Float32Array(4800).map((_, t) => Math.cos(t / 5));
    const mono = l.map((v, i) => (v + r[i]) / 2);
    const a = decimateMix([l, r], sr, 11025).signal;
    const b = decimate(mono, sr, 11025).signal;
    expect(a.length).toBe(1200);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
    const three = decimateMix([l, r, l], sr, 11025).signal;
    expect(three[600]).toBeCloseTo(decimate(l.map((v, i) => (2 * v + r[i]) / 3), sr, 11025).signal[600], 5);
    expect(decimateMix([l, r], 8000, 11025).signal[10]).toBeCloseTo(mono[10], 6);
  });

  it('lowpass FIR has unit DC gain', () => {
    expect(lowpassFir(33, 0.1).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
