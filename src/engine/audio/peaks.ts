import type { PcmAudio } from './pcm';

export interface Peaks {
  durationSeconds: number;
  min: number[];
  max: number[];
}

/**
 * Min/max envelope over `buckets` equal slices of the audio, across all channels: what a waveform
 * view draws. Values are rounded to 1e-4 so they travel compactly as JSON.
 */
export function computePeaks(audio: PcmAudio, buckets: number): Peaks {
  const n = audio.channels[0]?.length ?? 0;
  const count = Math.max(1, Math.min(buckets, Math.max(1, n)));
  const min = new Array<number>(count).fill(0);
  const max = new Array<number>(count).fill(0);
  for (let b = 0; b < count; b++) {
    const start = Math.floor((b * n) / count);
    const end = Math.max(start + 1, Math.floor(((b + 1) * n) / count));
    let lo = Infinity;
    let hi = -Infinity;
    for (const ch of audio.channels) {
      for (let i = start; i < end && i < n; i++) {
        const v = ch[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    min[b] = Number.isFinite(lo) ? Math.round(lo * 1e4) / 1e4 : 0;
    max[b] = Number.isFinite(hi) ? Math.round(hi * 1e4) / 1e4 : 0;
  }
  return { durationSeconds: n / audio.sampleRate, min, max };
}
