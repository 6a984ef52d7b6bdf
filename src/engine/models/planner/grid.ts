/**
 * The bar/phrase grid of an analysed song and the per-unit feature views the planner, the dense
 * reward and the policy share. Built once per analysis (cached by object identity).
 *
 * Units follow the EditPlan (src/shared/edit-plan.ts): unit k = [beat_k, beat_{k+1}), the last unit is
 * the tail; "unit B" means the end of the file. Bars come from the analysis' downbeats (each one mapped
 * to its beat); beats before the first downbeat form a pickup bar; the last bar runs to the end of the
 * file, so it holds the real ending. Phrases are groups of 4 and 8 bars counted from the first downbeat.
 */
import { RecutError } from '../../../shared/errors';
import { FEATURE_COUNT, featureColumnIndex, previousFeatureRow } from '../../../shared/feature-columns';
import type { SongAnalysis } from '../../analysis/analyze';

export interface Bar {
  /** First unit of the bar. */
  start: number;
  /** One past its last unit (B for the last bar: it includes the tail). */
  end: number;
  /** Bar number counted from the first downbeat (-1 for a pickup). */
  number: number;
}

/** 0 = inside a bar, 1 = bar start, 2 = 4-bar phrase start, 3 = 8-bar phrase start. */
export type BoundaryLevel = 0 | 1 | 2 | 3;

export interface SongGrid {
  /** Number of beat units (= beats). */
  units: number;
  duration: number;
  beatsPerBar: number;
  /** unitStart[k]: start time of unit k; unitStart[units] = duration. */
  unitStart: Float64Array;
  introSeconds: number;
  bars: Bar[];
  /** Bar index (into `bars`) of each unit. */
  barOfUnit: Int32Array;
  /** Boundary level of each unit start (length units + 1; the end of the file counts as an 8-bar phrase). */
  boundary: Uint8Array;
  /** Position of each unit start in its bar, in [0, 1) (length units + 1). */
  barPhase: Float64Array;
  /** Per feature row (units + 1 rows, row `units` = intro): z-scored timbre, unit-norm chroma, level. */
  timbre: Float32Array;
  chroma: Float32Array;
  rmsDb: Float32Array;
  /** Median bar length in seconds (for fade lengths). */
  barSeconds: number;
}

export const TIMBRE_COLUMNS = [
  ...Array.from({ length: 12 }, (_, i) => `mfcc_${i + 2}`),
  'spectral_centroid_hz',
  'spectral_flatness',
] as const;
export const TIMBRE_DIM = TIMBRE_COLUMNS.length;
const CHROMA_COLUMNS = Array.from({ length: 12 }, (_, i) => `chroma_${i + 1}`);

const cache = new WeakMap<SongAnalysis, SongGrid>();

export function songGrid(analysis: SongAnalysis): SongGrid {
  let g = cache.get(analysis);
  if (!g) {
    g = buildGrid(analysis);
    cache.set(analysis, g);
  }
  return g;
}

