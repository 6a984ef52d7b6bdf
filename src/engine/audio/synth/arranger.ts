/**
 * The arranger: turns a SynthSpec into a Score (timed note events and the exact ground truth).
 * This file holds the grid (bars, tempo map, sub-steps, anticipations), the pickup and the ending;
 * the instrument parts are written by drums.ts and parts.ts.
 *
 * Downbeat cues are deliberate but not blatant: the strongest kick, the crash, chord changes, the bass
 * root and the lead's phrase starts fall on bar 1; syncopation (anticipations, displaced backbeats,
 * off-beat kicks) and pickups blur them the way real music does.
 */
import { playDrums } from './drums';
import { chordTones, progressionFor, scaleOf, voicing } from './harmony';
import { playArp, playBass, playLead, playPad, playPiano, playStrings } from './parts';
import { Prng, deriveSeed } from './prng';
import { type ChordSpan, FADE_SECONDS, type NoteEvent, type Score, type Voice } from './score';
import { TempoMap } from './tempo-map';
import type { Instrument, SynthSpec } from './types';

/** Energy of the single implicit section when a spec has none. */
const DEFAULT_ENERGY = 0.75;

export interface Bar {
  index: number;
  startBeat: number;
  energy: number;
  label: string;
  barInSection: number;
  isSectionStart: boolean;
  /** Last bar of a section that another section follows (drum fill). */
  leadsIntoSection: boolean;
  /** Chord roots, semitones above the tonic. */
  root: number;
  /** This bar's chord is anticipated by an off-beat at the end of the previous bar. */
  anticipated: boolean;
}

export interface Motif {
  steps: Array<{ step: number; len: number; degree: number }>;
}

export function planScore(spec: SynthSpec): Score {
  return new Arranger(spec).run();
}

export class Arranger {
  readonly map: TempoMap;
  readonly rng: Prng; // arrangement decisions
  private readonly jitter: Prng; // humanize only, so jitter never changes the arrangement
  private readonly noise: Prng; // per-note seeds for noise and oscillator phases
  private readonly dynamics: Prng; // +-8 % velocity variation, so no two hits are exactly alike
  readonly has: Set<Instrument>;
  readonly bpb: number;
  readonly sub: number;
  readonly swing: number;
  readonly sync: number;
  private readonly pickup: number;
  private readonly cutoff: number;
  readonly key: number;
  readonly mode: 'major' | 'minor';
  private readonly events: NoteEvent[] = [];
  private readonly chords: ChordSpan[] = [];
  readonly motifs = new Map<string, Motif>();
  readonly bassPatterns = new Map<string, Array<{ interval: number; len: number } | null>>();
  /** Loudness of the current section (quiet intros, loud choruses), applied to every velocity. */
  private gain = 1;
  /** The bar after the one being played (anticipations reach into it). */
  private nextBar: Bar | null = null;

  constructor(readonly spec: SynthSpec) {
    this.map = new TempoMap(spec.tempo, spec.leadInSeconds ?? 0);
    this.rng = new Prng(deriveSeed(spec.seed, 1));
    this.jitter = new Prng(deriveSeed(spec.seed, 2));
    this.noise = new Prng(deriveSeed(spec.seed, 3));
    this.dynamics = new Prng(deriveSeed(spec.seed, 4));
    this.has = new Set(spec.instruments);
    this.bpb = spec.meter.beatsPerBar;
    this.sub = spec.meter.subdivision;
    this.swing = this.sub === 2 ? (spec.swing ?? 0) : 0;
    this.sync = spec.syncopation ?? 0;
    this.pickup = spec.pickupBeats ?? 0;
    this.cutoff = spec.durationSeconds - FADE_SECONDS;
    this.key = spec.key ?? 0;
    this.mode = spec.mode ?? 'major';
  }

