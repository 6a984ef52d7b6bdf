import { describe, expect, it } from 'vitest';
import { RecutError } from '../../../shared/errors';
import { magnitudeSpectrogram } from '../../dsp/stft';
import { toMono } from '../pcm';
import { type SynthSpec, beatTestSet, demoSongSpec, planScore, synthesize } from './index';

const base: SynthSpec = {
  name: 'unit',
  seed: 42,
  sampleRate: 22050,
  channels: 2,
  durationSeconds: 8,
  tempo: 120,
  meter: { beatsPerBar: 4, subdivision: 2 },
  instruments: ['kick', 'snare', 'hats', 'bass', 'pad', 'lead'],
};

/**
 * Onset strength per 5 ms frame: half-wave rectified rise of log energy of the first-differenced
 * signal (a crude high-pass that favours attacks). Independent of the synthesiser's own event list.
 */
function onsetEnvelope(x: Float32Array, sr: number): { env: Float64Array; hop: number } {
  const hop = Math.round(sr * 0.005);
  const frames = Math.floor(x.length / hop);
  const logE = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let e = 1e-10;
    for (let i = f * hop + 1; i < (f + 1) * hop; i++) e += (x[i] - x[i - 1]) ** 2;
    logE[f] = Math.log(e);
  }
  const env = new Float64Array(frames);
  for (let f = 2; f < frames; f++) env[f] = Math.max(0, logE[f] - Math.max(logE[f - 1], logE[f - 2]));
  return { env, hop: hop / sr };
}

