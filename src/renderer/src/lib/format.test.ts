import { describe, expect, it } from 'vitest';
import { formatDuration, formatRate } from './format';

describe('formatDuration', () => {
  it('formats minutes and hours', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(125.9)).toBe('2:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
  it('shows a placeholder for nonsense', () => {
    expect(formatDuration(NaN)).toBe('–:––');
    expect(formatDuration(-1)).toBe('–:––');
  });
  it('formats sample rates', () => {
    expect(formatRate(48000)).toBe('48 kHz');
    expect(formatRate(44100)).toBe('44.1 kHz');
  });
});
