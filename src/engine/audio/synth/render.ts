/**
 * Renders a Score's note events into PCM: patches and mix levels per voice, end fade, peak normalisation.
 *
 * Works like a sampler: each distinct note (voice, pitch, sample-exact length, articulation) is
 * synthesised once at velocity 1 and mixed in, scaled and panned, wherever it recurs. Songs repeat
 * their chords and drums constantly, so this is what makes a 2:20 song render in well under a second.
 */
import type { PcmAudio } from '../pcm';
import { midiToHz } from './harmony';
import { addReverb } from './reverb';
import { FADE_SECONDS, type NoteEvent, type Voice } from './score';
import {
  KICK_SECONDS,
  SNARE_SECONDS,
  type TonePatch,
  Wave,
  noiseHitSeconds,
  pianoSeconds,
  renderKick,
  renderNoiseHit,
  renderPiano,
  renderSnare,
  renderTone,
  toneSeconds,
} from './voices';

/** Peak level after normalisation: -1 dBFS. */
export const PEAK_DBFS = -1;

const BASS: TonePatch = { wave: Wave.Saw, unison: 2, detuneCents: 6, attack: 0.004, decay: 0.25, sustain: 0.6, release: 0.05, cutoffHz: 220, filterEnvHz: 900, filterDecay: 0.08, level: 0.6 };
const PAD: TonePatch = { wave: Wave.Saw, unison: 3, detuneCents: 12, attack: 0.12, decay: 1.0, sustain: 0.75, release: 0.3, cutoffHz: 1100, filterEnvHz: 900, filterDecay: 0.4, level: 0.17 };
const LEAD: TonePatch = { wave: Wave.Square, unison: 2, detuneCents: 5, attack: 0.006, decay: 0.2, sustain: 0.65, release: 0.08, cutoffHz: 1800, filterEnvHz: 2500, filterDecay: 0.12, level: 0.2 };
const ARP: TonePatch = { wave: Wave.Saw, unison: 1, detuneCents: 0, attack: 0.002, decay: 0.12, sustain: 0.2, release: 0.05, cutoffHz: 1400, filterEnvHz: 3200, filterDecay: 0.06, level: 0.2 };
const STRINGS_SUSTAIN: TonePatch = { wave: Wave.Saw, unison: 3, detuneCents: 9, attack: 0.3, decay: 1.5, sustain: 0.85, release: 0.35, cutoffHz: 2200, filterEnvHz: 600, filterDecay: 0.5, level: 0.13 };
const STRINGS_MARCATO: TonePatch = { ...STRINGS_SUSTAIN, attack: 0.02, decay: 0.18, sustain: 0.45, release: 0.12, filterEnvHz: 2000, filterDecay: 0.1 };
const TONE_PATCHES = { bass: BASS, pad: PAD, lead: LEAD, arp: ARP } as const;

const KICK_LEVEL = 0.95;
const SNARE_LEVEL = 0.9;
const HAT_LEVEL = 1.2;
const CRASH_LEVEL = 0.6;
const PIANO_LEVEL = 0.32;
/** How much of each voice goes to the room reverb (kick and bass stay dry, as in most mixes). */
const REVERB_SEND: Record<Voice, number> = {
  kick: 0,
  bass: 0,
  snare: 0.35,
  hats: 0.1,
  openhat: 0.1,
  crash: 0.15,
  pad: 0.35,
  lead: 0.3,
  arp: 0.35,
  piano: 0.3,
  strings: 0.4,
};
const ROOM = { feedback: 0.8, damping: 0.35, wet: 0.6 };

/** Rendered notes kept for reuse, in samples (64 MiB); past it notes are rendered and dropped. */
const CACHE_LIMIT = 16 * 1024 * 1024;

export function renderEvents(
  events: readonly NoteEvent[],
  sampleRate: number,
  channels: 1 | 2,
  durationSeconds: number,
  normalisePeak = true,
): PcmAudio {
  const frames = Math.round(durationSeconds * sampleRate);
  const mixer = new Mixer(sampleRate, frames, channels);
  for (const ev of events) mixer.play(ev);
  const out = mixer.channels();
  addReverb(mixer.send, out, sampleRate, ROOM);
  fadeOut(out, Math.round(FADE_SECONDS * sampleRate));
  if (normalisePeak) normalise(out, 10 ** (PEAK_DBFS / 20));
  return { sampleRate, channels: out };
}

class Mixer {
  private readonly left: Float32Array;
  private readonly right: Float32Array | null;
  /** Mono reverb send bus. */
  readonly send: Float32Array;
  private readonly cache = new Map<string, Float32Array>();
  private cached = 0;

  constructor(
    private readonly sr: number,
    frames: number,
    channels: 1 | 2,
  ) {
    this.left = new Float32Array(frames);
    this.right = channels === 2 ? new Float32Array(frames) : null;
    this.send = new Float32Array(frames);
  }

  channels(): Float32Array[] {
    return this.right ? [this.left, this.right] : [this.left];
  }

