import type { PcmAudio } from '../pcm';
import type { ChordSpan } from './score';
import type { TempoPoint } from './tempo-map';

export type { TempoPoint };

export const INSTRUMENTS = ['kick', 'snare', 'hats', 'bass', 'pad', 'lead', 'arp', 'piano', 'strings'] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

export interface SynthSection {
  bars: number;
  label: string;
  /** 0..1: which instruments play and how busy they are (drums enter around 0.25-0.45, lead at 0.5). */
  energy: number;
}

export interface SynthSpec {
  name: string;
  seed: number;
  sampleRate: number;
  channels: 1 | 2;
  /** Exact length of the output: round(durationSeconds * sampleRate) frames. */
  durationSeconds: number;
  /** Constant bpm, or tempo points (beat 0 = the first grid beat, i.e. the first pickup beat). */
  tempo: number | TempoPoint[];
  /** 4/4 -> {4,2}; 3/4 -> {3,2}; 6/8 -> {2,3} (beat = dotted quarter); 12/8 -> {4,3}. */
  meter: { beatsPerBar: number; subdivision: 2 | 3 };
  /** 0..0.5: off-beat eighths are delayed by swing * half a beat (0.33 ~ triplet swing). Subdivision 2 only. */
  swing?: number;
  /** 0..1: probability of anticipations, displaced backbeats, off-beat kicks and accents. */
  syncopation?: number;
  /** Instruments allowed to play (sections' energy decides when). No drums => drumless music. */
  instruments: Instrument[];
  /** Song structure. With sections the music ends after them on a final hit that decays. */
  sections?: SynthSection[];
  /** Tonic pitch class, 0 = C (default 0). */
  key?: number;
  mode?: 'major' | 'minor';
  /** Chord roots per bar, in semitones above the tonic (cycled). Default: a progression per section label. */
  progression?: number[];
  /** Timing jitter of every note (std, ms). The ground truth stays the unjittered grid. Default 0. */
  humanize?: number;
  /** Anacrusis: beats played before the first downbeat (a fill / pickup melody). Default 0. */
  pickupBeats?: number;
  /** Silence before the first grid beat, seconds. Default 0. */
  leadInSeconds?: number;
}

export interface SynthTrack {
  spec: SynthSpec;
  audio: PcmAudio;
  /**
   * Seconds of every beat played: the scheduled grid (before humanize jitter), mir_eval-style
   * annotations. Includes pickup beats and the final hit; none falls in the 100 ms end fade.
   */
  beats: number[];
  /** Seconds of every bar start (a subset of beats). */
  downbeats: number[];
  /** Section starts (the first section starts at the first grid beat, pickups included). */
  sections: Array<{ start: number; label: string }>;
  /** Harmony ground truth, one span per bar (chord changes may be anticipated by an off-beat). */
  chords: ChordSpan[];
}
