import { describe, expect, it } from 'vitest';
import {
  FEATURE_COLUMNS, FEATURE_COLUMN_DOCS, FEATURE_COUNT, FEATURE_OFFSETS, featureColumnIndex, featureIntroRow, featureRowCount, featureRowForBeat, featureRowKind,
  featureSegments, previousFeatureRow,
} from './feature-columns';

describe('feature columns', () => {
  it('has 121 unique names in the documented groups and order', () => {
    expect(FEATURE_COLUMNS.length).toBe(FEATURE_COUNT);
    expect(FEATURE_COUNT).toBe(121);
    expect(new Set(FEATURE_COLUMNS).size).toBe(121);
    const groups = FEATURE_COLUMN_DOCS.map((d) => d.group);
    expect(groups.filter((g) => g === 'frame').length).toBe(52);
    expect(groups.filter((g) => g === 'delta').length).toBe(52);
    expect(groups.filter((g) => g === 'rhythm').length).toBe(5);
    expect(groups.filter((g) => g === 'source').length).toBe(12);
    expect(groups.indexOf('delta')).toBe(FEATURE_OFFSETS.delta);
    expect(groups.indexOf('rhythm')).toBe(FEATURE_OFFSETS.rhythm);
    expect(groups.indexOf('source')).toBe(FEATURE_OFFSETS.source);
  });

  it('names columns as documented', () => {
    expect(FEATURE_COLUMNS.slice(0, 7)).toEqual([
      'onset_strength', 'rms_db', 'zcr', 'spectral_centroid_hz', 'spectral_rolloff_hz', 'spectral_bandwidth_hz', 'spectral_flatness',
    ]);
    expect(featureColumnIndex('contrast_1')).toBe(7);
    expect(featureColumnIndex('mfcc_1')).toBe(14);
    expect(featureColumnIndex('d_mfcc_13')).toBe(39);
    expect(featureColumnIndex('chroma_12')).toBe(51);
    expect(featureColumnIndex('delta_mfcc_3')).toBe(52 + 16);
    expect(featureColumnIndex('delta_chroma_7')).toBe(52 + 46);
    expect(FEATURE_COLUMNS.slice(104, 109)).toEqual(['bar_phase', 'bar_phase_sin', 'bar_phase_cos', 'tempo_deviation', 'ibi_ratio']);
    expect(FEATURE_COLUMNS[109]).toBe('perc_rms_db');
    expect(FEATURE_COLUMNS[120]).toBe('other_energy_ratio');
    expect(() => featureColumnIndex('mfcc_14')).toThrow(RangeError);
    for (const d of FEATURE_COLUMN_DOCS) expect(d.unit.length * d.description.length).toBeGreaterThan(0);
  });

  it('maps beats to rows like the EditPlan units, intro last', () => {
    expect(featureRowCount(0)).toBe(1);
    expect(featureRowCount(10)).toBe(11);
    expect(featureRowForBeat(0)).toBe(0);
    expect(featureRowForBeat(9)).toBe(9);
    expect(featureIntroRow(10)).toBe(10);
    expect(featureRowKind(0, 10)).toBe('beat');
    expect(featureRowKind(8, 10)).toBe('beat');
    expect(featureRowKind(9, 10)).toBe('tail');
    expect(featureRowKind(10, 10)).toBe('intro');
    expect(featureRowKind(0, 0)).toBe('intro');
    expect(previousFeatureRow(0, 10)).toBe(10);
    expect(previousFeatureRow(5, 10)).toBe(4);
    expect(previousFeatureRow(10, 10)).toBe(-1);
  });

  it('gives every row its span: units tile [beat_0, T), the intro [0, beat_0)', () => {
    const segs = featureSegments([0.5, 1, 1.5], 2.25);
    expect(segs).toEqual([
      { start: 0.5, end: 1, kind: 'beat' },
      { start: 1, end: 1.5, kind: 'beat' },
      { start: 1.5, end: 2.25, kind: 'tail' },
      { start: 0, end: 0.5, kind: 'intro' },
    ]);
    expect(featureSegments([], 3)).toEqual([{ start: 0, end: 3, kind: 'intro' }]);
  });
});
