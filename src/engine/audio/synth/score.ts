/**
 * The arranger: turns a SynthSpec into timed note events plus the ground truth (beats, downbeats,
 * sections). No audio here, so the truth can be checked cheaply for a whole test set.
 *
 * Downbeat cues are deliberate but not blatant: the strongest kick, the crash, chord changes, the bass
 * root and the lead's phrase starts fall on bar 1; syncopation (anticipations, displaced backbeats,
 * off-beat kicks) and pickups blur them the way real music does.
 */
import { chordTones, progressionFor, scaleOf, voicing } from './harmony';
import { Prng, deriveSeed } from './prng';
import { TempoMap } from './tempo-map';
import type { Instrument, SynthSpec } from './types';

export type Voice = Instrument | 'openhat' | 'crash';

export interface NoteEvent {
  voice: Voice;
  /** Onset in seconds (humanize jitter included). */
  time: number;
  /** How long the note is held, seconds. */
  gate: number;
  midi: number;
  vel: number;
  pan: number;
  seed: number;
  /** Overrides the patch's release (the final hit rings out). */
  release?: number;
  /** Articulation: strings 0 = sustained, 1 = marcato. */
  variant?: number;
}

export interface Score {
  events: NoteEvent[];
  beats: number[];
  downbeats: number[];
  sections: Array<{ start: number; label: string }>;
  chords: ChordSpan[];
}

/** The harmony ground truth: from `start` (s, the grid time of the chord's attack) these pitch classes sound. */
export interface ChordSpan {
  start: number;
  /** Pitch class of the root, 0 = C. */
  root: number;
  /** Pitch classes of the chord tones, root first. */
  pitchClasses: number[];
}

/** The last 100 ms of every piece fade to silence; nothing is scheduled (or annotated) inside them. */
export const FADE_SECONDS = 0.1;
/** Energy of the single implicit section when a spec has none. */
const DEFAULT_ENERGY = 0.75;

interface Bar {
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

interface Motif {
  steps: Array<{ step: number; len: number; degree: number }>;
}

export function planScore(spec: SynthSpec): Score {
  return new Arranger(spec).run();
}

class Arranger {
  private readonly map: TempoMap;
  private readonly rng: Prng; // arrangement decisions
  private readonly jitter: Prng; // humanize only, so jitter never changes the arrangement
  private readonly noise: Prng; // per-note seeds for noise and oscillator phases
  private readonly has: Set<Instrument>;
  private readonly bpb: number;
  private readonly sub: number;
  private readonly swing: number;
  private readonly sync: number;
  private readonly pickup: number;
  private readonly cutoff: number;
  private readonly key: number;
  private readonly mode: 'major' | 'minor';
  private readonly events: NoteEvent[] = [];
  private readonly chords: ChordSpan[] = [];
  private readonly motifs = new Map<string, Motif>();
  private readonly bassPatterns = new Map<string, Array<{ interval: number; len: number } | null>>();
  /** Loudness of the current section (quiet intros, loud choruses), applied to every velocity. */
  private gain = 1;
  /** The bar after the one being played (anticipations reach into it). */
  private nextBar: Bar | null = null;

