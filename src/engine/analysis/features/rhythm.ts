/**
 * The 5 rhythmic columns: bar phase (and its sin/cos), tempo deviation and inter-beat ratio.
 * See FEATURE_COLUMN_DOCS for the definitions; here only the edge cases need words.
 */

/** A beat within this many seconds before a downbeat counts as on it (tracker round-off). */
const ON_DOWNBEAT_TOLERANCE_S = 1e-3;
const LOG2_CLAMP = 2;

/**
 * Bar phase of time t in [0, 1): fraction of the way from the last downbeat at or before t to the next.
 * Before the first downbeat and after the last one the nearest bar's length is extrapolated; with a
 * single downbeat the bar is taken as 4 median beats long (`fallbackBarS`). No downbeats: 0.
 */
export function barPhaseAt(t: number, downbeats: readonly number[], fallbackBarS: number): number {
  const d = downbeats;
  if (d.length === 0) return 0;
  const tt = t + ON_DOWNBEAT_TOLERANCE_S;
  // Last downbeat <= tt (binary search); -1 when t is before the first.
  let lo = 0, hi = d.length - 1, k = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (d[mid] <= tt) { k = mid; lo = mid + 1; } else hi = mid - 1;
  }
  let anchor: number, bar: number;
  if (k >= 0 && k + 1 < d.length) { anchor = d[k]; bar = d[k + 1] - d[k]; }
  else if (k < 0) { anchor = d[0]; bar = d.length > 1 ? d[1] - d[0] : fallbackBarS; }
  else { anchor = d[k]; bar = d.length > 1 ? d[k] - d[k - 1] : fallbackBarS; }
  if (!(bar > 0)) return 0;
  const raw = (t - anchor) / bar;
  const phase = raw - Math.floor(raw);
  // Just before a downbeat (tracker round-off) is on it.
  return (1 - phase) * bar < ON_DOWNBEAT_TOLERANCE_S ? 0 : phase;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

function clampedLog2(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 0;
  return Math.max(-LOG2_CLAMP, Math.min(LOG2_CLAMP, Math.log2(x)));
}

/**
 * Writes the 5 rhythmic columns for every row (B + 1 rows, intro last) into `matrix` at column `col`.
 * Beat unit k < B - 1 has interval ibi_k = beat_{k+1} - beat_k (its own length); the tail (row B - 1) and
 * the intro (row B) get 0 for tempo deviation and ratio, since their lengths are not inter-beat intervals.
 * Bar phase is taken at each segment's start (0 s for the intro).
 */
export function writeRhythm(matrix: Float32Array, stride: number, col: number, beats: readonly number[], downbeats: readonly number[]): void {
  const B = beats.length;
  const ibis: number[] = [];
  for (let k = 0; k + 1 < B; k++) ibis.push(beats[k + 1] - beats[k]);
  const medIbi = median(ibis);
  const fallbackBar = medIbi > 0 ? 4 * medIbi : 2;
  for (let r = 0; r <= B; r++) {
    const at = r * stride + col;
    const phase = barPhaseAt(r < B ? beats[r] : 0, downbeats, fallbackBar);
    matrix[at] = phase;
    matrix[at + 1] = Math.sin(2 * Math.PI * phase);
    matrix[at + 2] = Math.cos(2 * Math.PI * phase);
    const isUnit = r + 1 < B; // a beat unit with a following beat
    matrix[at + 3] = isUnit ? clampedLog2(medIbi / ibis[r]) : 0;
    matrix[at + 4] = isUnit && r >= 1 ? clampedLog2(ibis[r] / ibis[r - 1]) : 0;
  }
}