function buildGrid(analysis: SongAnalysis): SongGrid {
  const beats = analysis.beats;
  const B = beats.length;
  const duration = analysis.durationSeconds;
  if (B < 2) throw new RecutError('invalid_argument', `the song has ${B} beats; at least 2 are needed to plan edits`);
  const m = analysis.features?.matrix;
  if (!m || m.length !== (B + 1) * FEATURE_COUNT) {
    throw new RecutError('invalid_argument', `the analysis' feature matrix does not match its ${B} beats`);
  }
  const unitStart = new Float64Array(B + 1);
  for (let k = 0; k < B; k++) unitStart[k] = Math.min(duration, beats[k]);
  unitStart[B] = duration;

  const bpb = Math.max(1, Math.round(analysis.meter?.beatsPerBar ?? 4));
  const downUnits = downbeatUnits(analysis, bpb);
  const bars: Bar[] = [];
  if (downUnits[0] > 0) bars.push({ start: 0, end: downUnits[0], number: -1 });
  downUnits.forEach((d, i) => bars.push({ start: d, end: i + 1 < downUnits.length ? downUnits[i + 1] : B, number: i }));

  const barOfUnit = new Int32Array(B);
  const boundary = new Uint8Array(B + 1);
  const barPhase = new Float64Array(B + 1);
  bars.forEach((bar, bi) => {
    const len = bar.number < 0 ? bpb : Math.max(1, bar.end - bar.start);
    for (let k = bar.start; k < bar.end; k++) {
      barOfUnit[k] = bi;
      barPhase[k] = bar.number < 0 ? ((((bpb - (bar.end - k)) % bpb) + bpb) % bpb) / bpb : (k - bar.start) / len;
    }
    if (bar.number >= 0) boundary[bar.start] = bar.number % 8 === 0 ? 3 : bar.number % 4 === 0 ? 2 : 1;
  });
  boundary[B] = 3;

  const rows = B + 1;
  const timbre = new Float32Array(rows * TIMBRE_DIM);
  const tIdx = TIMBRE_COLUMNS.map(featureColumnIndex);
  tIdx.forEach((c, j) => {
    let mean = 0;
    for (let r = 0; r < B; r++) mean += m[r * FEATURE_COUNT + c];
    mean /= B;
    let v = 0;
    for (let r = 0; r < B; r++) v += (m[r * FEATURE_COUNT + c] - mean) ** 2;
    const sd = Math.max(Math.sqrt(v / B), 1e-3 * (Math.abs(mean) + 1));
    for (let r = 0; r < rows; r++) timbre[r * TIMBRE_DIM + j] = (m[r * FEATURE_COUNT + c] - mean) / sd;
  });
  const chroma = new Float32Array(rows * 12);
  const cIdx = CHROMA_COLUMNS.map(featureColumnIndex);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let j = 0; j < 12; j++) n += m[r * FEATURE_COUNT + cIdx[j]] ** 2;
    n = Math.sqrt(n) || 1;
    for (let j = 0; j < 12; j++) chroma[r * 12 + j] = m[r * FEATURE_COUNT + cIdx[j]] / n;
  }
  const rmsDb = new Float32Array(rows);
  const rIdx = featureColumnIndex('rms_db');
  for (let r = 0; r < rows; r++) rmsDb[r] = Math.max(-90, m[r * FEATURE_COUNT + rIdx]);

  const barLens = bars.filter((b) => b.number >= 0 && b.end < B).map((b) => unitStart[b.end] - unitStart[b.start]);
  barLens.sort((a, b) => a - b);
  const barSeconds = barLens.length ? barLens[barLens.length >> 1] : (bpb * duration) / B;

  return {
    units: B, duration, beatsPerBar: bpb, unitStart, introSeconds: unitStart[0], bars, barOfUnit, boundary, barPhase,
    timbre, chroma, rmsDb, barSeconds,
  };
}

/** Units where bars start: the analysis' downbeats mapped to beats, or every `bpb` beats when it has too few. */
function downbeatUnits(analysis: SongAnalysis, bpb: number): number[] {
  const beats = analysis.beats;
  const out: number[] = [];
  let j = 0;
  for (const d of analysis.downbeats ?? []) {
    while (j + 1 < beats.length && Math.abs(beats[j + 1] - d) <= Math.abs(beats[j] - d)) j++;
    if (Math.abs(beats[j] - d) < 0.1 && (out.length === 0 || j > out[out.length - 1])) out.push(j);
  }
  if (out.length >= 2) return out;
  const synth: number[] = [];
  for (let k = 0; k < beats.length; k += bpb) synth.push(k);
  return synth;
}

/**
 * The 4-bar phrase each unit belongs to (bars counted from the first downbeat, like `boundary`); the
 * pickup before the first downbeat is a group of its own (-1).
 */
export function phraseOfUnit(grid: SongGrid): Int32Array {
  const out = new Int32Array(grid.units);
  for (let k = 0; k < grid.units; k++) {
    const n = grid.bars[grid.barOfUnit[k]].number;
    out[k] = n < 0 ? -1 : Math.floor(n / 4);
  }
  return out;
}

/** The feature row heard just before unit k starts (the intro row before unit 0). */
export function rowBefore(grid: SongGrid, k: number): number {
  return previousFeatureRow(k, grid.units);
}

export function unitSeconds(grid: SongGrid, k: number): number {
  return grid.unitStart[k + 1] - grid.unitStart[k];
}

export function barSecondsOf(grid: SongGrid, bar: Bar): number {
  return grid.unitStart[bar.end] - grid.unitStart[bar.start];
}