  constructor(private readonly spec: SynthSpec) {
    this.map = new TempoMap(spec.tempo, spec.leadInSeconds ?? 0);
    this.rng = new Prng(deriveSeed(spec.seed, 1));
    this.jitter = new Prng(deriveSeed(spec.seed, 2));
    this.noise = new Prng(deriveSeed(spec.seed, 3));
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

  private note(voice: Voice, beat: number, lenBeats: number, midi: number, vel: number, pan: number, extra?: Partial<NoteEvent>): void {
    const t0 = this.map.timeAt(beat);
    if (t0 >= this.cutoff || beat < 0) return;
    const gate = Math.max(0.01, this.map.timeAt(beat + lenBeats) - t0);
    const h = this.spec.humanize ?? 0;
    const time = Math.max(0, h > 0 ? t0 + (this.jitter.gauss() * h) / 1000 : t0);
    const v = Math.min(1, Math.max(0, vel * this.gain));
    this.events.push({ voice, time, gate, midi, vel: v, pan, seed: this.noise.seed(), ...extra });
  }

  /** Offset of sub-step j inside a beat, in beats (the swung off-beat eighth is delayed). */
  private stepOffset(j: number): number {
    if (this.sub === 2 && j === 1) return 0.5 + this.swing * 0.5;
    return j / this.sub;
  }

  /** Beat position of the last off-beat before `beat` (where anticipations land). */
  private offBeatBefore(beat: number): number {
    return beat - 1 + this.stepOffset(this.sub - 1);
  }

  private chord(root: number, seventh: boolean): number[] {
    return chordTones(this.mode, root, seventh);
  }

  private scaleMidi(degree: number, base: number): number {
    const scale = scaleOf(this.mode);
    const oct = Math.floor(degree / 7);
    return base + scale[((degree % 7) + 7) % 7] + 12 * oct;
  }

  /** The MIDI note of pitch class (key + interval) in [low, low + 12). */
  private pitchIn(low: number, interval: number): number {
    return low + ((((this.key + interval - low) % 12) + 12) % 12);
  }

  /** The tonic in [low, low + 12). */
  private register(low: number): number {
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
    this.playDrums(bar);
    if (bar.energy >= 0.2) this.playBass(bar);
    if (this.has.has('pad')) this.playPad(bar);
    if (this.has.has('strings')) this.playStrings(bar);
    if (this.has.has('piano')) this.playPiano(bar);
    if (this.has.has('arp') && bar.energy >= 0.35) this.playArp(bar);
    if (this.has.has('lead') && bar.energy >= 0.5) this.playLead(bar);
  }

  private playDrums(bar: Bar): void {
    const { energy: e, startBeat: b0 } = bar;
    const { bpb, sub, rng, sync } = this;
    const roles = drumRoles(bpb);
    const bpm = this.map.bpmAt(b0);
    const fill = bar.leadsIntoSection && e >= 0.5 && this.has.has('snare');

    if (this.has.has('hats') && e >= 0.15) {
      const sixteenths = e >= 0.85 && sub === 2 && this.swing === 0 && bpm < 135;
      for (let beat = 0; beat < bpb; beat++) {
        if (e < 0.35) {
          this.note('hats', b0 + beat, 0.25, 0, beat === 0 ? 0.75 : 0.6, 0.3);
          continue;
        }
        const positions = sixteenths ? [0, 0.25, 0.5, 0.75] : Array.from({ length: sub }, (_, j) => this.stepOffset(j));
        positions.forEach((off, j) => {
          const open = beat === bpb - 1 && j === positions.length - 1 && e >= 0.7 && rng.chance(0.35);
          const vel = j === 0 ? (beat === 0 ? 0.85 : 0.7) : 0.42 + (sync > 0.5 && rng.chance(sync * 0.3) ? 0.3 : 0);
          this.note(open ? 'openhat' : 'hats', b0 + beat + off, 0.25, 0, vel, 0.3);
        });
      }
    }

    if (this.has.has('kick') && e >= 0.25) {
      for (let beat = 0; beat < bpb; beat++) {
        const role = roles[beat];
        if (beat === 0) {
          this.note('kick', b0, 0.5, 0, 1, 0);
          continue;
        }
        const kickHere = role === 'K' || role === 'k' ? e >= 0.45 || beat === Math.floor(bpb / 2) : false;
        if (!kickHere) continue;
        // Syncopation pulls some kicks onto the off-beat before them.
        const pos = rng.chance(sync * 0.6) ? this.offBeatBefore(b0 + beat) : b0 + beat;
        this.note('kick', pos, 0.5, 0, role === 'K' ? 0.9 : 0.8, 0);
      }
      if (e >= 0.6 && bpb >= 4 && rng.chance(0.25 + sync * 0.5)) {
        const beat = 1 + rng.int(bpb - 1);
        this.note('kick', b0 + beat + this.stepOffset(sub - 1), 0.5, 0, 0.7, 0);
      }
    }

    if (this.has.has('snare') && e >= 0.45) {
      for (let beat = 0; beat < bpb; beat++) {
        const role = roles[beat];
        if (fill && beat === bpb - 1) continue; // the fill replaces the last backbeat
        if (role === 'S' || role === 's') {
          const displaced = rng.chance(sync * 0.35);
          const pos = displaced ? b0 + beat + this.stepOffset(sub - 1) : b0 + beat;
          this.note('snare', pos, 0.25, 0, role === 'S' ? 0.85 : 0.5, 0.08);
        }
        // ghost notes on off-beats
        for (let j = 1; j < sub; j++) {
          if (rng.chance(sync * 0.4)) this.note('snare', b0 + beat + this.stepOffset(j), 0.2, 0, 0.22, 0.08);
        }
      }
      if (fill) {
        const steps = sub === 2 ? 4 : 3;
        for (let j = 0; j < steps; j++) this.note('snare', b0 + bpb - 1 + j / steps, 0.2, 0, 0.45 + (0.45 * j) / steps, 0.08);
      }
    }

    const drums = this.has.has('hats') || this.has.has('snare');
    const crash = bar.isSectionStart ? e >= 0.5 : e >= 0.8 && bar.barInSection % 8 === 0;
    if (drums && crash) this.note('crash', b0, 2, 0, 0.8, -0.3);
  }

  private playBass(bar: Bar): void {
    if (!this.has.has('bass')) return;
    const { energy: e, startBeat: b0 } = bar;
    const root = this.bassRootOf(bar);
    const next = this.nextBarAnticipated(bar);
    const barEnd = next ? this.offBeatBefore(b0 + this.bpb) : b0 + this.bpb;
    if (e < 0.45) {
      if (!bar.anticipated) this.note('bass', b0, Math.min(this.bpb, barEnd - b0) * 0.95, root, 0.9, 0);
      const mid = Math.floor(this.bpb / 2);
      if (this.bpb >= 4 && this.rng.chance(0.5)) this.note('bass', b0 + mid, (barEnd - b0 - mid) * 0.9, root, 0.7, 0);
    } else {
      const pattern = this.bassPattern(bar.label, e);
      pattern.forEach((step, s) => {
        if (!step || (s === 0 && bar.anticipated)) return;
        const beat = Math.floor(s / this.sub);
        const pos = b0 + beat + this.stepOffset(s % this.sub);
        if (pos >= barEnd) return;
        const len = Math.min(step.len / this.sub, barEnd - pos) * 0.9;
        this.note('bass', pos, len, root + step.interval, s === 0 ? 1 : s % this.sub === 0 ? 0.8 : 0.65, 0);
      });
    }
    if (next) this.note('bass', barEnd, b0 + this.bpb + 1 - barEnd, this.bassRootOf(next), 0.9, 0);
  }

  private bassRootOf(bar: Bar): number {
    return this.pitchIn(36, bar.root);
  }

  private nextBarAnticipated(bar: Bar): Bar | null {
    return this.nextBar && this.nextBar.index === bar.index + 1 && this.nextBar.anticipated ? this.nextBar : null;
  }

  private bassPattern(label: string, e: number): Array<{ interval: number; len: number } | null> {
    const cacheKey = `${label}:${e >= 0.7 ? 'busy' : 'plain'}`;
    const cached = this.bassPatterns.get(cacheKey);
    if (cached) return cached;
    const rng = new Prng(deriveSeed(this.spec.seed, hashLabel(cacheKey)));
    const steps = this.bpb * this.sub;
    const onsets: boolean[] = [];
    for (let s = 0; s < steps; s++) {
      const onBeat = s % this.sub === 0;
      const p = s === 0 ? 1 : onBeat ? 0.7 : (e >= 0.7 ? 0.35 : 0.1) + 0.3 * this.sync;
      onsets.push(rng.chance(p));
    }
    const pattern = onsets.map((on, s) => {
      if (!on) return null;
      let len = 1;
      while (s + len < steps && !onsets[s + len]) len++;
      return { interval: s === 0 ? 0 : rng.pick([0, 0, 7, 12, 10]), len };
    });
    this.bassPatterns.set(cacheKey, pattern);
    return pattern;
  }

  private chordStart(bar: Bar): number {
    return bar.anticipated ? this.offBeatBefore(bar.startBeat) : bar.startBeat;
  }

  /** Where this bar's chord ends: early when the next chord is anticipated, so chords never overlap. */
  private chordEnd(bar: Bar): number {
    const end = bar.startBeat + this.bpb;
    return this.nextBarAnticipated(bar) ? this.offBeatBefore(end) : end;
  }

  private playPad(bar: Bar): void {
    const notes = voicing(this.key, this.chord(bar.root, bar.energy >= 0.7), 55);
    const start = this.chordStart(bar);
    const len = this.chordEnd(bar) - start;
    notes.forEach((m, i) => {
      const pan = notes.length > 1 ? -0.45 + (0.9 * i) / (notes.length - 1) : 0;
      this.note('pad', start, len * 0.98, m, 0.55 + 0.35 * bar.energy, pan);
    });
  }

  private playStrings(bar: Bar): void {
    const notes = [this.pitchIn(43, bar.root), ...voicing(this.key, this.chord(bar.root, false), 57)];
    const pans = (i: number) => -0.6 + (1.2 * i) / (notes.length - 1);
    if (bar.energy >= 0.5) {
      for (let beat = 0; beat < this.bpb; beat++) {
        const pos = beat === 0 ? this.chordStart(bar) : bar.startBeat + beat;
        notes.forEach((m, i) => this.note('strings', pos, 0.7, m, beat === 0 ? 0.95 : 0.6, pans(i), { variant: 1 }));
      }
    } else {
      const start = this.chordStart(bar);
      notes.forEach((m, i) => this.note('strings', start, (this.chordEnd(bar) - start) * 0.98, m, 0.7, pans(i), { variant: 0 }));
    }
  }

  private playPiano(bar: Bar): void {
    const { energy: e, startBeat: b0 } = bar;
    const tones = this.chord(bar.root, e >= 0.7);
    const rh = voicing(this.key, tones, 60);
    const lh = this.pitchIn(40, bar.root);
    const pan = (m: number) => Math.max(-0.5, Math.min(0.5, (m - 60) / 30));
    const start = this.chordStart(bar);
    this.note('piano', start, this.bpb * 0.9, lh, 0.85, pan(lh));
    for (let beat = 0; beat < this.bpb; beat++) {
      const accent = beat === 0 ? 0.9 : 0.5;
      let pos = beat === 0 ? start : b0 + beat;
      if (beat > 0 && this.rng.chance(this.sync * 0.5)) pos = this.offBeatBefore(pos); // anticipate the beat
      if (e >= 0.4 || beat === 0) {
        for (const m of rh) this.note('piano', pos, 0.8, m, accent, pan(m));
      } else {
        const m = rh[beat % rh.length];
        this.note('piano', pos, 0.8, m, accent, pan(m));
      }
      if (this.sub === 3 && e >= 0.6) for (const m of rh) this.note('piano', b0 + beat + 2 / 3, 0.3, m, 0.35, pan(m));
    }
  }

  private playArp(bar: Bar): void {
    const tones = voicing(this.key, this.chord(bar.root, bar.energy >= 0.7), 67);
    const n = tones.length;
    for (let beat = 0; beat < this.bpb; beat++) {
      for (let j = 0; j < this.sub; j++) {
        const i = beat * this.sub + j;
        const m = tones[i % n] + 12 * (Math.floor(i / n) % 2);
        const vel = i === 0 ? 0.8 : j === 0 ? 0.62 : 0.45;
        this.note('arp', bar.startBeat + beat + this.stepOffset(j), 0.85 / this.sub, m, vel, -0.35);
      }
    }
  }

  private playLead(bar: Bar): void {
    const motif = this.motif(bar.label);
    const stepsPerBar = this.bpb * this.sub;
    const half = bar.barInSection % 2;
    const chordPcs = this.chord(bar.root, true).map((t) => (((this.key + t) % 12) + 12) % 12);
    const base = this.register(67);
    for (const n of motif.steps) {
      if (Math.floor(n.step / stepsPerBar) !== half) continue;
      const s = n.step % stepsPerBar;
      const pos = bar.startBeat + Math.floor(s / this.sub) + this.stepOffset(s % this.sub);
      let midi = this.scaleMidi(n.degree, base);
      if (s % this.sub === 0) midi = nearestChordTone(midi, chordPcs);
      this.note('lead', pos, (n.len / this.sub) * 0.92, midi, s === 0 ? 0.9 : 0.7, 0.12);
    }
  }

  /** A two-bar phrase per section label (choruses repeat their tune), seeded by label. */
  private motif(label: string): Motif {
    const cached = this.motifs.get(label);
    if (cached) return cached;
    const rng = new Prng(deriveSeed(this.spec.seed, hashLabel(`lead:${label}`)));
    const stepsPerBar = this.bpb * this.sub;
    const total = 2 * stepsPerBar;
    const onsets: number[] = [];
    for (let s = 0; s < total - this.sub; s++) {
      const onBeat = s % this.sub === 0;
      const p = s % stepsPerBar === 0 ? 0.9 : onBeat ? 0.55 - 0.25 * this.sync : 0.2 + 0.35 * this.sync;
      if (rng.chance(p)) onsets.push(s);
    }
    let degree = rng.pick([0, 2, 4, 7]);
    const steps = onsets.map((step, i) => {
      degree = Math.max(-3, Math.min(9, degree + rng.pick([-2, -1, -1, 0, 1, 1, 2])));
      const nextStep = onsets[i + 1] ?? total - this.sub;
      return { step, len: Math.max(1, Math.min(2 * this.sub, nextStep - step)), degree };
    });
    const motif = { steps };
    this.motifs.set(label, motif);
    return motif;
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

type Role = 'K' | 'k' | 'S' | 's' | '-';

/** Kick/snare roles per beat for a meter: backbeats on the even beats, waltz and 5/4 (3+2) handled. */
export function drumRoles(bpb: number): Role[] {
  switch (bpb) {
    case 1:
      return ['K'];
    case 2:
      return ['K', 'S'];
    case 3:
      return ['K', 's', 's'];
    case 5:
      return ['K', '-', 'S', 'k', 'S'];
    case 7:
      return ['K', '-', 'S', '-', 'k', '-', 'S'];
    default:
      return Array.from({ length: bpb }, (_, i) => (i === 0 ? 'K' : i % 2 === 1 ? 'S' : 'k'));
  }
}

function nearestChordTone(midi: number, pcs: number[]): number {
  for (let d = 0; d < 7; d++) {
    if (pcs.includes((((midi - d) % 12) + 12) % 12)) return midi - d;
    if (pcs.includes((((midi + d) % 12) + 12) % 12)) return midi + d;
  }
  return midi;
}

function hashLabel(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