/** Strongest onset within +-tol seconds of each time. */
function onsetAt(o: { env: Float64Array; hop: number }, times: number[], tol = 0.02): number[] {
  return times.map((t) => {
    let m = 0;
    const lo = Math.max(0, Math.floor((t - tol) / o.hop));
    const hi = Math.min(o.env.length - 1, Math.ceil((t + tol) / o.hop));
    for (let f = lo; f <= hi; f++) m = Math.max(m, o.env[f]);
    return m;
  });
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const diffs = (a: number[]) => a.slice(1).map((v, i) => v - a[i]);

describe('synthesize', () => {
  it('is deterministic: same spec, same samples; another seed, other samples', () => {
    const a = synthesize(base);
    const b = synthesize(base);
    expect(Buffer.from(a.audio.channels[0].buffer).equals(Buffer.from(b.audio.channels[0].buffer))).toBe(true);
    expect(Buffer.from(a.audio.channels[1].buffer).equals(Buffer.from(b.audio.channels[1].buffer))).toBe(true);
    const c = synthesize({ ...base, seed: 43 });
    expect(Buffer.from(a.audio.channels[0].buffer).equals(Buffer.from(c.audio.channels[0].buffer))).toBe(false);
  });

  it('has the exact duration, is stereo with panning, peaks at -1 dBFS, no NaN', () => {
    for (const [sr, dur] of [
      [22050, 7.3333],
      [48000, 3.01],
    ]) {
      const t = synthesize({ ...base, sampleRate: sr, durationSeconds: dur });
      expect(t.audio.sampleRate).toBe(sr);
      expect(t.audio.channels.length).toBe(2);
      expect(t.audio.channels[0].length).toBe(Math.round(sr * dur));
      let peak = 0;
      let diff = 0;
      let bad = 0;
      const [l, r] = t.audio.channels;
      for (let i = 0; i < l.length; i++) {
        if (!Number.isFinite(l[i]) || !Number.isFinite(r[i])) bad++;
        peak = Math.max(peak, Math.abs(l[i]), Math.abs(r[i]));
        diff += Math.abs(l[i] - r[i]);
      }
      expect(bad).toBe(0);
      expect(peak).toBeCloseTo(10 ** (-1 / 20), 4);
      expect(diff / l.length).toBeGreaterThan(1e-3); // the channels really differ
      expect(Math.abs(l[l.length - 1])).toBeLessThan(1e-3); // faded, no end click
    }
    const mono = synthesize({ ...base, channels: 1 });
    expect(mono.audio.channels.length).toBe(1);
  });

  it('beats follow the tempo exactly; downbeats every bar', () => {
    const t = synthesize(base);
    expect(t.beats.length).toBe(16); // 8 s at 120 bpm; the last 0.1 s fade holds no beat
    for (const d of diffs(t.beats)) expect(d).toBeCloseTo(0.5, 12);
    expect(t.downbeats).toEqual(t.beats.filter((_, i) => i % 4 === 0));
  });

  it('3/4 and 6/8 bars have the right length (6/8 beat = dotted quarter)', () => {
    const waltz = planScore({ ...base, tempo: 90, meter: { beatsPerBar: 3, subdivision: 2 } });
    for (const d of diffs(waltz.downbeats)) expect(d).toBeCloseTo(2, 12);
    const jig = planScore({ ...base, tempo: 70, meter: { beatsPerBar: 2, subdivision: 3 } });
    for (const d of diffs(jig.downbeats)) expect(d).toBeCloseTo(120 / 70, 12);
    for (const d of diffs(jig.beats)) expect(d).toBeCloseTo(60 / 70, 12);
    // Hats play the three eighths of each dotted-quarter beat.
    const hatTimes = jig.events.filter((e) => e.voice === 'hats' || e.voice === 'openhat').map((e) => e.time);
    const eighth = 60 / 70 / 3;
    expect(hatTimes.some((t) => Math.abs(t - (jig.beats[1] + eighth)) < 1e-9)).toBe(true);
    expect(hatTimes.some((t) => Math.abs(t - (jig.beats[1] + 2 * eighth)) < 1e-9)).toBe(true);
  });

  it('swing delays off-beat eighths but not the beats', () => {
    const straight = planScore({ ...base, swing: 0 });
    const swung = planScore({ ...base, swing: 0.33 });
    expect(swung.beats).toEqual(straight.beats);
    const offsets = (s: typeof swung) =>
      new Set(
        s.events
          .filter((e) => e.voice === 'hats')
          .map((e) => {
            const i = s.beats.findLastIndex((b) => b <= e.time + 1e-9);
            return Math.round(((e.time - s.beats[i]) / 0.5) * 1000) / 1000;
          }),
      );
    expect([...offsets(straight)].sort()).toEqual([0, 0.5]);
    expect([...offsets(swung)].sort()).toEqual([0, 0.665]); // 0.5 + 0.33 * 0.5 beat
  });

  it('tempo steps and ramps: inter-beat intervals follow the map', () => {
    const step = planScore({ ...base, durationSeconds: 20, tempo: [{ atBeat: 0, bpm: 100 }, { atBeat: 16, bpm: 150 }] });
    const ibi = diffs(step.beats);
    ibi.slice(0, 16).forEach((d) => expect(d).toBeCloseTo(0.6, 12));
    ibi.slice(16).forEach((d) => expect(d).toBeCloseTo(0.4, 12));
    const ramp = planScore({ ...base, durationSeconds: 20, tempo: [{ atBeat: 0, bpm: 90 }, { atBeat: 32, bpm: 150, ramp: true }] });
    const r = diffs(ramp.beats);
    for (let i = 1; i < 32; i++) expect(r[i]).toBeLessThan(r[i - 1]);
    expect(r[0]).toBeLessThan(60 / 90);
    expect(r[0]).toBeGreaterThan(60 / 95);
    expect(r[33]).toBeCloseTo(0.4, 12);
  });

  it('pickups come before the first downbeat; humanize jitters notes but not the ground truth', () => {
    const p = planScore({ ...base, pickupBeats: 3, leadInSeconds: 0.5 });
    expect(p.beats[0]).toBe(0.5);
    expect(p.downbeats[0]).toBe(p.beats[3]);
    expect(p.events.some((e) => e.time < p.downbeats[0])).toBe(true);
    const h = planScore({ ...base, humanize: 15 });
    const plain = planScore(base);
    expect(h.beats).toEqual(plain.beats);
    expect(h.events.length).toBe(plain.events.length);
    const kicksH = h.events.filter((e) => e.voice === 'kick').map((e) => e.time);
    const kicksP = plain.events.filter((e) => e.voice === 'kick').map((e) => e.time);
    const err = kicksH.map((t, i) => (t - kicksP[i]) * 1000);
    const rms = Math.sqrt(mean(err.map((e) => e * e)));
    expect(rms).toBeGreaterThan(5);
    expect(rms).toBeLessThan(30);
  });

  it('the audio has onsets at the ground-truth beats (drums) and not between them', () => {
    const spec = beatTestSet().find((s) => s.name === '4-4 120bpm straight pop')!;
    const t = synthesize(spec);
    const o = onsetEnvelope(toMono(t.audio), spec.sampleRate);
    const atBeats = onsetAt(o, t.beats);
    const ibi = 60 / 120;
    const between = onsetAt(o, t.beats.slice(0, -1).map((b) => b + 0.3 * ibi));
    expect(mean(atBeats)).toBeGreaterThan(3 * mean(between));
    const strong = atBeats.filter((v) => v > 1).length;
    expect(strong / atBeats.length).toBeGreaterThan(0.95);
    // The ground truth really is the grid: a 40 ms shift loses most of the beat onsets.
    const shifted = onsetAt(o, t.beats.map((b) => b + 0.04), 0.01);
    expect(mean(shifted)).toBeLessThan(0.5 * mean(onsetAt(o, t.beats, 0.01)));
  });

  it('drumless music still has note attacks on the beats', () => {
    const spec = beatTestSet().find((s) => s.name === '4-4 84bpm drumless pad piano')!;
    const t = synthesize({ ...spec, durationSeconds: 20 });
    const o = onsetEnvelope(toMono(t.audio), spec.sampleRate);
    const atBeats = onsetAt(o, t.beats);
    const between = onsetAt(o, t.beats.slice(0, -1).map((b) => b + 0.3 * (60 / 84)));
    expect(mean(atBeats)).toBeGreaterThan(2 * mean(between));
  });

  it('harmony is audible: each bar\'s strongest pitch classes are its chord tones', () => {
    const spec = beatTestSet().find((s) => s.name === '4-4 84bpm drumless pad piano')!;
    const t = synthesize({ ...spec, sampleRate: 22050, durationSeconds: 25 });
    const spec2 = magnitudeSpectrogram(toMono(t.audio), 22050, { frameSize: 8192, hopSize: 1024 });
    const pcOfBin = Array.from({ length: spec2.bins }, (_, k) => {
      const f = (k * 22050) / 8192;
      return f < 60 || f > 1200 ? -1 : (((Math.round(69 + 12 * Math.log2(f / 440)) % 12) + 12) % 12);
    });
    let matched = 0;
    const spans = t.chords.slice(0, -1);
    expect(new Set(spans.map((c) => c.root)).size).toBeGreaterThanOrEqual(3); // the harmony moves
    for (let i = 0; i < spans.length; i++) {
      const chroma = new Float64Array(12);
      const from = Math.ceil(((spans[i].start + 0.25) * 22050) / 1024);
      const to = Math.floor(((t.chords[i + 1].start - 0.2) * 22050) / 1024);
      for (let f = from; f <= to; f++)
        for (let k = 0; k < spec2.bins; k++) if (pcOfBin[k] >= 0) chroma[pcOfBin[k]] += spec2.data[f * spec2.bins + k] ** 2;
      const top3 = [...chroma.keys()].sort((a, b) => chroma[b] - chroma[a]).slice(0, 3);
      if (top3.every((pc) => spans[i].pitchClasses.includes(pc))) matched++;
    }
    expect(matched / spans.length).toBeGreaterThanOrEqual(0.8);
  });

  it('rejects invalid specs with typed errors', () => {
    const bad: Array<Partial<SynthSpec>> = [
      { sampleRate: 100 },
      { channels: 3 as 1 },
      { durationSeconds: -1 },
      { durationSeconds: Number.NaN },
      { tempo: 0 },
      { tempo: [] },
      { tempo: [{ atBeat: 4, bpm: 100 }] },
      { tempo: [{ atBeat: 0, bpm: 100 }, { atBeat: 0, bpm: 120 }] },
      { meter: { beatsPerBar: 0, subdivision: 2 } },
      { meter: { beatsPerBar: 4, subdivision: 4 as 2 } },
      { swing: 0.8 },
      { instruments: [] },
      { instruments: ['banjo' as 'kick'] },
      { sections: [{ bars: 0, label: 'x', energy: 0.5 }] },
      { humanize: -3 },
      { pickupBeats: 1.5 },
      { tempo: [null as unknown as { atBeat: number; bpm: number }] },
      { sections: [null as unknown as { bars: number; label: string; energy: number }] },
    ];
    for (const b of bad) {
      let err: unknown;
      try {
        synthesize({ ...base, ...b });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(b)).toBeInstanceOf(RecutError);
      expect((err as RecutError).kind).toBe('invalid_argument');
    }
  });
});

describe('demo song', () => {
  it('is a > 2 minute 112 BPM 4/4 song with sections and a real ending', () => {
    const spec = demoSongSpec();
    expect(spec.sampleRate).toBe(44100);
    expect(spec.channels).toBe(2);
    const t = synthesize(spec);
    expect(t.audio.channels[0].length / 44100).toBeGreaterThan(120);
    for (const d of diffs(t.beats)) expect(d).toBeCloseTo(60 / 112, 12);
    expect(t.downbeats).toEqual(t.beats.filter((_, i) => i % 4 === 0));
    expect(t.sections.map((s) => s.label)).toEqual(['intro', 'verse', 'chorus', 'verse', 'chorus', 'bridge', 'chorus', 'outro']);
    // The final hit is a downbeat, then the song decays to near silence.
    const hit = t.beats[t.beats.length - 1];
    expect(t.downbeats[t.downbeats.length - 1]).toBe(hit);
    const x = toMono(t.audio);
    const rms = (a: number, b: number) => {
      let e = 0;
      for (let i = Math.round(a * 44100); i < Math.round(b * 44100); i++) e += x[i] * x[i];
      return Math.sqrt(e / ((b - a) * 44100));
    };
    expect(20 * Math.log10(rms(141, 141.8) / rms(hit, hit + 1))).toBeLessThan(-25);
    // Sections differ in energy: the chorus is louder than the intro.
    const [intro, , chorus] = t.sections;
    expect(rms(chorus.start, chorus.start + 10)).toBeGreaterThan(1.2 * rms(intro.start, intro.start + 10));
  });
});

describe('beat test set', () => {
  const set = beatTestSet();

  it('has >= 24 uniquely named, varied 30-60 s pieces at 44.1 kHz', () => {
    expect(set.length).toBeGreaterThanOrEqual(24);
    expect(new Set(set.map((s) => s.name)).size).toBe(set.length);
    const bpms = set.flatMap((s) => (typeof s.tempo === 'number' ? [s.tempo] : s.tempo.map((p) => p.bpm)));
    expect(Math.min(...bpms)).toBe(60);
    expect(Math.max(...bpms)).toBe(180);
    const drums = new Set(['kick', 'snare', 'hats']);
    const meters = new Set(set.map((s) => `${s.meter.beatsPerBar}/${s.meter.subdivision}`));
    for (const m of ['4/2', '3/2', '2/3', '4/3', '5/2']) expect(meters.has(m)).toBe(true);
    expect(set.some((s) => (s.swing ?? 0) >= 0.3)).toBe(true);
    expect(set.some((s) => (s.syncopation ?? 0) >= 0.8)).toBe(true);
    expect(set.some((s) => s.instruments.every((i) => !drums.has(i)))).toBe(true);
    expect(set.some((s) => (s.humanize ?? 0) > 0)).toBe(true);
    expect(set.some((s) => (s.pickupBeats ?? 0) > 0)).toBe(true);
    expect(set.some((s) => Array.isArray(s.tempo) && s.tempo.some((p) => p.ramp))).toBe(true);
    expect(set.some((s) => Array.isArray(s.tempo) && s.tempo.length > 1 && !s.tempo.some((p) => p.ramp))).toBe(true);
    for (const s of set) {
      expect(s.sampleRate).toBe(44100);
      expect(s.durationSeconds).toBeGreaterThanOrEqual(30);
      expect(s.durationSeconds).toBeLessThanOrEqual(60);
    }
  });

  it('every piece has consistent ground truth: increasing beats, downbeats every bar after the pickup', () => {
    for (const spec of set) {
      const s = planScore(spec);
      const pickup = spec.pickupBeats ?? 0;
      expect(s.beats.length, spec.name).toBeGreaterThan(20);
      for (const d of diffs(s.beats)) expect(d, spec.name).toBeGreaterThan(60 / 181);
      expect(s.beats[s.beats.length - 1]).toBeLessThan(spec.durationSeconds);
      const expected = s.beats.filter((_, i) => i >= pickup && (i - pickup) % spec.meter.beatsPerBar === 0);
      expect(s.downbeats, spec.name).toEqual(expected);
      expect(s.events.every((e) => e.time >= 0 && e.time < spec.durationSeconds && Number.isFinite(e.gate))).toBe(true);
    }
  });
});
