/**
 * Beat, downbeat, tempo and meter tracking.
 *
 * `trackBeats(audio)` is synchronous (~0.2 s per audio minute on one core): mono mix, decimation to
 * ~11 kHz, log-band spectral-flux onset envelopes, an autocorrelation tempogram with a Viterbi tempo
 * path (tempo changes), Ellis-style dynamic-programming beat alignment on the local period, a backbeat
 * check against tempo-octave errors, then meter (2-5 beats per bar, duple/triple subdivision) and bar
 * phase from low-frequency onsets and harmonic change. `essentiaDegaraBeats` is essentia.js'
 * BeatTrackerDegara, kept as the reference in bench/beats.ts.
 */
export { trackBeats, trackBeatsMono, analysisSignal, globalTempo, tempoCurve } from './trackBeats';
export { essentiaDegaraBeats } from './essentiaDegara';
export { emptyAnalysis, type BeatAnalysis, type TrackBeatsOptions } from './types';
