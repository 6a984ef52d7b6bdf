/** Scales, diatonic chords and default progressions: enough harmony that chroma features change per bar. */

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const MINOR = [0, 2, 3, 5, 7, 8, 10];

/** Chord roots (semitones above the tonic) per bar, by section label; unknown labels use `main`. */
const PROGRESSIONS: Record<'major' | 'minor', Record<string, number[]>> = {
  major: {
    intro: [0, 5, 0, 7],
    verse: [9, 5, 0, 7],
    chorus: [0, 7, 9, 5],
    bridge: [2, 5, 9, 7],
    outro: [0, 5, 7, 0],
    main: [0, 9, 5, 7],
  },
  minor: {
    intro: [0, 8, 0, 7],
    verse: [0, 8, 3, 10],
    chorus: [8, 10, 0, 0],
    bridge: [5, 8, 10, 7],
    outro: [0, 8, 7, 0],
    main: [0, 5, 8, 7],
  },
};

export function scaleOf(mode: 'major' | 'minor'): number[] {
  return mode === 'minor' ? MINOR : MAJOR;
}

export function progressionFor(mode: 'major' | 'minor', label: string): number[] {
  const table = PROGRESSIONS[mode];
  return table[label.toLowerCase()] ?? table.main;
}

/**
 * Chord tones (semitones above the tonic, root first) of the diatonic chord on `root`;
 * a non-diatonic root gets a major triad. `seventh` adds the diatonic seventh.
 */
export function chordTones(mode: 'major' | 'minor', root: number, seventh: boolean): number[] {
  const scale = scaleOf(mode);
  const r = ((root % 12) + 12) % 12;
  const degree = scale.indexOf(r);
  if (degree < 0) return [r, r + 4, r + 7];
  const tones = [0, 2, 4, ...(seventh ? [6] : [])].map((step) => {
    const d = degree + step;
    return scale[d % 7] + 12 * Math.floor(d / 7);
  });
  return tones;
}

/** MIDI notes of the chord's pitch classes placed in [low, low + 12), sorted (a close voicing). */
export function voicing(tonic: number, tones: number[], low: number): number[] {
  return tones
    .map((t) => {
      const pc = (((tonic + t - low) % 12) + 12) % 12;
      return low + pc;
    })
    .sort((a, b) => a - b);
}

export function midiToHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}
