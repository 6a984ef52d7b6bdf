import { FEATURE_VERSION } from '../../shared/feature-columns';
import type { PcmAudio } from '../audio/pcm';
import { resampleToMono } from '../dsp/polyphase-resample';
import { trackBeats } from './beats/trackBeats';
import type { BeatAnalysis } from './beats/types';
import { computeBeatFeatures, type BeatFeatures } from './features/compute';
import { FEATURE_SAMPLE_RATE } from './features/frame-pass';

/**
 * Bump the beat tracker's number whenever its output would change for the same audio; the feature
 * extractor has its own `FEATURE_VERSION`. Together they key the analysis cache.
 */
export const BEAT_TRACKER_VERSION = 1;
export const ANALYZER_VERSION = `beats${BEAT_TRACKER_VERSION}-features${FEATURE_VERSION}`;

export interface SongAnalysis extends BeatAnalysis {
  analyzerVersion: string;
  durationSeconds: number;
  sampleRate: number;
  channels: number;
  features: BeatFeatures;
}

export interface AnalysisTimings {
  beatsSeconds: number;
  featuresSeconds: number;
}

/** Beats, downbeats, tempo, meter and the 121-column feature matrix of decoded audio. */
export function analyzeAudio(audio: PcmAudio, timings?: AnalysisTimings): SongAnalysis {
  const t0 = performance.now();
  const beats = trackBeats(audio);
  const t1 = performance.now();
  const features = computeBeatFeatures(audio, beats.beats, beats.downbeats, { mono22050: resampleToMono(audio, FEATURE_SAMPLE_RATE) });
  const t2 = performance.now();
  if (timings) {
    timings.beatsSeconds = (t1 - t0) / 1000;
    timings.featuresSeconds = (t2 - t1) / 1000;
  }
  return {
    ...beats,
    analyzerVersion: ANALYZER_VERSION,
    durationSeconds: (audio.channels[0]?.length ?? 0) / audio.sampleRate,
    sampleRate: audio.sampleRate,
    channels: audio.channels.length,
    features,
  };
}
