import { describe, expect, it } from 'vitest';
import { onsetEnvelopes } from './onset';
import { halvingPhase, regroupCompound, shouldDoubleTempo } from './octave';

const SR = 11025;
const HOP = 128;

/** Decaying bursts: a 55 Hz sine "kick" or a noise "snare"/"hat" at the given times. */
function render(duration: number, hits: Array<{ t: number; kind: 'kick' | 'noise'; amp: number }>): Float32Array {
  const out = new Float32Array(Math.round(duration * SR));
  let seed = 3;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  for (const h of hits) {
    const start = Math.round(h.t * SR);
    for (let i = 0; i < 0.12 * SR && start + i < out.length; i++) {
      const env = h.amp * Math.exp(-i / (0.03 * SR));
      out[start + i] += env * (h.kind === 'kick' ? Math.sin((2 * Math.PI * 55 * i) / SR) : rnd());
    }
  }
  return out;
}

const frameOf = (t: number) => (t * SR) / HOP;

describe('metrical-level checks', () => {
  it('doubles the tempo when a snare backbeat sits on every midpoint of kick-only beats', () => {
    const period = 60 / 85; // tapped at 85 BPM; the music is 170 BPM kick-snare
    const beats = Array.from({ length: 24 }, (_, i) => 0.5 + i * period);
    const hits = beats.flatMap((b) => [
      { t: b, kind: 'kick' as const, amp: 0.9 },
      { t: b + period / 2, kind: 'noise' as const, amp: 0.5 },
    ]);
    const env = onsetEnvelopes(render(20, hits), SR, HOP);
    expect(shouldDoubleTempo(beats.map(frameOf), env)).toBe(true);
    // The same kicks with quiet hats on the midpoints: a real 85 BPM groove, left alone.
    const hats = beats.flatMap((b) => [
      { t: b, kind: 'kick' as const, amp: 0.9 },
      { t: b, kind: 'noise' as const, amp: 0.4 },
      { t: b + period / 2, kind: 'noise' as const, amp: 0.1 },
    ]);
    expect(shouldDoubleTempo(beats.map(frameOf), onsetEnvelopes(render(20, hats), SR, HOP))).toBe(false);
  });

  it('halves a pulse whose every other beat is a faint off-beat, keeping the strong phase', () => {
    const period = 60 / 128; // tapped at 128; the music is 64 BPM with faint eighths
    const taps = Array.from({ length: 40 }, (_, i) => 0.4 + i * period);
    const hits = taps.map((t, i) => ({ t, kind: (i % 2 === 1 ? 'kick' : 'noise') as 'kick' | 'noise', amp: i % 2 === 1 ? 0.9 : 0.03 }));
    const env = onsetEnvelopes(render(20, hits), SR, HOP);
    expect(halvingPhase(taps.map(frameOf), env)).toBe(1);
    // Equal taps: nothing to halve.
    const even = onsetEnvelopes(render(20, taps.map((t) => ({ t, kind: 'kick' as const, amp: 0.9 }))), SR, HOP);
    expect(halvingPhase(taps.map(frameOf), even)).toBe(-1);
  });

  it('regroups three quarter-note taps into two dotted quarters', () => {
    expect(regroupCompound([0, 1, 2, 3, 4, 5, 6], 0)).toEqual([0, 1.5, 3, 4.5, 6]);
    expect(regroupCompound([0, 1, 2, 3, 4, 5, 6], 2)).toEqual([0.5, 2, 3.5, 5]);
  });
});
