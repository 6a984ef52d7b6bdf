import { describe, expect, it } from 'vitest';
import { beatTestSet, synthesize } from '../../audio/synth/index';
import { evaluateBeats, evaluateDownbeats } from '../eval/beatMetrics';
import { trackBeats } from './trackBeats';

/**
 * Regression floor on a short subset of the synthesiser's beat test set (the full set is in
 * bench/beats.ts): swing, 3/4 without drums, a tempo ramp and 12/8, each cut to 20 s.
 */
const SUBSET = ['4-4 132bpm triplet shuffle swing', '3-4 150bpm drumless waltz', 'tempo ramp ritardando 150 to 100', '12-8 80bpm blues'];

describe('trackBeats on synthesised music', () => {
  const specs = beatTestSet().filter((s) => SUBSET.includes(s.name));

  it('has the subset it expects', () => {
    expect(specs.map((s) => s.name).sort()).toEqual(SUBSET.slice().sort());
  });

  it('reaches the F / downbeat floor on the subset', () => {
    const scores = specs.map((spec) => {
      const track = synthesize({ ...spec, durationSeconds: 20 });
      const a = trackBeats(track.audio);
      return { name: spec.name, ...evaluateBeats(track.beats, a.beats), downbeatF: evaluateDownbeats(track.downbeats, a.downbeats), meter: a.meter };
    });
    const mean = (k: 'F' | 'downbeatF') => scores.reduce((s, x) => s + x[k], 0) / scores.length;
    for (const s of scores) expect(s.F, s.name).toBeGreaterThanOrEqual(0.85);
    expect(mean('F')).toBeGreaterThanOrEqual(0.9);
    expect(mean('downbeatF')).toBeGreaterThanOrEqual(0.75);
    expect(scores.find((s) => s.name.startsWith('3-4'))!.meter.beatsPerBar).toBe(3);
    expect(scores.find((s) => s.name.startsWith('12-8'))!.meter.subdivision).toBe(3);
  });
});
