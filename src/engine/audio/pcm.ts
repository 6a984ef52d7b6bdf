/** Decoded audio as the engine holds it: planar float32 channels at the file's native rate. */
export interface PcmAudio {
  sampleRate: number;
  /** One Float32Array per channel, all the same length, samples in [-1, 1]. */
  channels: Float32Array[];
}

export function pcmLength(audio: PcmAudio): number {
  return audio.channels[0]?.length ?? 0;
}

export function pcmDuration(audio: PcmAudio): number {
  return pcmLength(audio) / audio.sampleRate;
}

/** Mono mix (mean of channels); returns the channel itself for mono input. */
export function toMono(audio: PcmAudio): Float32Array {
  const { channels } = audio;
  if (channels.length === 1) return channels[0];
  const n = pcmLength(audio);
  const out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] += ch[i];
  const k = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] *= k;
  return out;
}
