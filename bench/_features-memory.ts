/**
 * Child process of bench/features.ts: features of a 10-minute stereo 44.1 kHz song (the demo song tiled),
 * printing one JSON line with the process's peak RSS. The decoded stereo audio (~212 MB) is part of the
 * figure on purpose: `recut analyze` holds it too.
 */
import { demoSongSpec, synthesize } from '../src/engine/audio/synth/index';
import { computeBeatFeatures } from '../src/engine/analysis/features/index';

const SECONDS = 600;
const track = synthesize(demoSongSpec());
const rate = track.audio.sampleRate;
const pieceLen = track.audio.channels[0].length;
const piece = pieceLen / rate;
const n = SECONDS * rate;
const channels = track.audio.channels.map((c) => {
  const out = new Float32Array(n);
  for (let at = 0; at < n; at += pieceLen) out.set(c.subarray(0, Math.min(pieceLen, n - at)), at);
  return out;
});
const beats: number[] = [], downbeats: number[] = [];
for (let k = 0; k * piece < SECONDS; k++) {
  for (const b of track.beats) if (b + k * piece < SECONDS) beats.push(b + k * piece);
  for (const d of track.downbeats) if (d + k * piece < SECONDS) downbeats.push(d + k * piece);
}
track.audio.channels.length = 0; // drop the untiled copy before measuring

const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const f = computeBeatFeatures({ sampleRate: rate, channels }, beats, downbeats);
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  JSON.stringify({
    tenMinuteFeaturesSeconds: Math.round(seconds * 1000) / 1000,
    tenMinuteRows: f.rows,
    tenMinuteRssBeforeFeaturesMb: Math.round(rssBefore / 2 ** 20),
    tenMinutePeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + '\n',
);
