/**
 * The per-beat feature matrix: its 121 named columns, their order, units, and how rows map to audio.
 * Pure data (no Node, DOM or Electron) so the UI, the models and the engine all read the same list.
 *
 * ## Rows <-> segments
 * Rows follow the EditPlan's beat units (src/shared/edit-plan.ts): with B beats (seconds, strictly
 * increasing) in a file of duration T there are **B + 1 rows**:
 * - row k, k < B - 1 = beat unit k = `[beat_k, beat_{k+1})` (kind 'beat'),
 * - row B - 1        = the last unit, the tail `[beat_{B-1}, T)` (kind 'tail'),
 * - row B            = the intro `[0, beat_0)` (kind 'intro'; zero-length when beat_0 = 0, still a row).
 * So row k describes unit k ({@link featureRowForBeat} is the identity, kept so callers say what they
 * mean) and the first B rows line up with the B per-beat action ids; the intro, which an EditPlan plays
 * or drops as a whole (`includeIntro`), is the extra last row ({@link featureIntroRow}). With no beats the
 * only row is the intro `[0, T)`. "Previous row" for the beat-to-beat deltas means previous in time:
 * unit 0 follows the intro, unit k follows unit k - 1, and the intro has no predecessor.
 *
 * ## Columns (in this order; see FEATURE_COLUMN_DOCS for each one's unit)
 * - 52 frame descriptors (index 0-51), computed per STFT frame on a 22050 Hz mono mix (2048-sample Hann
 *   window, 512 hop, centred frames) and mean-pooled over the frames whose centre lies in the segment
 *   (the nearest frame when none does). RMS and ZCR are computed on the segment's samples of the same
 *   22050 Hz mono mix (at least 512 samples, centred, so an empty segment still gets a value).
 * - 52 beat-to-beat deltas (52-103): `delta_X = X - X of the segment just before in time`, 0 for the intro.
 * - 5 rhythmic (104-108).
 * - 12 source activity (109-120): harmonic/percussive separation by median filtering of a 128-band mel
 *   power spectrogram, then band splits.
 * Models normalise columns themselves (the statistics are saved with each model); values here are in
 * natural units, always finite.
 */

/**
 * Bump whenever any number in the matrix would change (algorithm, parameters, column order, resampler).
 * 2: half-band 2:1 decimation for 44.1 kHz input.
 */
export const FEATURE_VERSION = 2;

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
  doc('rms_db', 'frame', 'dBFS', 'RMS of the segment samples (22050 Hz mono mix), 20*log10(rms + 1e-6); floor -120.'),
  doc('zcr', 'frame', 'crossings/sample', 'Zero-crossing rate of the segment samples (22050 Hz mono mix), in [0, 1].'),
  doc('spectral_centroid_hz', 'frame', 'Hz', 'Magnitude-weighted mean frequency; 0 for a silent frame.'),
  doc('spectral_rolloff_hz', 'frame', 'Hz', 'Frequency below which 85 % of the magnitude lies; 0 for a silent frame.'),
  doc('spectral_bandwidth_hz', 'frame', 'Hz', 'Magnitude-weighted standard deviation around the centroid.'),
  doc('spectral_flatness', 'frame', 'ratio', 'Geometric / arithmetic mean of the power spectrum, in [0, 1] (1 = white noise).'),
  ...range(7).map((i) =>
    doc(`contrast_${i}`, 'frame', 'dB', `Spectral contrast (peak vs valley, 2 % quantiles) in ${CONTRAST_BAND_EDGES_HZ[i - 1]}-${CONTRAST_BAND_EDGES_HZ[i]} Hz.`),
  ),
  ...range(13).map((i) => doc(`mfcc_${i}`, 'frame', 'dB (DCT)', `MFCC c${i - 1} (orthonormal DCT-II of 128 log-mel bands in dB; mfcc_1 is c0, overall level).`)),
  ...range(13).map((i) => doc(`d_mfcc_${i}`, 'frame', 'dB/frame', `Time derivative of mfcc_${i} (Savitzky-Golay over +-4 frames, librosa delta width 9), pooled.`)),
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
  ...FRAME_DOCS.map((d) => doc(`delta_${d.name}`, 'delta', d.unit, `Beat-to-beat change of ${d.name} (this segment minus the one just before it in time; 0 for the intro).`)),
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

/** Number of matrix rows for an analysis with `beatCount` beats (one per beat unit, plus the intro). */
export function featureRowCount(beatCount: number): number {
  return beatCount + 1;
}

/** Matrix row describing beat unit `beatIndex` ([beat_i, beat_{i+1}), the last one running to the end). */
export function featureRowForBeat(beatIndex: number): number {
  return beatIndex;
}

/** Matrix row describing the intro [0, beat_0). */
export function featureIntroRow(beatCount: number): number {
  return beatCount;
}

/** Segment kind of a row, for an analysis with `beatCount` beats. */
export function featureRowKind(row: number, beatCount: number): FeatureSegmentKind {
  if (row === beatCount) return 'intro';
  return row === beatCount - 1 ? 'tail' : 'beat';
}

export interface FeatureSegmentSpan {
  start: number;
  end: number;
  kind: FeatureSegmentKind;
}

/** The audio span (seconds) of every row, in row order. `beats` must be sorted and inside [0, duration]. */
export function featureSegments(beats: readonly number[], duration: number): FeatureSegmentSpan[] {
  const B = beats.length;
  const out: FeatureSegmentSpan[] = [];
  for (let k = 0; k < B; k++) out.push({ start: beats[k], end: k + 1 < B ? beats[k + 1] : duration, kind: featureRowKind(k, B) });
  out.push({ start: 0, end: B > 0 ? beats[0] : duration, kind: 'intro' });
  return out;
}

/** The row just before `row` in time (the intro precedes unit 0), or -1 for the intro. */
export function previousFeatureRow(row: number, beatCount: number): number {
  if (row === beatCount) return -1;
  return row === 0 ? beatCount : row - 1;
}

function doc(name: string, group: FeatureColumnDoc['group'], unit: string, description: string): FeatureColumnDoc {
  return { name, group, unit, description };
}
