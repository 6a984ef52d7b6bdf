import { describe, expect, it } from 'vitest';
import { fMeasure } from '../eval/beatMetrics';
import { essentiaDegaraBeats } from './essentiaDegara';
import { beatGrid, clickTrack } from './testing/clicks';

describe('essentiaDegaraBeats', () => {
  it('tracks a click track and leaves no process-wide error handlers behind', () => {
    const before = ['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e));
    const beats = beatGrid(0.5, 120, 15);
    const est = essentiaDegaraBeats(clickTrack({ duration: 15, beats }));
    expect(fMeasure(beats.filter((b) => b >= 5), est.filter((b) => b >= 5))).toBeGreaterThan(0.9);
    expect(['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e))).toEqual(before);
  });
});
