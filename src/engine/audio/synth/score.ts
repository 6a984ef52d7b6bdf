/**
 * What the arranger produces: timed note events plus the ground truth (beats, downbeats, sections,
 * chords). No audio here, so the truth can be checked cheaply for a whole test set.
 */
import type { Instrument } from './types';

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
