/**
 * Local tempo from a tempogram (windowed autocorrelation of the onset envelope) and a Viterbi path
 * through it, so tempo changes and ramps are followed while octave jumps are penalised.
 *
 * Each window's autocorrelation is read at log-spaced tempi (BPM_MIN..BPM_MAX), then weighted by a
 * log-Gaussian tempo prior (the listener-preferred range around PRIOR_CENTRE_BPM), which is what stops
 * a piece at 70 BPM from being tapped at 140, or one at 160 from being tapped at 80, in most cases.
 */
export const BPM_MIN = 40;
export const BPM_MAX = 240;
const BINS_PER_OCTAVE = 36;
const WINDOW_SECONDS = 8;
const HOP_SECONDS = 1;

export interface TempoOptions {
  priorCentreBpm?: number;
  /** Prior width in octaves (standard deviation of log2 tempo). */
  priorWidthOctaves?: number;
  /** Viterbi penalty per squared bin step between consecutive windows. */
  smoothness?: number;
}

export interface Tempogram {
  bpms: Float64Array;
  /** Window centres in frames. */
  centres: Int32Array;
  /** Row-major windows x bpms, autocorrelation normalised by lag-0 energy. */
  values: Float32Array;
}

export function tempoBins(): Float64Array {
  const n = Math.floor(Math.log2(BPM_MAX / BPM_MIN) * BINS_PER_OCTAVE) + 1;
  return Float64Array.from({ length: n }, (_, i) => BPM_MIN * Math.pow(2, i / BINS_PER_OCTAVE));
}

/** Autocorrelation at fractional lag (linear interpolation between integer lags). */
function acfAt(acf: Float64Array, lag: number): number {
  const i = Math.floor(lag);
  if (i + 1 >= acf.length) return acf[acf.length - 1] ?? 0;
  const f = lag - i;
  return acf[i] * (1 - f) + acf[i + 1] * f;
}

export function tempogram(env: Float32Array, frameRate: number): Tempogram {
  const bpms = tempoBins();
  const win = Math.min(env.length, Math.round(WINDOW_SECONDS * frameRate));
  const hop = Math.max(1, Math.round(HOP_SECONDS * frameRate));
  const maxLag = Math.min(win - 1, Math.ceil((60 * frameRate) / BPM_MIN) + 1);
  const centres: number[] = [];
  if (env.length > 0) {
    for (let c = Math.floor(win / 2); c <= env.length - Math.ceil(win / 2); c += hop) centres.push(c);
    if (centres.length === 0) centres.push(Math.floor(env.length / 2));
  }
  const values = new Float32Array(centres.length * bpms.length);
  const acf = new Float64Array(Math.max(1, maxLag + 1));
  const seg = new Float64Array(win);
  for (let w = 0; w < centres.length; w++) {
    const start = Math.max(0, Math.min(env.length - win, centres[w] - Math.floor(win / 2)));
    let mean = 0;
    for (let i = 0; i < win; i++) mean += env[start + i];
    mean /= win || 1;
    // Hann-weighted window, mean removed.
    for (let i = 0; i < win; i++) seg[i] = (env[start + i] - mean) * (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / win));
    for (let lag = 0; lag <= maxLag; lag++) {
      let s = 0;
      for (let i = 0; i + lag < win; i++) s += seg[i] * seg[i + lag];
      acf[lag] = s / (win - lag);
    }
    const norm = acf[0] > 1e-12 ? acf[0] : 1;
    for (let b = 0; b < bpms.length; b++) {
      const lag = (60 * frameRate) / bpms[b];
      values[w * bpms.length + b] = acfAt(acf, lag) / norm;
    }
  }
  return { bpms, centres: Int32Array.from(centres), values };
}

export function tempoPrior(bpms: Float64Array, centre: number, widthOctaves: number): Float64Array {
  return bpms.map((b) => {
    const z = Math.log2(b / centre) / widthOctaves;
    return Math.exp(-0.5 * z * z);
  });
}

/**
 * Viterbi path of tempo bins through the tempogram: maximises sum of prior-weighted, positive
 * autocorrelation minus `smoothness` x (bin step)^2 between consecutive windows.
 */
export function localTempoPath(tg: Tempogram, opts: TempoOptions = {}): Float64Array {
  const { bpms, values } = tg;
  const nB = bpms.length;
  const nW = tg.centres.length;
  const prior = tempoPrior(bpms, opts.priorCentreBpm ?? 120, opts.priorWidthOctaves ?? 0.6);
  const smooth = opts.smoothness ?? 0.02;
  const maxStep = 6;
  const obs = (w: number, b: number) => Math.max(0, values[w * nB + b]) * prior[b];
  let score = new Float64Array(nB);
  const back = new Int16Array(nW * nB);
  for (let b = 0; b < nB; b++) score[b] = obs(0, b);
  for (let w = 1; w < nW; w++) {
    const next = new Float64Array(nB);
    for (let b = 0; b < nB; b++) {
      let best = -Infinity, arg = b;
      for (let d = -maxStep; d <= maxStep; d++) {
        const p = b + d;
        if (p < 0 || p >= nB) continue;
        const v = score[p] - smooth * d * d;
        if (v > best) {
          best = v;
          arg = p;
        }
      }
      next[b] = best + obs(w, b);
      back[w * nB + b] = arg;
    }
    score = next;
  }
  const path = new Float64Array(nW);
  let b = 0;
  for (let i = 1; i < nB; i++) if (score[i] > score[b]) b = i;
  for (let w = nW - 1; w >= 0; w--) {
    path[w] = bpms[b];
    if (w > 0) b = back[w * nB + b];
  }
  return path;
}

/** Beat period in frames for every frame, interpolated linearly between window centres. */
export function periodPerFrame(path: Float64Array, centres: Int32Array, frames: number, frameRate: number): Float32Array {
  const out = new Float32Array(frames);
  if (path.length === 0) return out.fill((60 * frameRate) / 120);
  let w = 0;
  for (let t = 0; t < frames; t++) {
    while (w + 1 < centres.length && centres[w + 1] <= t) w++;
    let bpm: number;
    if (t <= centres[0]) bpm = path[0];
    else if (w + 1 >= centres.length) bpm = path[path.length - 1];
    else {
      const f = (t - centres[w]) / (centres[w + 1] - centres[w]);
      bpm = path[w] * (1 - f) + path[w + 1] * f;
    }
    out[t] = (60 * frameRate) / bpm;
  }
  return out;
}
