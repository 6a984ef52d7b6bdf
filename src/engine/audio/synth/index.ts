/**
 * Deterministic synthesiser for test audio and the app's demo song.
 *
 * `synthesize(spec)` returns the audio together with its exact ground truth: the beats and downbeats
 * are the times the arranger scheduled its grid at (before any humanize jitter), the way mir_eval
 * annotations mark a performance's intended beats. Everything is derived from `spec.seed`
 * (seeded PRNG, never Math.random), so the same spec gives the same samples on every run (V8's
 * Math.sin/exp/log are the same fdlibm ports on every platform, so across machines too).
 *
 * Pipeline: validate -> arranger (bars, parts, ground truth; no audio) -> render (a sampler-style
 * mixer of synthesised notes, room reverb, end fade, peak normalisation to -1 dBFS).
 */
import { renderEvents } from './render';
import { planScore } from './arranger';
import type { SynthSpec, SynthTrack } from './types';
import { validateSpec } from './validate';

export { INSTRUMENTS } from './types';
export type { Instrument, SynthSection, SynthSpec, SynthTrack, TempoPoint } from './types';
export { TempoMap } from './tempo-map';
export { beatTestSet, demoSongSpec } from './presets';
export { planScore } from './arranger';
export type { ChordSpan, NoteEvent, Score } from './score';

export function synthesize(spec: SynthSpec): SynthTrack {
  validateSpec(spec);
  const score = planScore(spec);
  const audio = renderEvents(score.events, spec.sampleRate, spec.channels, spec.durationSeconds);
  return { spec, audio, beats: score.beats, downbeats: score.downbeats, sections: score.sections, chords: score.chords };
}
