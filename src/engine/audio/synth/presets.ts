/** The demo song the app opens with an empty library, and the beat-tracking test set. */
import type { Instrument, SynthSpec } from './types';

/** ~2:22, 4/4 at 112 BPM in A minor, 44.1 kHz stereo, a full song form ending on a final hit. */
export function demoSongSpec(): SynthSpec {
  return {
    name: 'Recut demo song',
    seed: 20240611,
    sampleRate: 44100,
    channels: 2,
    durationSeconds: 142,
    tempo: 112,
    meter: { beatsPerBar: 4, subdivision: 2 },
    swing: 0,
    syncopation: 0.25,
    instruments: ['kick', 'snare', 'hats', 'bass', 'pad', 'lead'],
    sections: [
      { bars: 8, label: 'intro', energy: 0.3 },
      { bars: 8, label: 'verse', energy: 0.55 },
      { bars: 8, label: 'chorus', energy: 0.9 },
      { bars: 8, label: 'verse', energy: 0.6 },
      { bars: 8, label: 'chorus', energy: 0.9 },
      { bars: 8, label: 'bridge', energy: 0.4 },
      { bars: 8, label: 'chorus', energy: 0.95 },
      { bars: 8, label: 'outro', energy: 0.3 },
    ],
    key: 9,
    mode: 'minor',
    leadInSeconds: 0.25,
  };
}

const FULL: Instrument[] = ['kick', 'snare', 'hats', 'bass', 'pad', 'lead'];
const BAND: Instrument[] = ['kick', 'snare', 'hats', 'bass', 'piano'];

/** Seed from the name, so adding a piece never changes the others. */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function piece(name: string, spec: Partial<SynthSpec>): SynthSpec {
  return {
    name,
    seed: seedOf(name),
    sampleRate: 44100,
    channels: 2,
    durationSeconds: 40,
    tempo: 120,
    meter: { beatsPerBar: 4, subdivision: 2 },
    instruments: FULL,
    ...spec,
  };
}

/**
 * Varied pieces (30-60 s, 44.1 kHz) for beat and downbeat tracking: 60-180 BPM, tempo steps and ramps,
 * 3/4, 6/8, 12/8, 5/4, swing, heavy syncopation, drumless, sparse, dense, humanized timing, pickups.
 * Names say what each one tests so a failing case reads clearly.
 */