  run(): Score {
    const bars = this.planBars();
    const endBeat = this.pickup + bars.length * this.bpb;
    const hasEnding = this.spec.sections !== undefined && this.map.timeAt(endBeat) < this.cutoff;

    this.gain = sectionGain(bars[0]?.energy ?? DEFAULT_ENERGY);
    this.playPickup();
    bars.forEach((bar, i) => {
      this.nextBar = bars[i + 1] ?? null;
      this.playBar(bar);
    });
    if (hasEnding) this.playEnding(endBeat);

    const beats: number[] = [];
    const downbeats: number[] = [];
    const lastBeat = hasEnding ? endBeat : endBeat - 1;
    for (let b = 0; b <= lastBeat; b++) {
      const t = this.map.timeAt(b);
      if (t >= this.cutoff) break;
      beats.push(t);
      if (b >= this.pickup && (b - this.pickup) % this.bpb === 0) downbeats.push(t);
    }
    const sections: Score['sections'] = [];
    for (const bar of bars) {
      if (!bar.isSectionStart) continue;
      const start = bar.index === 0 ? this.map.timeAt(0) : this.map.timeAt(bar.startBeat);
      if (start < this.cutoff) sections.push({ start, label: bar.label });
    }
    this.events.sort((a, b) => a.time - b.time);
    const chords = this.chords.filter((c) => c.start < this.cutoff);
    return { events: this.events, beats, downbeats, sections, chords };
  }

  private planBars(): Bar[] {
    const sections = this.spec.sections ?? [{ bars: Number.POSITIVE_INFINITY, label: 'main', energy: DEFAULT_ENERGY }];
    const bars: Bar[] = [];
    let index = 0;
    for (let s = 0; s < sections.length; s++) {
      const sec = sections[s];
      const progression = this.spec.progression ?? progressionFor(this.mode, sec.label);
      for (let i = 0; i < sec.bars; i++, index++) {
        const startBeat = this.pickup + index * this.bpb;
        if (this.map.timeAt(startBeat) >= this.cutoff) return bars;
        const root = this.spec.progression ? progression[index % progression.length] : progression[i % progression.length];
        bars.push({
          index,
          startBeat,
          energy: sec.energy,
          label: sec.label,
          barInSection: i,
          isSectionStart: i === 0,
          leadsIntoSection: i === sec.bars - 1 && s < sections.length - 1,
          root,
          anticipated: index > 0 && this.rng.chance(this.sync * 0.45),
        });
      }
    }
    return bars;
  }

  // ---- helpers -------------------------------------------------------------------------------

  note(voice: Voice, beat: number, lenBeats: number, midi: number, vel: number, pan: number, extra?: Partial<NoteEvent>): void {
    const t0 = this.map.timeAt(beat);
    if (t0 >= this.cutoff || beat < 0) return;
    const gate = Math.max(0.01, this.map.timeAt(beat + lenBeats) - t0);
    const h = this.spec.humanize ?? 0;
    const time = Math.max(0, h > 0 ? t0 + (this.jitter.gauss() * h) / 1000 : t0);
    const v = Math.min(1, Math.max(0, vel * this.gain * (0.92 + 0.16 * this.dynamics.next())));
    this.events.push({ voice, time, gate, midi, vel: v, pan, seed: this.noise.seed(), ...extra });
  }

  /** Offset of sub-step j inside a beat, in beats (the swung off-beat eighth is delayed). */
  stepOffset(j: number): number {
    if (this.sub === 2 && j === 1) return 0.5 + this.swing * 0.5;
    return j / this.sub;
  }

  /** Beat position of the last off-beat before `beat` (where anticipations land). */
  offBeatBefore(beat: number): number {
    return beat - 1 + this.stepOffset(this.sub - 1);
  }

  chord(root: number, seventh: boolean): number[] {
    return chordTones(this.mode, root, seventh);
  }

  scaleMidi(degree: number, base: number): number {
    const scale = scaleOf(this.mode);
    const oct = Math.floor(degree / 7);
    return base + scale[((degree % 7) + 7) % 7] + 12 * oct;
  }

  /** The MIDI note of pitch class (key + interval) in [low, low + 12). */
  pitchIn(low: number, interval: number): number {
    return low + ((((this.key + interval - low) % 12) + 12) % 12);
  }

  /** The tonic in [low, low + 12). */
  register(low: number): number {
    return this.pitchIn(low, 0);
  }

  // ---- arrangement ---------------------------------------------------------------------------

