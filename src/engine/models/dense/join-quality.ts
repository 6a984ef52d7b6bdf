/**
 * How good one join is: the output plays units up to `a - 1`, then unit `b` (a != b: a jump).
 *
 * Continuity follows the Infinite Jukebox / Wenner et al. idea: a jump is inaudible when the unit we
 * land on sounds like the one that would have come next (row a vs row b) and the units before the two
 * points match too (a-1 vs b-1); one more pair after (a+1 vs b+1) steadies the estimate. Each score is
 * in [0, 1]:
 *  - timbre: exp(-d^2 / 2), d = RMS distance of song-z-scored MFCC 2-13, centroid, flatness;
 *  - chroma: cosine similarity of the (non-negative) chroma vectors;
 *  - energy: exp(-(dB / 6)^2) of the level difference (6 dB = 0.37; a quiet intro into a loud chorus ~0);
 *  - barPhase: 1 - 2 * circular distance of the two points' positions in their bars (1 = same phase);
 *  - click: the level step the join makes (last unit played vs first unit after) beyond the step the
 *    source itself makes at `a`, scored exp(-(excess dB / 6)^2); from the audio (10 ms windows either
 *    side of the join points) when it is given, else from the per-beat levels;
 *  - bar: alignment to bars and phrases: the mean over both points of 1 (8-bar phrase start), 0.9
 *    (4-bar phrase), 0.75 (bar start), 0 (inside a bar).
 */
import type { PcmAudio } from '../../audio/pcm';
import { TIMBRE_DIM, rowBefore, type SongGrid } from '../planner/grid';

export interface JoinScores {
  timbre: number;
  chroma: number;
  energy: number;
  barPhase: number;
  click: number;
  bar: number;
}

/** Weights inside "join quality" (the click and bar scores are separate dense terms). */
export const JOIN_QUALITY_WEIGHTS = { timbre: 0.35, chroma: 0.3, energy: 0.2, barPhase: 0.15 } as const;

export const BOUNDARY_SCORE = [0, 0.75, 0.9, 1] as const;

export function joinQuality(s: JoinScores): number {
  const w = JOIN_QUALITY_WEIGHTS;
  return w.timbre * s.timbre + w.chroma * s.chroma + w.energy * s.energy + w.barPhase * s.barPhase;
}

/** Scores of a jump from "just before unit a" to unit b; a may be `grid.units` (the end of the file). */
export function scoreJoin(grid: SongGrid, a: number, b: number, audio?: PcmAudio): JoinScores {
  const B = grid.units;
  const pairs: [number, number][] = [];
  if (a < B && b < B) pairs.push([a, b]);
  pairs.push([playedBefore(grid, a), rowBefore(grid, b)]);
  if (a + 1 < B && b + 1 < B) pairs.push([a + 1, b + 1]);
  let timbre = 0;
  let chroma = 0;
  let energy = 0;
  for (const [x, y] of pairs) {
    timbre += timbreSimilarity(grid, x, y);
    chroma += chromaSimilarity(grid, x, y);
    energy += Math.exp(-(((grid.rmsDb[x] - grid.rmsDb[y]) / 6) ** 2));
  }
  const n = pairs.length;
  const pa = grid.barPhase[a];
  const pb = grid.barPhase[b];
  const dp = Math.abs(pa - pb);
  const barPhase = 1 - 2 * Math.min(dp, 1 - dp);
  const bar = (BOUNDARY_SCORE[grid.boundary[a]] + BOUNDARY_SCORE[grid.boundary[b]]) / 2;
  const click = audio ? clickFromAudio(grid, audio, a, b) : clickFromFeatures(grid, a, b);
  return { timbre: timbre / n, chroma: chroma / n, energy: energy / n, barPhase, click, bar };
}

/** The feature row heard last before point a (the tail row when a is the end of the file). */
function playedBefore(grid: SongGrid, a: number): number {
  return a >= grid.units ? grid.units - 1 : rowBefore(grid, a);
}

function timbreSimilarity(grid: SongGrid, x: number, y: number): number {
  let d = 0;
  const t = grid.timbre;
  for (let j = 0; j < TIMBRE_DIM; j++) d += (t[x * TIMBRE_DIM + j] - t[y * TIMBRE_DIM + j]) ** 2;
  return Math.exp(-d / TIMBRE_DIM / 2);
}

function chromaSimilarity(grid: SongGrid, x: number, y: number): number {
  let s = 0;
  for (let j = 0; j < 12; j++) s += grid.chroma[x * 12 + j] * grid.chroma[y * 12 + j];
  return Math.min(1, Math.max(0, s));
}

const clickScore = (excessDb: number) => Math.exp(-((Math.max(0, excessDb) / 6) ** 2));

function clickFromFeatures(grid: SongGrid, a: number, b: number): number {
  const B = grid.units;
  const last = playedBefore(grid, a);
  const first = b < B ? b : last;
  const natural = a < B ? Math.abs(grid.rmsDb[a] - grid.rmsDb[last]) : 0;
  return clickScore(Math.abs(grid.rmsDb[first] - grid.rmsDb[last]) - natural);
}

const WINDOW_SECONDS = 0.01;

function clickFromAudio(grid: SongGrid, audio: PcmAudio, a: number, b: number): number {
  const sr = audio.sampleRate;
  const len = audio.channels[0]?.length ?? 0;
  const w = Math.max(1, Math.round(WINDOW_SECONDS * sr));
  const at = (k: number) => Math.min(len, Math.round(grid.unitStart[k] * sr));
  const ja = at(a);
  const jb = at(b);
  const before = windowDb(audio, ja - w, ja);
  const after = windowDb(audio, jb, jb + w);
  const natural = Math.abs(windowDb(audio, ja, ja + w) - before);
  return clickScore(Math.abs(after - before) - (a < grid.units ? natural : 0));
}

function windowDb(audio: PcmAudio, from: number, to: number): number {
  const len = audio.channels[0]?.length ?? 0;
  const s = Math.max(0, from);
  const e = Math.min(len, to);
  if (e <= s) return -90;
  let sum = 0;
  for (const ch of audio.channels) for (let i = s; i < e; i++) sum += ch[i] * ch[i];
  const ms = sum / ((e - s) * audio.channels.length);
  return Math.max(-90, 10 * Math.log10(ms + 1e-12));
}
