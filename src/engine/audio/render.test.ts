import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { identityPlan, planJoins, planLengthSamples, validatePlan, type EditPlan } from '../../shared/edit-plan';
import { isRecutError } from '../../shared/errors';
import { renderPlan } from './render';
import type { PcmAudio } from './pcm';

const SR = 22050;

/** Stereo test signal: two detuned sines plus deterministic noise (so joins land off zero). */
function signal(seconds: number, sr = SR): PcmAudio {
  const n = Math.round(seconds * sr);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const noise = (s / 2 ** 32 - 0.5) * 0.02;
    l[i] = 0.6 * Math.sin((2 * Math.PI * 220 * i) / sr) + noise;
    r[i] = 0.5 * Math.sin((2 * Math.PI * 331 * i) / sr + 1) - noise;
  }
  return { sampleRate: sr, channels: [l, r] };
}

const beatsAt = (intro: number, period: number, count: number) => Array.from({ length: count }, (_, i) => intro + i * period);
const plan = (p: Partial<EditPlan> & { segments: EditPlan['segments'] }, n: number) => validatePlan({ version: 1, ...p }, n);
const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && bytes(a).equals(bytes(b));
const maxStep = (x: Float32Array, from = 1, to = x.length) => {
  let m = 0;
  for (let i = Math.max(1, from); i < to; i++) m = Math.max(m, Math.abs(x[i] - x[i - 1]));
  return m;
};

describe('renderPlan', () => {
  const audio = signal(8);
  const beats = beatsAt(0.3137, 0.4711, 15); // 15 beats, tail after the last

  it('renders the identity plan bit-identically, keeping rate and channels', () => {
    const out = renderPlan(audio, beats, identityPlan(beats.length));
    expect(out.sampleRate).toBe(SR);
    expect(out.channels.length).toBe(2);
    out.channels.forEach((ch, c) => expect(Buffer.from(ch.buffer).equals(Buffer.from(audio.channels[c].buffer))).toBe(true));
  });

  it('leaves contiguous joins untouched (split segments render like one)', () => {
    const out = renderPlan(audio, beats, plan({ segments: [{ from: 0, to: 4, repeat: 1 }, { from: 4, to: 15, repeat: 1 }] }, 15));
    expect(Buffer.from(out.channels[0].buffer).equals(Buffer.from(audio.channels[0].buffer))).toBe(true);
  });

  it('output length is exactly the sum of the segments for any plan', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })), { maxLength: 6 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
        (segs, includeIntro, fade) => {
          const segments = segs.map(([from, len, repeat]) => ({ from, to: Math.min(15, from + len), repeat }));
          const p = plan({ includeIntro, segments, fadeOut: fade ? { beats: fade } : null }, 15);
          const out = renderPlan(audio, beats, p);
          expect(out.channels[0].length).toBe(planLengthSamples(p, beats, SR, audio.channels[0].length));
          expect(out.channels[1].length).toBe(out.channels[0].length);
          for (const ch of out.channels) expect(ch.every((v) => Number.isFinite(v))).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('crossfades a cut: no click where a hard splice clicks; audio away from the join is untouched', () => {
    const p = plan({ includeIntro: true, segments: [{ from: 0, to: 3, repeat: 1 }, { from: 7, to: 15, repeat: 1 }] }, 15);
    const out = renderPlan(audio, beats, p);
    const hard = renderPlan(audio, beats, { ...p, crossfadeMs: 0 });
    const join = planJoins(p, beats, SR, audio.channels[0].length).find((j) => !j.contiguous)!;
    const natural = maxStep(audio.channels[0]);
    const w = Math.round(0.02 * SR);
    expect(maxStep(hard.channels[0], join.outSample - 2, join.outSample + 2)).toBeGreaterThan(3 * natural);
    expect(maxStep(out.channels[0], join.outSample - w, join.outSample + w)).toBeLessThan(1.5 * natural);
    // Outside the crossfade (+-10 ms, nudge <= 2 ms) the render equals the hard splice exactly.
    const guard = Math.round(0.013 * SR);
    for (const c of [0, 1]) {
      expect(same(out.channels[c].subarray(0, join.outSample - guard), hard.channels[c].subarray(0, join.outSample - guard))).toBe(true);
      expect(same(out.channels[c].subarray(join.outSample + guard), hard.channels[c].subarray(join.outSample + guard))).toBe(true);
    }
  });

  it('crossfades between loop repeats and repeats the segment audio exactly elsewhere', () => {
    const p = plan({ includeIntro: false, segments: [{ from: 2, to: 6, repeat: 3 }] }, 15);
    const out = renderPlan(audio, beats, p);
    const segLen = Math.round(beats[6] * SR) - Math.round(beats[2] * SR);
    expect(out.channels[0].length).toBe(3 * segLen);
    const joins = planJoins(p, beats, SR, audio.channels[0].length);
    expect(joins.map((j) => j.kind)).toEqual(['loop', 'loop']);
    const natural = maxStep(audio.channels[0]);
    for (const j of joins) expect(maxStep(out.channels[0], j.outSample - 300, j.outSample + 300)).toBeLessThan(1.5 * natural);
    // The middle of each repeat is the source audio, sample for sample.
    const src = audio.channels[1].subarray(Math.round(beats[2] * SR) + 1000, Math.round(beats[2] * SR) + 2000);
    for (let r = 0; r < 3; r++) expect(same(out.channels[1].subarray(r * segLen + 1000, r * segLen + 2000), src)).toBe(true);
  });

  it('fades out over the last beats to silence, leaving earlier audio alone', () => {
    const p = plan({ segments: [{ from: 0, to: 15, repeat: 1 }], fadeOut: { beats: 4 } }, 15);
    const out = renderPlan(audio, beats, p);
    const start = Math.round(beats[11] * SR);
    expect(same(out.channels[0].subarray(0, start), audio.channels[0].subarray(0, start))).toBe(true);
    const n = out.channels[0].length;
    expect(Math.abs(out.channels[0][n - 1])).toBeLessThan(1e-9);
    const rms = (a: number, b: number) => Math.sqrt(out.channels[0].subarray(a, b).reduce((s, v) => s + v * v, 0) / (b - a));
    const q = Math.floor((n - start) / 4);
    const levels = [0, 1, 2, 3].map((k) => rms(start + k * q, start + (k + 1) * q));
    for (let k = 1; k < 4; k++) expect(levels[k]).toBeLessThan(levels[k - 1]);
  });

  it('rejects a plan that does not fit the beats with invalid_plan', () => {
    try {
      renderPlan(audio, beats, plan({ segments: [{ from: 0, to: 16, repeat: 1 }] }, 16));
      throw new Error('expected an error');
    } catch (e) {
      expect(isRecutError(e) && e.kind).toBe('invalid_plan');
    }
  });
});
