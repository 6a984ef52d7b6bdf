import { decodeAudioFile, probeAudio, type AudioInfo } from '../audio/decode';
import type { PcmAudio } from '../audio/pcm';
import type { AnalysisStore } from '../store/analyses';
import { analyzeAudio, ANALYZER_VERSION, type AnalysisTimings, type SongAnalysis } from './analyze';
import { analyzeFileInWorker } from './analyze-in-worker';

export interface FileAnalysis {
  info: AudioInfo;
  analysis: SongAnalysis;
  cached: boolean;
  /** Present when the audio was decoded (always on a cache miss; on a hit only if `needAudio`). */
  audio?: PcmAudio;
  timings: AnalysisTimings & { decodeSeconds: number; totalSeconds: number };
}

/**
 * Analyses a file, using the cache keyed by its content hash and the analyser version. The audio is
 * decoded only when it must be: on a cache miss, or when the caller needs the samples (rendering).
 */
export async function analyzeFile(path: string, cache: AnalysisStore, opts: { needAudio?: boolean; inWorker?: boolean; signal?: AbortSignal } = {}): Promise<FileAnalysis> {
  const t0 = performance.now();
  const timings = { beatsSeconds: 0, featuresSeconds: 0, decodeSeconds: 0, totalSeconds: 0 };
  const probed = await probeAudio(path);
  const hit = cache.get(probed.contentHash, ANALYZER_VERSION);
  if (hit && !opts.needAudio) {
    timings.totalSeconds = (performance.now() - t0) / 1000;
    return { info: probed, analysis: hit, cached: true, timings };
  }
  if (!hit && opts.inWorker && !opts.needAudio) {
    // The long-lived engine keeps its event loop free: decode and analysis run in a worker thread.
    const r = await analyzeFileInWorker(path, opts.signal);
    cache.put(r.info.contentHash, r.analysis);
    Object.assign(timings, r.timings, { totalSeconds: (performance.now() - t0) / 1000 });
    return { info: r.info, analysis: r.analysis, cached: false, timings };
  }
  const td = performance.now();
  const { audio, info } = await decodeAudioFile(path);
  timings.decodeSeconds = (performance.now() - td) / 1000;
  let analysis = hit;
  if (!analysis) {
    analysis = analyzeAudio(audio, timings);
    cache.put(info.contentHash, analysis);
  }
  timings.totalSeconds = (performance.now() - t0) / 1000;
  return { info, analysis, cached: hit !== null, audio, timings };
}
