/** Synthesiser speed: the 2:22 stereo 44.1 kHz demo song and the whole beat test set, on one core. */
import { beatTestSet, demoSongSpec, synthesize } from '../src/engine/audio/synth';
import { encodeWav } from '../src/engine/audio/wav-encode';

export async function run(): Promise<Record<string, unknown>> {
  const demo = demoSongSpec();
  synthesize({ ...demo, durationSeconds: 10 }); // warm up the JIT
  const runs: number[] = [];
  let track = synthesize(demo);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    track = synthesize(demo);
    runs.push(performance.now() - t0);
  }
  const t1 = performance.now();
  const wav = encodeWav(track.audio, { bitDepth: 16 });
  const encodeMs = performance.now() - t1;
  const set = beatTestSet();
  const t2 = performance.now();
  let audioSeconds = 0;
  for (const spec of set) audioSeconds += synthesize(spec).audio.channels[0].length / spec.sampleRate;
  const setMs = performance.now() - t2;
  return {
    demoSongSeconds: demo.durationSeconds,
    demoSynthMsMedian: [...runs].sort((a, b) => a - b)[1],
    demoSynthMsRuns: runs.map((r) => Math.round(r)),
    demoRealtimeFactor: demo.durationSeconds / ([...runs].sort((a, b) => a - b)[1] / 1000),
    demoWav16EncodeMs: encodeMs,
    demoWavBytes: wav.length,
    testSetPieces: set.length,
    testSetAudioSeconds: audioSeconds,
    testSetSynthMs: setMs,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) run().then((r) => console.log(JSON.stringify(r, null, 2)));
