/**
 * The per-beat feature matrix: its 121 named columns, their order, units, and how rows map to audio.
 * Pure data (no Node, DOM or Electron) so the UI, the models and the engine all read the same list.
 *
 * ## Rows <-> segments
 * With B beats (seconds, strictly increasing) and a file of duration T, the segment boundaries are
 * `[0, beat_0, beat_1, ..., beat_{B-1}, T]` and there are **B + 1 rows**:
 * - row 0            = intro `[0, beat_0)` (kind 'intro'; zero-length when beat_0 = 0, still a row),
 * - row i + 1        = beat segment i = `[beat_i, beat_{i+1})` for i < B - 1 (kind 'beat'),
 * - row B            = beat segment B - 1 = tail `[beat_{B-1}, T)` (kind 'tail').
 * So beat segment i is always row i + 1 ({@link featureRowForBeat}), which matches the EditPlan convention
 * where `from`/`to` index beats and `to = beatCount` means "to the end of the file": the last beat's
 * segment runs to the end of the file and is the tail. With no beats there is one row: intro `[0, T)`.
 *
 * ## Columns (in this order; see FEATURE_COLUMN_DOCS for each one's unit)
 * - 52 frame descriptors (index 0-51), computed per STFT frame on a 22050 Hz mono mix (2048-sample Hann
 *   window, 512 hop, centred frames) and mean-pooled over the frames whose centre lies in the segment
 *   (the nearest frame when none does). RMS and ZCR are computed on the segment's samples directly.
 * - 52 beat-to-beat deltas (52-103): `delta_X[row] = X[row] - X[row - 1]`, 0 for row 0.
 * - 5 rhythmic (104-108).
 * - 12 source activity (109-120): harmonic/percussive separation by median filtering of a 128-band mel
 *   power spectrogram, then band splits.
 * Models normalise columns themselves (the statistics are saved with each model); values here are in
 * natural units, always finite.
 */

/** Bump whenever any number in the matrix would change (algorithm, parameters, column order). */
export const FEATURE_VERSION = 1;

export type FeatureSegmentKind = 'intro' | 'beat' | 'tail';

export interface FeatureColumnDoc {
  name: string;
  group: 'frame' | 'delta' | 'rhythm' | 'source';
  unit: string;
  description: string;
}

/** Pitch classes of chroma_1 .. chroma_12. */
export const CHROMA_PITCH_CLASSES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;

/** Octave bands of spectral contrast_1 .. contrast_7 (Hz). */
export const CONTRAST_BAND_EDGES_HZ = [0, 200, 400, 800, 1600, 3200, 6400, 11025] as const;

/** Source-activity sources and their definitions (band limits in Hz). */
export const SOURCES = ['perc', 'bass', 'vocal', 'other'] as const;
export const BASS_MAX_HZ = 200;
export const VOCAL_MAX_HZ = 4000;

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const FRAME_DOCS: FeatureColumnDoc[] = [
  doc('onset_strength', 'frame', 'dB/frame', 'Mean positive log-mel flux between consecutive frames (librosa onset_strength style).'),
  doc('rms_db', 'frame', 'dBFS', 'RMS of the segment samples, 20*log10(rms + 1e-6); floor -120.'),
  doc('zcr', 'frame', 'crossings/sample', 'Zero-crossing rate of the segment samples, in [0, 1].'),
  doc('spectral_centroid_hz', 'frame', 'Hz', 'Magnitude-weighted mean frequency; 0 for a silent frame.'),
  doc('spectral_rolloff_hz', 'frame', 'Hz', 'Frequency below which 85 % of the magnitude lies; 0 for a silent frame.'),
  doc('spectral_bandwidth_hz', 'frame', 'Hz', 'Magnitude-weighted standard deviation around the centroid.'),
  doc('spectral_flatness', 'frame', 'ratio', 'Geometric / arithmetic mean of the power spectrum, in [0, 1] (1 = white noise).'),
  ...range(7).map((i) =>
    doc(`contrast_${i}`, 'frame', 'dB', `Spectral contrast (peak vs valley, 2 % quantiles) in ${CONTRAST_BAND_EDGES_HZ[i - 1]}-${CONTRAST_BAND_EDGES_HZ[i]} Hz.`),
  ),
  ...range(13).map((i) => doc(`mfcc_${i}`, 'frame', 'dB (DCT)', `MFCC c${i - 1} (orthonormal DCT-II of 128 log-mel bands in dB; mfcc_1 is c0, overall level).`)),
  ...range(13).map((i) => doc(`d_mfcc_${i}`, 'frame', 'dB/frame', `Time derivative of mfcc_${i} (regression over +-2 frames), pooled.`)),
  ...range(12).map((i) =>
    doc(`chroma_${i}`, 'frame', 'ratio', `Chroma energy of pitch class ${CHROMA_PITCH_CLASSES[i - 1]}, each frame max-normalised to [0, 1].`),
  ),
];

