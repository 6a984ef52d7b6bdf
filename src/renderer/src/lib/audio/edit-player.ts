import type { EditPlan } from '../../../../shared/edit-plan';
import { renderPlan } from '../../../../engine/audio/render';
import type { PcmAudio } from '../../../../engine/audio/pcm';

/**
 * Audition in the UI. The edit is rendered by the very code that exports it (`renderPlan`, pure
 * TypeScript shared with the engine), so what the user hears is exactly what they will export; the
 * result plays from one AudioBufferSourceNode, whose loopStart/loopEnd give sample-accurate A/B loops
 * around a join. The AudioContext runs at the song's own rate so the browser does not resample.
 * (Tone.js is not used: scheduling one buffer with native loop points is all this needs.)
 */
export class EditPlayer {
  private ctx: AudioContext | null = null;
  private song: { id: string; pcm: PcmAudio } | null = null;
  private source: AudioBufferSourceNode | null = null;
  private startedAt = 0;
  private startOffset = 0;
  private loop: [number, number] | null = null;
  private current: AudioBuffer | null = null;
  onEnded: (() => void) | null = null;

  /** Fetches and decodes a song's file once (kept until another song is loaded). */
  async loadSong(songId: string, url: string, sampleRate: number): Promise<PcmAudio> {
    if (this.song?.id === songId) return this.song.pcm;
    this.stop();
    if (!this.ctx || this.ctx.sampleRate !== sampleRate) {
      await this.ctx?.close();
      this.ctx = new AudioContext({ sampleRate, latencyHint: 'interactive' });
    }
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not load the song's audio (${res.status})`);
    const decoded = await this.ctx.decodeAudioData(await res.arrayBuffer());
    const channels = Array.from({ length: decoded.numberOfChannels }, (_, c) => decoded.getChannelData(c));
    this.song = { id: songId, pcm: { sampleRate: decoded.sampleRate, channels } };
    return this.song.pcm;
  }

  /** Renders a plan (or the original, with `plan` null) into a playable buffer. */
  render(plan: EditPlan | null, beats: number[]): AudioBuffer {
    if (!this.ctx || !this.song) throw new Error('no song loaded');
    const pcm = plan ? renderPlan(this.song.pcm, beats, plan) : this.song.pcm;
    const buf = this.ctx.createBuffer(pcm.channels.length, Math.max(1, pcm.channels[0].length), pcm.sampleRate);
    pcm.channels.forEach((ch, c) => buf.copyToChannel(ch as Float32Array<ArrayBuffer>, c));
    return buf;
  }

  /** Plays `buffer` from `from` seconds; with `loop`, repeats [start, end) seconds until stopped. */
  async play(buffer: AudioBuffer, opts: { from?: number; loop?: [number, number] } = {}): Promise<void> {
    if (!this.ctx) throw new Error('no song loaded');
    this.stop();
    if (this.ctx.state === 'suspended') await this.ctx.resume();
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.ctx.destination);
    this.loop = opts.loop ?? null;
    if (this.loop) {
      src.loop = true;
      src.loopStart = this.loop[0];
      src.loopEnd = this.loop[1];
    }
    const from = Math.max(0, Math.min(opts.from ?? this.loop?.[0] ?? 0, buffer.duration));
    src.onended = () => {
      if (this.source === src) {
        this.source = null;
        this.onEnded?.();
      }
    };
    this.startedAt = this.ctx.currentTime;
    this.startOffset = from;
    this.current = buffer;
    src.start(0, from);
    this.source = src;
  }

  stop(): void {
    if (!this.source) return;
    const src = this.source;
    this.source = null;
    src.onended = null;
    src.stop();
    src.disconnect();
  }

  get playing(): boolean {
    return this.source !== null;
  }

  /** Playhead in seconds within the buffer being played (wrapping inside a loop). */
  get position(): number {
    if (!this.ctx || !this.source || !this.current) return this.startOffset;
    const t = this.startOffset + (this.ctx.currentTime - this.startedAt);
    if (!this.loop) return Math.min(t, this.current.duration);
    const [a, b] = this.loop;
    return t < b ? t : a + ((t - a) % (b - a));
  }
}
