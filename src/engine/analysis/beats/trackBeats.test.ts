import { describe, expect, it } from 'vitest';
import { isRecutError } from '../../../shared/errors';
import { evaluateBeats, evaluateDownbeats } from '../eval/beatMetrics';
import { beatGrid, clickTrack } from './testing/clicks';
import { trackBeats } from './trackBeats';

function expectValid(a: ReturnType<typeof trackBeats>) {
  for (const v of [a.tempo, a.confidence, ...a.beats, ...a.downbeats, ...a.tempoCurve.flatMap((p) => [p.time, p.bpm])]) {
    expect(Number.isFinite(v)).toBe(true);
  }
  for (let i = 1; i < a.beats.length; i++) expect(a.beats[i]).toBeGreaterThan(a.beats[i - 1]);
  for (const d of a.downbeats) expect(a.beats).toContain(d);
}

describe('trackBeats on click tracks', () => {
  it.each([80, 128])('tracks a steady %i BPM accented click with downbeats', (bpm) => {
    const beats = beatGrid(0.3, bpm, 24);
    const bars = beats.filter((_, i) => i % 4 === 0);
    const a = trackBeats(clickTrack({ duration: 24, beats, accents: bars }));
    expectValid(a);
    expect(evaluateBeats(beats, a.beats).F).toBeGreaterThanOrEqual(0.95);
    expect(a.tempo).toBeCloseTo(bpm, -0.5);
    expect(a.meter.beatsPerBar).toBe(4);
    expect(evaluateDownbeats(bars, a.downbeats)).toBeGreaterThanOrEqual(0.9);
  });

  it('finds three-beat bars from accents', () => {
    const beats = beatGrid(0.5, 100, 24);
    const bars = beats.filter((_, i) => i % 3 === 1);
    const a = trackBeats(clickTrack({ duration: 24, beats, accents: bars, sampleRate: 48000 }));
    expect(evaluateBeats(beats, a.beats).F).toBeGreaterThanOrEqual(0.95);
    expect(a.meter.beatsPerBar).toBe(3);
    expect(evaluateDownbeats(bars, a.downbeats)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('trackBeats on degenerate input', () => {
  it('silence gives an empty, valid analysis', () => {
    const a = trackBeats({ sampleRate: 44100, channels: [new Float32Array(44100 * 6), new Float32Array(44100 * 6)] });
    expect(a.beats).toEqual([]);
    expect(a.tempo).toBe(0);
    expect(a.confidence).toBe(0);
  });

  it("a clear pulse has high confidence", () => {
    const beats = beatGrid(0.3, 120, 12);
    expect(trackBeats(clickTrack({ duration: 12, beats })).confidence).toBeGreaterThan(0.6);
  });

  it('a single click and very short audio give valid analyses', () => {
    expectValid(trackBeats(clickTrack({ duration: 6, beats: [2] })));
    expectValid(trackBeats(clickTrack({ duration: 0.2, beats: [0.1] })));
    expectValid(trackBeats(clickTrack({ duration: 3, beats: beatGrid(0.2, 120, 3) })));
    expectValid(trackBeats({ sampleRate: 44100, channels: [new Float32Array(0)] }));
  });

  it('malformed audio is a typed error', () => {
    const bad = [
      { sampleRate: 44100, channels: [] },
      { sampleRate: 0, channels: [new Float32Array(10)] },
      { sampleRate: 44100, channels: [new Float32Array(10), new Float32Array(5)] },
      { sampleRate: 44100, channels: [Float32Array.from([0, NaN, 0])] },
    ];
    for (const audio of bad) {
      try {
        trackBeats(audio);
        expect.unreachable();
      } catch (e) {
        expect(isRecutError(e)).toBe(true);
      }
    }
  });
});
