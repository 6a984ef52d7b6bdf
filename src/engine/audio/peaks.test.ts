import { describe, expect, it } from 'vitest';
import { computePeaks } from './peaks';

describe('computePeaks', () => {
  it('finds the min and max of each slice across channels', () => {
    const left = new Float32Array([0, 0.5, -0.25, 0, 0, 0, 0.1, -0.9]);
    const right = new Float32Array([0, -0.75, 0, 0, 0.3, 0, 0, 0]);
    const p = computePeaks({ sampleRate: 4, channels: [left, right] }, 2);
    expect(p.durationSeconds).toBe(2);
    expect(p.max).toEqual([0.5, 0.3]);
    expect(p.min).toEqual([-0.75, -0.9]);
  });

  it('never asks for more buckets than samples and survives empty audio', () => {
    expect(computePeaks({ sampleRate: 10, channels: [new Float32Array(3)] }, 100).max).toHaveLength(3);
    const empty = computePeaks({ sampleRate: 10, channels: [new Float32Array(0)] }, 8);
    expect(empty.max).toEqual([0]);
    expect(empty.durationSeconds).toBe(0);
  });
});