export function beatTestSet(): SynthSpec[] {
  return [
    piece('4-4 120bpm straight pop', { durationSeconds: 40 }),
    piece('4-4 62bpm slow ballad', { tempo: 62, durationSeconds: 55, instruments: ['kick', 'snare', 'hats', 'bass', 'piano', 'strings'], mode: 'minor', key: 4 }),
    piece('4-4 176bpm fast', { tempo: 176, durationSeconds: 35, instruments: ['kick', 'snare', 'hats', 'bass', 'arp'] }),
    piece('4-4 180bpm fast drumless arp', { tempo: 180, durationSeconds: 30, instruments: ['bass', 'arp', 'pad'], key: 7 }),
    piece('4-4 60bpm slowest piano trio', { tempo: 60, durationSeconds: 60, instruments: BAND, key: 5 }),
    piece('4-4 96bpm light swing', { tempo: 96, swing: 0.2, instruments: ['kick', 'snare', 'hats', 'bass', 'piano'] }),
    piece('4-4 132bpm triplet shuffle swing', { tempo: 132, swing: 0.33, durationSeconds: 35 }),
    piece('4-4 84bpm hard swing', { tempo: 84, swing: 0.5, instruments: BAND, durationSeconds: 45 }),
    piece('3-4 90bpm waltz', { tempo: 90, meter: { beatsPerBar: 3, subdivision: 2 }, instruments: BAND, durationSeconds: 45 }),
    piece('3-4 150bpm drumless waltz', { tempo: 150, meter: { beatsPerBar: 3, subdivision: 2 }, instruments: ['piano', 'strings'], durationSeconds: 40 }),
    piece('6-8 70bpm jig', { tempo: 70, meter: { beatsPerBar: 2, subdivision: 3 }, instruments: ['kick', 'snare', 'hats', 'bass', 'arp'], durationSeconds: 45 }),
    piece('6-8 60bpm drumless ballad', { tempo: 60, meter: { beatsPerBar: 2, subdivision: 3 }, instruments: ['piano', 'strings'], durationSeconds: 50, mode: 'minor' }),
    piece('12-8 80bpm blues', { tempo: 80, meter: { beatsPerBar: 4, subdivision: 3 }, instruments: BAND, key: 7, durationSeconds: 50 }),
    piece('5-4 160bpm odd meter', { tempo: 160, meter: { beatsPerBar: 5, subdivision: 2 }, instruments: BAND, mode: 'minor', key: 3, durationSeconds: 40 }),
    piece('5-4 110bpm drumless', { tempo: 110, meter: { beatsPerBar: 5, subdivision: 2 }, instruments: ['pad', 'piano'], durationSeconds: 40 }),
    piece('tempo step 100 to 130', { tempo: [{ atBeat: 0, bpm: 100 }, { atBeat: 48, bpm: 130 }], durationSeconds: 45 }),
    piece('tempo steps 140 110 125', { tempo: [{ atBeat: 0, bpm: 140 }, { atBeat: 32, bpm: 110 }, { atBeat: 64, bpm: 125 }], durationSeconds: 50, instruments: BAND }),
    piece('tempo ramp accelerando 90 to 140', { tempo: [{ atBeat: 0, bpm: 90 }, { atBeat: 16, bpm: 90 }, { atBeat: 80, bpm: 140, ramp: true }], durationSeconds: 50 }),
    piece('tempo ramp ritardando 150 to 100', { tempo: [{ atBeat: 0, bpm: 150 }, { atBeat: 64, bpm: 100, ramp: true }], durationSeconds: 40, instruments: BAND }),
    piece('4-4 108bpm syncopated funk', { tempo: 108, syncopation: 0.8, instruments: ['kick', 'snare', 'hats', 'bass', 'arp'] }),
    piece('4-4 95bpm heavy syncopation', { tempo: 95, syncopation: 1, durationSeconds: 45 }),
    piece('4-4 84bpm drumless pad piano', { tempo: 84, instruments: ['pad', 'piano', 'bass'], durationSeconds: 45 }),
    piece('4-4 126bpm drumless strings arp', { tempo: 126, instruments: ['strings', 'arp'], durationSeconds: 35, mode: 'minor', key: 2 }),
    piece('4-4 72bpm sparse', { tempo: 72, instruments: ['kick', 'hats', 'piano'], sections: [{ bars: 100, label: 'main', energy: 0.25 }], durationSeconds: 45 }),
    piece('4-4 128bpm dense', { tempo: 128, instruments: ['kick', 'snare', 'hats', 'bass', 'pad', 'lead', 'arp', 'piano', 'strings'], sections: [{ bars: 100, label: 'main', energy: 1 }], syncopation: 0.3 }),
    piece('4-4 110bpm humanized 15ms', { tempo: 110, humanize: 15, instruments: BAND }),
    piece('4-4 90bpm humanized drumless 20ms', { tempo: 90, humanize: 20, instruments: ['piano', 'strings'], durationSeconds: 40 }),
    piece('4-4 120bpm pickup 1 beat', { pickupBeats: 1, leadInSeconds: 1 }),
    piece('3-4 100bpm pickup 2 beats', { tempo: 100, meter: { beatsPerBar: 3, subdivision: 2 }, pickupBeats: 2, instruments: BAND, durationSeconds: 40 }),
    piece('4-4 124bpm song form with breakdown', {
      tempo: 124,
      pickupBeats: 3,
      sections: [
        { bars: 4, label: 'intro', energy: 0.3 },
        { bars: 8, label: 'verse', energy: 0.6 },
        { bars: 4, label: 'bridge', energy: 0.15 },
        { bars: 8, label: 'chorus', energy: 0.95 },
      ],
      durationSeconds: 52,
    }),
    piece('4-4 100bpm mono', { tempo: 100, channels: 1, durationSeconds: 30 }),
  ];
}
