/**
 * Per-beat feature matrix (DESIGN.md section 3): 121 named columns; row k = EditPlan beat unit k, last row = intro.
 * Column names, units and the row <-> segment mapping live in src/shared/feature-columns.ts.
 */
export { computeBeatFeatures, frameRange, type BeatFeatures, type BeatFeatureOptions, type FeatureSegment } from './compute';
export { FEATURE_SAMPLE_RATE, FFT_SIZE, HOP } from './frame-pass';
export { resampleToMono } from '../../dsp/polyphase-resample';
export {
  FEATURE_COLUMNS, FEATURE_COLUMN_DOCS, FEATURE_COUNT, FEATURE_VERSION, featureColumnIndex, featureIntroRow, featureRowCount, featureRowForBeat,
  featureRowKind, featureSegments, previousFeatureRow,
} from '../../../shared/feature-columns';
