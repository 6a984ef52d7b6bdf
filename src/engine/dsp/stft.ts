import { RealFft, hannWindow } from './fft';

/**
 * Magnitude short-time Fourier transform.
 *
 * Frames are centred (librosa's `center=True`): frame t is the Hann-windowed span
 * [t*hop - frameSize/2, t*hop + frameSize/2) with zeros outside the signal, so its time is exactly
 * `t * hopSize / sampleRate` seconds. Output is one Float32Array row-major block (frame-major) to keep
 * memory small and cache-friendly: bin k of frame t is `data[t * bins + k]`.
 */
export interface MagnitudeSpectrogram {
  sampleRate: number;
  frameSize: number;
  hopSize: number;
  frames: number;
  /** frameSize / 2 + 1 */
  bins: number;
  data: Float32Array;
}

export interface StftOptions {
  frameSize: number; // power of two
  hopSize: number;
}

export function frameCount(signalLength: number, hopSize: number): number {
  return signalLength <= 0 ? 0 : Math.floor(signalLength / hopSize) + 1;
}

export function magnitudeSpectrogram(signal: Float32Array, sampleRate: number, opts: StftOptions): MagnitudeSpectrogram {
  const { frameSize, hopSize } = opts;
  if (!(hopSize > 0) || !Number.isInteger(hopSize)) throw new RangeError(`hopSize must be a positive integer, got ${hopSize}`);
  const fft = new RealFft(frameSize);
  const bins = fft.bins;
  const frames = frameCount(signal.length, hopSize);
  const data = new Float32Array(frames * bins);
  const win = hannWindow(frameSize);
  const buf = new Float64Array(frameSize);
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  const halfFrame = frameSize >> 1;
  for (let t = 0; t < frames; t++) {
    windowedFrame(signal, t * hopSize - halfFrame, win, buf);
    fft.forward(buf, re, im);
    const row = t * bins;
    for (let k = 0; k < bins; k++) data[row + k] = Math.sqrt(re[k] * re[k] + im[k] * im[k]);
  }
  return { sampleRate, frameSize, hopSize, frames, bins, data };
}

/** Centre frequency in Hz of bin k. */
export function binFrequency(spec: Pick<MagnitudeSpectrogram, 'sampleRate' | 'frameSize'>, k: number): number {
  return (k * spec.sampleRate) / spec.frameSize;
}

/**
 * Copies the frame of `signal` starting at `start` (which may lie before 0 or run past the end: those
 * samples are zeros, as for centred frames) into `out`, multiplied by `win`.
 */
export function windowedFrame(signal: Float32Array, start: number, win: Float32Array | Float64Array, out: Float64Array): void {
  const size = win.length;
  const n = signal.length;
  if (start >= 0 && start + size <= n) {
    for (let i = 0; i < size; i++) out[i] = signal[start + i] * win[i];
    return;
  }
  for (let i = 0; i < size; i++) {
    const s = start + i;
    out[i] = s >= 0 && s < n ? signal[s] * win[i] : 0;
  }
}
