/**
 * Dynamic-programming beat alignment (Ellis 2007, "Beat tracking by dynamic programming") with a
 * time-varying beat period: the best beat sequence maximises the sum of onset strength at its beats
 * minus `tightness` x log(interval / period)^2 for every inter-beat interval.
 *
 * Returns beat positions in (fractional) frames. The period comes from the local tempo path, so tempo
 * ramps and steps are followed instead of forcing one global period.
 */
export interface DpOptions {
  tightness?: number;
}

export function dpBeats(localScore: Float32Array, period: Float32Array, opts: DpOptions = {}): number[] {
  const n = localScore.length;
  if (n === 0) return [];
  const tightness = opts.tightness ?? 100;
  const cum = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  let maxLocal = 0;
  for (let t = 0; t < n; t++) if (localScore[t] > maxLocal) maxLocal = localScore[t];
  const startThreshold = 0.01 * maxLocal;
  let started = false;
  for (let t = 0; t < n; t++) {
    const P = period[t];
    const lo = Math.max(0, Math.floor(t - 2 * P));
    const hi = Math.min(t - 1, Math.ceil(t - P / 2));
    let best = -Infinity, arg = -1;
    for (let tau = lo; tau <= hi; tau++) {
      const l = Math.log((t - tau) / P);
      const v = cum[tau] - tightness * l * l;
      if (v > best) {
        best = v;
        arg = tau;
      }
    }
    // Before the first real onset no chain starts (so silence before the music holds no beats).
    if (!started && localScore[t] < startThreshold) arg = -1;
    if (localScore[t] >= startThreshold) started = true;
    cum[t] = localScore[t] + (arg >= 0 ? best : 0);
    back[t] = arg;
  }
  // Last beat: the last local maximum of the cumulative score that is at least half the median local max.
  const maxima: number[] = [];
  for (let t = 1; t + 1 < n; t++) if (cum[t] > cum[t - 1] && cum[t] >= cum[t + 1]) maxima.push(t);
  if (maxima.length === 0) return [];
  const sorted = maxima.map((t) => cum[t]).sort((a, b) => a - b);
  const med = sorted[Math.floor(sorted.length / 2)];
  let last = maxima[maxima.length - 1];
  for (let i = maxima.length - 1; i >= 0; i--) {
    if (cum[maxima[i]] >= 0.5 * med) {
      last = maxima[i];
      break;
    }
  }
  const beats: number[] = [];
  for (let t = last; t >= 0; t = back[t]) beats.push(t);
  beats.reverse();
  return beats;
}

/** Drops leading and trailing beats whose onset strength is below `ratio` x the RMS strength at beats (librosa's trim). */
export function trimWeakEnds(beats: number[], localScore: Float32Array, ratio = 0.5): number[] {
  if (beats.length === 0) return beats;
  let sq = 0;
  for (const b of beats) sq += localScore[Math.round(b)] ** 2;
  const thr = ratio * Math.sqrt(sq / beats.length);
  let s = 0, e = beats.length;
  while (s < e && localScore[Math.round(beats[s])] <= thr) s++;
  while (e > s && localScore[Math.round(beats[e - 1])] <= thr) e--;
  return beats.slice(s, e);
}
