import type { PcmAudio } from '../../../audio/pcm';

/**
 * Simple test signals with known beats (used until, and alongside, the multi-instrument synthesiser):
 * a decaying noise-burst "kick" or "hat" at given times, optionally with an accent on bar starts.
 */
export interface ClickTrackSpec {
  sampleRate?: number;
  duration: number;
  beats: number[];
  /** Beats that get a louder, lower click (bar starts). */
  accents?: number[];
  /** Extra softer off-beat clicks. */
  extra?: number[];
  seed?: number;
}

export function clickTrack(spec: ClickTrackSpec): PcmAudio {
  const sr = spec.sampleRate ?? 44100;
  const out = new Float32Array(Math.round(spec.duration * sr));
  let seed = spec.seed ?? 1;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  const accents = new Set(spec.accents ?? []);
  const add = (t: number, amp: number, freq: number) => {
    const start = Math.round(t * sr);
    const len = Math.round(0.08 * sr);
    for (let i = 0; i < len && start + i < out.length; i++) {
      if (start + i < 0) continue;
      const env = Math.exp(-i / (0.015 * sr));
      out[start + i] += amp * env * (0.5 * Math.sin((2 * Math.PI * freq * i) / sr) + 0.3 * rnd());
    }
  };
  for (const b of spec.beats) add(b, accents.has(b) ? 0.8 : 0.5, accents.has(b) ? 60 : 200);
  for (const b of spec.extra ?? []) add(b, 0.2, 3000);
  return { sampleRate: sr, channels: [out] };
}

export function beatGrid(start: number, bpm: number, duration: number): number[] {
  const out: number[] = [];
  for (let t = start; t < duration - 0.05; t += 60 / bpm) out.push(t);
  return out;
}