  play(ev: NoteEvent): void {
    const sr = this.sr;
    const gateN = Math.round(ev.gate * sr);
    const gate = gateN / sr;
    switch (ev.voice) {
      case 'kick':
        return this.mix(this.note('kick', KICK_SECONDS, (o) => renderKick(o, sr)), ev, ev.vel * KICK_LEVEL);
      case 'snare': {
        const v = ev.seed & 3; // four recorded "samples" per drum keep hits from sounding identical
        return this.mix(this.note(`snare${v}`, SNARE_SECONDS, (o) => renderSnare(o, sr, v + 101)), ev, ev.vel * SNARE_LEVEL);
      }
      case 'hats': {
        const v = ev.seed & 7;
        return this.mix(this.note(`hat${v}`, noiseHitSeconds(0.035), (o) => renderNoiseHit(o, sr, v + 201, 0.035, 7000)), ev, ev.vel * HAT_LEVEL);
      }
      case 'openhat': {
        const v = ev.seed & 3;
        return this.mix(this.note(`ohat${v}`, noiseHitSeconds(0.22), (o) => renderNoiseHit(o, sr, v + 301, 0.22, 6500)), ev, ev.vel * HAT_LEVEL * 0.8);
      }
      case 'crash': {
        // Independent noise per channel gives the cymbal its width.
        const seconds = noiseHitSeconds(1.1);
        const l = this.note(`crashL${ev.seed & 1}`, seconds, (o) => renderNoiseHit(o, sr, (ev.seed & 1) + 401, 1.1, 4000));
        const r = this.note(`crashR${ev.seed & 1}`, seconds, (o) => renderNoiseHit(o, sr, (ev.seed & 1) + 501, 1.1, 4000));
        return this.mix(l, ev, ev.vel * CRASH_LEVEL, r);
      }
      case 'piano': {
        const velQ = Math.max(1, Math.round(ev.vel * 8)) / 8; // brightness depends on velocity: 8 layers
        const f = midiToHz(ev.midi);
        const buf = this.note(`piano:${ev.midi}:${gateN}:${velQ}`, pianoSeconds(gate, f), (o) => renderPiano(o, sr, gate, f, velQ));
        return this.mix(buf, ev, ev.vel * PIANO_LEVEL);
      }
      case 'strings':
      case 'bass':
      case 'pad':
      case 'lead':
      case 'arp': {
        const patch = ev.voice === 'strings' ? (ev.variant === 1 ? STRINGS_MARCATO : STRINGS_SUSTAIN) : TONE_PATCHES[ev.voice];
        const release = ev.release ?? patch.release;
        const f = midiToHz(ev.midi);
        const key = `${ev.voice}${ev.variant ?? 0}:${ev.midi}:${gateN}:${release}`;
        const buf = this.note(key, toneSeconds(gate, release), (o) => renderTone(o, sr, gate, f, patch, ev.seed, release));
        return this.mix(buf, ev, ev.vel);
      }
    }
  }

  /** The rendered note for `key`, synthesising it on first use. */
  private note(key: string, seconds: number, render: (out: Float32Array) => void): Float32Array {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const buf = new Float32Array(Math.max(1, Math.round(seconds * this.sr)));
    render(buf);
    if (this.cached + buf.length <= CACHE_LIMIT) {
      this.cache.set(key, buf);
      this.cached += buf.length;
    }
    return buf;
  }

  /** Adds a note at the event's onset with constant-power panning (`bufR`: a separate right-channel source). */
  private mix(buf: Float32Array, ev: NoteEvent, gain: number, bufR: Float32Array = buf): void {
    const start = Math.round(ev.time * this.sr);
    const { left, right } = this;
    const n = Math.min(buf.length, left.length - start);
    if (n <= 0) return;
    const sendGain = REVERB_SEND[ev.voice] * gain;
    if (sendGain > 0) {
      const send = this.send;
      for (let i = 0; i < n; i++) send[start + i] += buf[i] * sendGain;
    }
    if (!right) {
      for (let i = 0; i < n; i++) left[start + i] += buf[i] * gain;
      return;
    }
    const theta = ((ev.pan + 1) * Math.PI) / 4;
    const gl = Math.cos(theta) * gain;
    const gr = Math.sin(theta) * gain;
    for (let i = 0; i < n; i++) {
      left[start + i] += buf[i] * gl;
      right[start + i] += bufR[i] * gr;
    }
  }
}

/** Linear fade over the last `n` frames, so a piece cut at its duration never ends on a click. */
function fadeOut(channels: Float32Array[], n: number): void {
  for (const x of channels) {
    const len = x.length;
    const m = Math.min(n, len);
    for (let i = 0; i < m; i++) x[len - 1 - i] *= i / m;
  }
}

function normalise(channels: Float32Array[], target: number): void {
  let peak = 0;
  for (const x of channels) for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  if (peak === 0) return;
  const g = target / peak;
  for (const x of channels) for (let i = 0; i < x.length; i++) x[i] *= g;
}