const RHYTHM_DOCS: FeatureColumnDoc[] = [
  doc('bar_phase', 'rhythm', 'cycles', 'Position of the segment start inside its bar (downbeat to downbeat), in [0, 1); 0 without downbeats.'),
  doc('bar_phase_sin', 'rhythm', 'unitless', 'sin(2*pi*bar_phase).'),
  doc('bar_phase_cos', 'rhythm', 'unitless', 'cos(2*pi*bar_phase).'),
  doc('tempo_deviation', 'rhythm', 'octaves', 'log2(median inter-beat interval / this interval), clamped to [-2, 2]; > 0 = faster. 0 for intro and tail.'),
  doc('ibi_ratio', 'rhythm', 'octaves', 'log2(this inter-beat interval / previous one), clamped to [-2, 2]. 0 for intro, tail and the first beat.'),
];

const SOURCE_DEFS: Record<(typeof SOURCES)[number], string> = {
  perc: 'percussive component (all frequencies)',
  bass: `whole mix below ${BASS_MAX_HZ} Hz (bass and kick)`,
  vocal: `harmonic component in ${BASS_MAX_HZ}-${VOCAL_MAX_HZ} Hz (vocal band)`,
  other: `harmonic component above ${VOCAL_MAX_HZ} Hz`,
};

const SOURCE_DOCS: FeatureColumnDoc[] = SOURCES.flatMap((s) => [
  doc(`${s}_rms_db`, 'source', 'dBFS', `RMS of the ${SOURCE_DEFS[s]}, floor -120.`),
  doc(`${s}_centroid_hz`, 'source', 'Hz', `Energy-weighted mean frequency of the ${SOURCE_DEFS[s]}; 0 when silent.`),
  doc(`${s}_energy_ratio`, 'source', 'ratio', `Share of the segment's energy in the ${SOURCE_DEFS[s]}, in [0, 1]; 0 when silent.`),
]);

export const FRAME_DESCRIPTOR_COUNT = 52;

/** All 121 columns with units and descriptions, in matrix order. */
export const FEATURE_COLUMN_DOCS: readonly FeatureColumnDoc[] = Object.freeze([
  ...FRAME_DOCS,
  ...FRAME_DOCS.map((d) => doc(`delta_${d.name}`, 'delta', d.unit, `Beat-to-beat change of ${d.name} (this row minus the previous row; 0 for row 0).`)),
  ...RHYTHM_DOCS,
  ...SOURCE_DOCS,
]);

/** The 121 column names in matrix order. */
export const FEATURE_COLUMNS: readonly string[] = Object.freeze(FEATURE_COLUMN_DOCS.map((d) => d.name));
export const FEATURE_COUNT = 121;

/** Index of the first column of each group. */
export const FEATURE_OFFSETS = Object.freeze({ frame: 0, delta: 52, rhythm: 104, source: 109 });

/** Index of a named column; throws on an unknown name (a typo must not silently read column -1). */
export function featureColumnIndex(name: string): number {
  const i = FEATURE_COLUMNS.indexOf(name);
  if (i < 0) throw new RangeError(`unknown feature column: ${name}`);
  return i;
}

/** Number of matrix rows for an analysis with `beatCount` beats (intro + one per beat). */
export function featureRowCount(beatCount: number): number {
  return beatCount + 1;
}

/** Matrix row describing beat segment `beatIndex` ([beat_i, beat_{i+1}), the last one running to the end). */
export function featureRowForBeat(beatIndex: number): number {
  return beatIndex + 1;
}

/** Segment kind of a row, for an analysis with `beatCount` beats. */
export function featureRowKind(row: number, beatCount: number): FeatureSegmentKind {
  if (row === 0) return 'intro';
  return row === beatCount ? 'tail' : 'beat';
}

function doc(name: string, group: FeatureColumnDoc['group'], unit: string, description: string): FeatureColumnDoc {
  return { name, group, unit, description };
}
