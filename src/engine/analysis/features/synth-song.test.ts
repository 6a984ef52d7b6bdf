import { describe, expect, it } from 'vitest';
import { demoSongSpec, synthesize } from '../../audio/synth/index';
import { featureColumnIndex, featureIntroRow } from '../../../shared/feature-columns';
import { computeBeatFeatures } from './index';

// A short song from the synthesiser (exact ground-truth beats): 4 quiet drumless bars, then 4 full bars.
const track = synthesize({
  ...demoSongSpec(),
  name: 'features test song',
  durationSeconds: 19,
  sections: [
    { bars: 4, label: 'intro', energy: 0.1 },
    { bars: 4, label: 'chorus', energy: 0.95 },
  ],
});
const f = computeBeatFeatures(track.audio, track.beats, track.downbeats);
const at = (row: number, name: string) => f.matrix[row * 121 + featureColumnIndex(name)];
const chorusStart = track.sections[1].start;
const quiet = track.beats.map((b, i) => (b < chorusStart ? i : -1)).filter((i) => i >= 0);
const full = track.beats.map((b, i) => (b >= chorusStart && i < track.beats.length - 1 ? i : -1)).filter((i) => i >= 0);
const mean = (rows: number[], name: string) => rows.reduce((s, r) => s + at(r, name), 0) / rows.length;

describe('computeBeatFeatures on a synthesised song', () => {
  it('has one finite row per beat plus the intro', () => {
    expect(f.rows).toBe(track.beats.length + 1);
    expect(f.matrix.every(Number.isFinite)).toBe(true);
    expect(f.segments[featureIntroRow(track.beats.length)].end).toBe(track.beats[0]);
  });

  it('sees the drums come in: louder, more percussive, stronger onsets, brighter', () => {
    expect(mean(full, 'perc_rms_db')).toBeGreaterThan(mean(quiet, 'perc_rms_db') + 6);
    expect(mean(full, 'rms_db')).toBeGreaterThan(mean(quiet, 'rms_db') + 3);
    expect(mean(full, 'onset_strength')).toBeGreaterThan(mean(quiet, 'onset_strength'));
    expect(mean(full, 'spectral_centroid_hz')).toBeGreaterThan(mean(quiet, 'spectral_centroid_hz'));
  });

  it('puts bar phase 0 on every downbeat', () => {
    for (const d of track.downbeats) {
      const i = track.beats.indexOf(d);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(at(i, 'bar_phase')).toBeCloseTo(0, 6);
      if (i + 1 < track.beats.length) expect(at(i + 1, 'bar_phase')).toBeCloseTo(0.25, 6); // 4/4
    }
  });
});
