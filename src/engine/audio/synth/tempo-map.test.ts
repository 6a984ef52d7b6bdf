import { describe, expect, it } from 'vitest';
import { TempoMap } from './tempo-map';

/** Numerical integral of 60 / bpm(beat) from 0 to `beat` (midpoint rule), independent of the closed form. */
function integrate(map: TempoMap, beat: number, steps = 20000): number {
  let t = 0;
  const h = beat / steps;
  for (let i = 0; i < steps; i++) t += (60 / map.bpmAt((i + 0.5) * h)) * h;
  return t;
}

describe('TempoMap', () => {
  it('constant tempo: beat b at offset + 60 b / bpm', () => {
    const m = new TempoMap(120, 0.25);
    expect(m.timeAt(0)).toBe(0.25);
    expect(m.timeAt(10)).toBeCloseTo(5.25, 12);
    expect(m.timeAt(2.5)).toBeCloseTo(1.5, 12);
  });

  it('steps: tempo changes exactly at the point', () => {
    const m = new TempoMap([{ atBeat: 0, bpm: 100 }, { atBeat: 8, bpm: 150 }]);
    expect(m.timeAt(8)).toBeCloseTo(4.8, 12);
    expect(m.timeAt(11)).toBeCloseTo(4.8 + 1.2, 12);
    expect(m.bpmAt(7.99)).toBe(100);
    expect(m.bpmAt(8)).toBe(150);
  });

  it('ramps: bpm linear in beats, time matches numerical integration, then holds the last tempo', () => {
    const m = new TempoMap([{ atBeat: 0, bpm: 90 }, { atBeat: 4, bpm: 90 }, { atBeat: 36, bpm: 150, ramp: true }]);
    expect(m.bpmAt(20)).toBeCloseTo(120, 12);
    for (const b of [4, 10, 20, 36, 50]) expect(m.timeAt(b)).toBeCloseTo(integrate(m, b), 6);
    expect(m.bpmAt(40)).toBe(150);
    // A ritardando too.
    const r = new TempoMap([{ atBeat: 0, bpm: 150 }, { atBeat: 64, bpm: 100, ramp: true }]);
    expect(r.timeAt(64)).toBeCloseTo(integrate(r, 64), 6);
  });
});
