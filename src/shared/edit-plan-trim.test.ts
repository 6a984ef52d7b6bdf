import { describe, expect, it } from 'vitest';
import { renderPlan } from '../engine/audio/render';
import { RecutError } from './errors';
import { parseEditPlan, planDurationSeconds, planLengthSamples, planPieces } from './edit-plan';

const sr = 1000;
const beats = [0.5, 1, 1.5, 2, 2.5, 3];
const audio = { sampleRate: sr, channels: [Float32Array.from({ length: 3500 }, (_, i) => Math.sin(i / 7))] };
const plan = (fadeOut: unknown) => parseEditPlan({ version: 1, includeIntro: true, segments: [{ from: 0, to: 4 }], fadeOut });

describe('sub-beat ending (fadeOut.trimSeconds)', () => {
  it('shortens the edit by exactly the trim, in seconds, samples and rendered audio', () => {
    const p = plan({ beats: 2, trimSeconds: 0.2 });
    expect(planDurationSeconds(p, beats, 3.5)).toBeCloseTo(2.5 - 0.2, 9);
    expect(planLengthSamples(p, beats, sr, 3500)).toBe(2300);
    const out = renderPlan(audio, beats, p);
    expect(out.channels[0].length).toBe(2300);
    expect(Math.abs(out.channels[0][2299])).toBeLessThan(0.01); // the fade ends at silence
    expect(planPieces(p, beats, sr, 3500).at(-1)?.srcEnd).toBe(2300);
  });

  it('is refused without a fade, or when it is not shorter than the last unit', () => {
    expect(() => plan({ beats: 0, trimSeconds: 0.2 })).toThrow(RecutError);
    const tooLong = plan({ beats: 1, trimSeconds: 0.5 });
    expect(() => planPieces(tooLong, beats, sr, 3500)).toThrow(/shorter than the last unit/);
  });

  it('a plan without a trim is unchanged', () => {
    const p = plan({ beats: 2 });
    expect(planLengthSamples(p, beats, sr, 3500)).toBe(2500);
  });
});
