/**
 * Worker-thread entry: decodes a file and analyses it, off the engine's event loop, so verdicts and
 * other calls stay instant while a song is analysed. Posts back the file info and the analysis (the
 * feature matrix's buffer is transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorPayload } from '../../shared/errors';
import { decodeAudioFile } from '../audio/decode';
import { analyzeAudio } from './analyze';

async function main(): Promise<void> {
  const { path } = workerData as { path: string };
  try {
    const t0 = performance.now();
    const { audio, info } = await decodeAudioFile(path);
    const decodeSeconds = (performance.now() - t0) / 1000;
    const timings = { beatsSeconds: 0, featuresSeconds: 0 };
    const analysis = analyzeAudio(audio, timings);
    parentPort!.postMessage({ ok: true, info, analysis, timings: { ...timings, decodeSeconds } }, [analysis.features.matrix.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: toErrorPayload(e) });
  }
}

void main();
