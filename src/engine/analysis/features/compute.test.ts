import { describe, expect, it } from 'vitest';
import type { PcmAudio } from '../../audio/pcm';
import { isRecutError } from '../../../shared/errors';
import { FEATURE_COLUMNS, FEATURE_VERSION, featureColumnIndex, featureIntroRow, featureRowForBeat } from '../../../shared/feature-columns';
import { computeBeatFeatures, resampleToMono, type BeatFeatures } from './index';

const SR = 44100;

/** Deterministic white noise in [-1, 1] (xorshift32), so tests never depend on Math.random. */
function noise(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

function tone(hz: number, secs: number, amp = 0.5, rate = SR): Float32Array {
  return Float32Array.from({ length: Math.round(secs * rate) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

/** A kick drum: a sine sweeping 120 -> 45 Hz with a fast exponential decay, plus a 3 ms noise click. */
function kicks(secs: number, period: number, rate = SR): Float32Array {
  const x = new Float32Array(Math.round(secs * rate));
  const click = noise(Math.round(0.003 * rate), 7);
  for (let t0 = 0; t0 < secs; t0 += period) {
    const s0 = Math.round(t0 * rate);
    let phase = 0;
    for (let i = 0; i < 0.25 * rate && s0 + i < x.length; i++) {
      const t = i / rate;
      phase += (2 * Math.PI * (45 + 75 * Math.exp(-t / 0.03))) / rate;
      x[s0 + i] += 0.8 * Math.exp(-t / 0.08) * Math.sin(phase) + (i < click.length ? 0.3 * click[i] : 0);
    }
  }
  return x;
}

const mono = (x: Float32Array, rate = SR): PcmAudio => ({ sampleRate: rate, channels: [x] });
const grid = (from: number, to: number, step: number) => {
  const out: number[] = [];
  for (let t = from; t < to - 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
};
const col = (f: BeatFeatures, row: number, name: string) => f.matrix[row * 121 + featureColumnIndex(name)];
/** Mean of a column over the beat units (rows 0 .. B-2), leaving out tail and intro. */
function unitMean(f: BeatFeatures, name: string): number {
  let s = 0;
  const units = f.rows - 2;
  for (let r = 0; r < units; r++) s += col(f, r, name);
  return s / units;
}
function expectAllFinite(f: BeatFeatures) {
  const bad = f.matrix.findIndex((v) => !Number.isFinite(v));
  expect(bad, bad >= 0 ? `row ${Math.floor(bad / 121)} column ${FEATURE_COLUMNS[bad % 121]}` : '').toBe(-1);
}

describe('computeBeatFeatures: shape and mapping', () => {
  it('returns 121 named columns, one row per beat unit plus the intro, and the version', () => {
    const beats = grid(0.3, 4, 0.5);
    const f = computeBeatFeatures(mono(tone(220, 4.2)), beats, [beats[0], beats[4]]);
    expect(f.featureVersion).toBe(FEATURE_VERSION);
    expect(f.columns).toEqual(FEATURE_COLUMNS);
    expect(f.columns.length).toBe(121);
    expect(f.rows).toBe(beats.length + 1);
    expect(f.matrix.length).toBe(f.rows * 121);
    expect(f.segments.length).toBe(f.rows);
    beats.forEach((b, i) => expect(f.segments[featureRowForBeat(i)].start).toBe(b));
    expect(f.segments[beats.length - 1]).toEqual({ start: beats.at(-1), end: 4.2, kind: 'tail' });
    expect(f.segments[featureIntroRow(beats.length)]).toEqual({ start: 0, end: 0.3, kind: 'intro' });
    expect(f.segments.slice(0, -2).every((s) => s.kind === 'beat')).toBe(true);
    expectAllFinite(f);
  });

  it('is deterministic, and takes a precomputed 22050 Hz mix to the same numbers', () => {
    const x = Float32Array.from(noise(3 * SR, 3), (v, i) => 0.2 * v + 0.3 * Math.sin(i * 0.03));
    const audio: PcmAudio = { sampleRate: SR, channels: [x, tone(330, 3)] };
    const beats = grid(0.1, 3, 0.37);
    const a = computeBeatFeatures(audio, beats, [0.1, 1.58]);
    const b = computeBeatFeatures(audio, beats, [0.1, 1.58]);
    const c = computeBeatFeatures(audio, beats, [0.1, 1.58], { mono22050: resampleToMono(audio, 22050) });
    expect(Buffer.from(a.matrix.buffer).equals(Buffer.from(b.matrix.buffer))).toBe(true);
    expect(Buffer.from(a.matrix.buffer).equals(Buffer.from(c.matrix.buffer))).toBe(true);
  });
});

describe('computeBeatFeatures: never NaN', () => {
  const cases: Array<[string, PcmAudio, number[], number[]]> = [
    ['silence', mono(new Float32Array(2 * SR)), grid(0, 2, 0.5), [0, 1]],
    ['one click', mono(Float32Array.from({ length: SR }, (_, i) => (i === 1000 ? 1 : 0))), [0.02, 0.5], [0.02]],
    ['very short audio', mono(tone(440, 0.004)), [0.001, 0.002], [0.001]],
    ['empty audio, no beats', mono(new Float32Array(0)), [], []],
    ['no beats', mono(tone(440, 1)), [], []],
    ['beats on both ends (empty intro and tail)', mono(tone(440, 1)), [0, 0.5, 1], [0]],
    ['beats 1 ms apart', mono(noise(SR)), [0.2, 0.201, 0.202, 0.203], [0.2]],
    ['NaN and huge samples', mono(Float32Array.from(noise(SR), (v, i) => (i % 5000 === 0 ? NaN : i % 7000 === 0 ? 1e30 : v))), [0.25, 0.5], []],
    ['a beat just past the end (tracker latency), clamped', mono(tone(440, 1)), [-0.01, 0.5, 1.02], [0.5]],
    ['other sample rates', { sampleRate: 8000, channels: [tone(300, 1, 0.5, 8000)] }, [0.5], [0.5]],
  ];
  for (const [name, audio, beats, downbeats] of cases) {
    it(name, () => {
      const f = computeBeatFeatures(audio, beats, downbeats);
      expect(f.rows).toBe(beats.length + 1);
      expectAllFinite(f);
    });
  }
});

describe('computeBeatFeatures: known signals', () => {
  it('a 440 Hz tone lights chroma A, centres near 440 Hz, and is not flat', () => {
    const f = computeBeatFeatures(mono(tone(440, 3)), grid(0.5, 3, 0.5), []);
    const chroma = Array.from({ length: 12 }, (_, i) => unitMean(f, `chroma_${i + 1}`));
    expect(chroma.indexOf(Math.max(...chroma))).toBe(9); // A
    expect(chroma[9]).toBeGreaterThan(0.99);
    expect(Math.max(...chroma.filter((_, i) => i !== 9))).toBeLessThan(0.2);
    expect(Math.abs(unitMean(f, 'spectral_centroid_hz') - 440)).toBeLessThan(25);
    expect(unitMean(f, 'spectral_flatness')).toBeLessThan(0.01);
    expect(unitMean(f, 'vocal_energy_ratio')).toBeGreaterThan(0.9);
  });

  it('white noise is flat, bright and crosses zero often', () => {
    const f = computeBeatFeatures(mono(Float32Array.from(noise(3 * SR, 5), (v) => 0.3 * v)), grid(0.5, 3, 0.5), []);
    expect(unitMean(f, 'spectral_flatness')).toBeGreaterThan(0.4);
    expect(unitMean(f, 'spectral_centroid_hz')).toBeGreaterThan(4000);
    expect(unitMean(f, 'zcr')).toBeGreaterThan(0.3);
    const t = computeBeatFeatures(mono(tone(440, 3)), grid(0.5, 3, 0.5), []);
    expect(unitMean(t, 'zcr')).toBeLessThan(0.05);
  });

  it('a kick-only track is percussive and bass; a sustained chord is neither', () => {
    const k = computeBeatFeatures(mono(kicks(4, 0.5)), grid(0, 4, 0.5), []);
    const e = tone(659.25, 4, 0.2), g = tone(783.99, 4, 0.2); // C major triad
    const pad = computeBeatFeatures(mono(Float32Array.from(tone(523.25, 4, 0.2), (v, i) => v + e[i] + g[i])), grid(0, 4, 0.5), []);
    expect(unitMean(k, 'bass_energy_ratio')).toBeGreaterThan(0.6);
    expect(unitMean(k, 'perc_energy_ratio')).toBeGreaterThan(0.3);
    expect(unitMean(k, 'perc_energy_ratio')).toBeGreaterThan(5 * unitMean(pad, 'perc_energy_ratio'));
    expect(unitMean(k, 'bass_rms_db')).toBeGreaterThan(unitMean(pad, 'bass_rms_db') + 40);
    expect(unitMean(k, 'onset_strength')).toBeGreaterThan(3 * unitMean(pad, 'onset_strength'));
    expect(unitMean(pad, 'vocal_energy_ratio')).toBeGreaterThan(0.9);
    expect(unitMean(k, 'bass_centroid_hz')).toBeLessThan(150);
  });

  it('a louder segment has a higher RMS, by the right number of dB', () => {
    const x = Float32Array.from(tone(300, 4), (v, i) => (i >= 2 * SR ? 2 * v : v));
    const f = computeBeatFeatures(mono(x), grid(0, 4, 0.5), []);
    expect(col(f, 2, 'rms_db')).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 1);
    expect(col(f, 5, 'rms_db') - col(f, 2, 'rms_db')).toBeCloseTo(6.02, 1);
    expect(col(f, 4, 'delta_rms_db')).toBeCloseTo(6.02, 1); // unit 4 starts at 2.0 s, where the gain doubles
    expect(col(f, 5, 'delta_rms_db')).toBeCloseTo(0, 1);
    expect(col(f, 5, 'vocal_rms_db')).toBeGreaterThan(col(f, 2, 'vocal_rms_db') + 5);
    // The source RMS is calibrated in dBFS too (from the mel power by Parseval).
    expect(Math.abs(col(f, 2, 'vocal_rms_db') - col(f, 2, 'rms_db'))).toBeLessThan(1);
  });

  it('bar phase follows the downbeats, including a change of meter', () => {
    // 0.5 s beats from 1 s; bars of 4 beats, then of 3 from 5 s.
    const beats = grid(1, 9, 0.5);
    const downbeats = [1, 3, 5, 6.5, 8];
    const f = computeBeatFeatures(mono(noise(9 * SR)), beats, downbeats);
    const phases = beats.map((_, i) => col(f, i, 'bar_phase'));
    const expected = [0, 0.25, 0.5, 0.75, 0, 0.25, 0.5, 0.75, 0, 1 / 3, 2 / 3, 0, 1 / 3, 2 / 3, 0, 1 / 3];
    phases.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 5));
    beats.forEach((_, i) => {
      expect(col(f, i, 'bar_phase_sin')).toBeCloseTo(Math.sin(2 * Math.PI * expected[i]), 5);
      expect(col(f, i, 'bar_phase_cos')).toBeCloseTo(Math.cos(2 * Math.PI * expected[i]), 5);
    });
    // The intro (0 .. 1 s) is half a bar before the first downbeat.
    expect(col(f, featureIntroRow(beats.length), 'bar_phase')).toBeCloseTo(0.5, 5);
  });

  it('tempo deviation and inter-beat ratio follow the beat intervals', () => {
    const beats = [...grid(0, 6, 0.5), ...grid(6, 7, 0.25), 7]; // 12 intervals of 0.5 s, then 4 of 0.25 s
    const f = computeBeatFeatures(mono(noise(8 * SR)), beats, []);
    expect(col(f, 2, 'tempo_deviation')).toBeCloseTo(0, 5); // median interval is 0.5 s
    expect(col(f, 12, 'tempo_deviation')).toBeCloseTo(1, 5); // unit 12 = [6, 6.25): twice as fast
    expect(col(f, 12, 'ibi_ratio')).toBeCloseTo(-1, 5);
    expect(col(f, 13, 'ibi_ratio')).toBeCloseTo(0, 5);
    expect(col(f, 0, 'ibi_ratio')).toBe(0); // no previous interval
    expect(col(f, beats.length - 1, 'tempo_deviation')).toBe(0); // tail
  });

  it('gives the same features from 44.1 kHz, 48 kHz and 22.05 kHz sources', () => {
    const make = (rate: number) => {
      const high = tone(1250, 3, 0.2, rate);
      const x = Float32Array.from(tone(440, 3, 0.3, rate), (v, i) => v + high[i]);
      return computeBeatFeatures(mono(x, rate), grid(0.5, 3, 0.5), []);
    };
    const [a, b, c] = [make(44100), make(48000), make(22050)];
    for (const name of ['rms_db', 'spectral_centroid_hz', 'mfcc_2', 'chroma_10', 'vocal_rms_db']) {
      const ref = unitMean(a, name), tol = 0.5 + 0.005 * Math.abs(ref);
      expect(Math.abs(unitMean(b, name) - ref), name).toBeLessThan(tol);
      expect(Math.abs(unitMean(c, name) - ref), name).toBeLessThan(tol);
    }
  });
});

describe('computeBeatFeatures: bad input', () => {
  const audio = mono(tone(440, 1));
  const bad: Array<[string, () => unknown]> = [
    ['unsorted beats', () => computeBeatFeatures(audio, [0.5, 0.2], [])],
    ['duplicate beats', () => computeBeatFeatures(audio, [0.5, 0.5], [])],
    ['NaN beat', () => computeBeatFeatures(audio, [NaN], [])],
    ['beat well after the end', () => computeBeatFeatures(audio, [0.5, 1.2], [])],
    ['negative downbeat', () => computeBeatFeatures(audio, [0.5], [-1])],
    ['no channels', () => computeBeatFeatures({ sampleRate: SR, channels: [] }, [], [])],
    ['zero sample rate', () => computeBeatFeatures({ sampleRate: 0, channels: [new Float32Array(10)] }, [], [])],
    ['ragged channels', () => computeBeatFeatures({ sampleRate: SR, channels: [new Float32Array(10), new Float32Array(9)] }, [], [])],
    ['wrong-length mix', () => computeBeatFeatures(audio, [], [], { mono22050: new Float32Array(10) })],
  ];
  for (const [name, fn] of bad) {
    it(`rejects ${name} with invalid_argument`, () => {
      try {
        fn();
        expect.unreachable('should throw');
      } catch (e) {
        expect(isRecutError(e) && e.kind).toBe('invalid_argument');
      }
    });
  }
});