  private playPickup(): void {
    if (this.pickup === 0) return;
    const drums = this.has.has('snare') || this.has.has('kick') || this.has.has('hats');
    for (let b = 0; b < this.pickup; b++) {
      const rise = (b + 1) / this.pickup;
      if (this.has.has('snare')) this.note('snare', b, 0.25, 0, 0.35 + 0.4 * rise, 0.08);
      else if (drums && this.has.has('hats')) this.note('hats', b, 0.25, 0, 0.5, 0.3);
    }
    const melodic = (['lead', 'piano', 'arp', 'strings', 'pad', 'bass'] as const).find((i) => this.has.has(i));
    if (!melodic) return;
    const base = melodic === 'bass' ? this.register(36) : this.register(melodic === 'lead' || melodic === 'arp' ? 67 : 60);
    for (let b = 0; b < this.pickup; b++) {
      const degree = 7 - this.pickup + b; // climbs to the tonic on the downbeat
      this.note(melodic, b, 0.9, this.scaleMidi(degree, base), 0.55, 0.1, melodic === 'strings' ? { variant: 1 } : undefined);
    }
  }

  private playBar(bar: Bar): void {
    this.gain = sectionGain(bar.energy);
    const pcs = this.chord(bar.root, bar.energy >= 0.7).map((t) => (((this.key + t) % 12) + 12) % 12);
    this.chords.push({ start: this.map.timeAt(this.chordStart(bar)), root: pcs[0], pitchClasses: pcs });
    playDrums(this, bar);
    if (bar.energy >= 0.2) playBass(this, bar);
    if (this.has.has('pad')) playPad(this, bar);
    if (this.has.has('strings')) playStrings(this, bar);
    if (this.has.has('piano')) playPiano(this, bar);
    if (this.has.has('arp') && bar.energy >= 0.35) playArp(this, bar);
    if (this.has.has('lead') && bar.energy >= 0.5) playLead(this, bar);
  }

  nextBarAnticipated(bar: Bar): Bar | null {
    return this.nextBar && this.nextBar.index === bar.index + 1 && this.nextBar.anticipated ? this.nextBar : null;
  }

  chordStart(bar: Bar): number {
    return bar.anticipated ? this.offBeatBefore(bar.startBeat) : bar.startBeat;
  }

  /** Where this bar's chord ends: early when the next chord is anticipated, so chords never overlap. */
  chordEnd(bar: Bar): number {
    const end = bar.startBeat + this.bpb;
    return this.nextBarAnticipated(bar) ? this.offBeatBefore(end) : end;
  }

  private playEnding(beat: number): void {
    this.gain = 1;
    const tonicPcs = this.chord(0, false).map((t) => (((this.key + t) % 12) + 12) % 12);
    this.chords.push({ start: this.map.timeAt(beat), root: tonicPcs[0], pitchClasses: tonicPcs });
    const drums = this.has.has('hats') || this.has.has('snare');
    if (this.has.has('kick')) this.note('kick', beat, 0.5, 0, 1, 0);
    if (drums) this.note('crash', beat, 4, 0, 1, -0.3);
    const tonic = this.chord(0, false);
    const hold = (1.5 * this.map.bpmAt(beat)) / 60; // hold the chord ~1.5 s (in beats), then let it ring out
    if (this.has.has('bass')) this.note('bass', beat, hold * 0.6, this.register(36), 1, 0, { release: 0.6 });
    if (this.has.has('pad')) voicing(this.key, tonic, 55).forEach((m, i) => this.note('pad', beat, hold, m, 0.9, -0.45 + 0.45 * i, { release: 0.7 }));
    if (this.has.has('strings')) voicing(this.key, tonic, 57).forEach((m, i) => this.note('strings', beat, hold, m, 0.8, -0.6 + 0.6 * i, { release: 0.7, variant: 0 }));
    if (this.has.has('piano')) [this.register(40), ...voicing(this.key, tonic, 60)].forEach((m) => this.note('piano', beat, hold * 1.5, m, 0.9, 0));
    if (this.has.has('lead')) this.note('lead', beat, hold * 0.5, this.register(67), 0.8, 0.12, { release: 0.6 });
    if (this.has.has('arp')) this.note('arp', beat, 1, this.register(67) + 12, 0.7, -0.35, { release: 0.5 });
  }
}

function sectionGain(energy: number): number {
  return 0.55 + 0.45 * energy;
}
