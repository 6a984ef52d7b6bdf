/**
 * Render, export and decode speed on the synthesised demo song (2:22 stereo 44.1 kHz), one core.
 * renderRealtimeFactor: seconds of output rendered per second of wall time for a typical edit
 * (shortened by cutting bars, one bar looped, fade-out); the heavy plan has a join at every other beat.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityPlan, planLengthSamples, validatePlan, type EditPlan } from '../src/shared/edit-plan';
import { decodeAudioFile } from '../src/engine/audio/decode';
import { exportAudio } from '../src/engine/audio/export';
import { renderPlan } from '../src/engine/audio/render';
import { demoSongSpec, synthesize } from '../src/engine/audio/synth';
import { encodeWav } from '../src/engine/audio/wav-encode';
import type { PcmAudio } from '../src/engine/audio/pcm';

function median(f: () => void, runs = 5): number {
  f(); // warm up
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[runs >> 1];
}

export async function run(): Promise<Record<string, unknown>> {
  const track = synthesize(demoSongSpec());
  const audio: PcmAudio = track.audio;
  const beats = track.beats;
  const n = beats.length;
  const sr = audio.sampleRate;
  const len = audio.channels[0].length;
  // Typical: keep 3 bars of every 4, loop bar 8 twice, fade over the last bar.
  const segments: EditPlan['segments'] = [];
  for (let b = 0; b + 4 <= n; b += 16) segments.push({ from: b, to: Math.min(n, b + 12), repeat: b === 32 ? 2 : 1 });
  const typical = validatePlan({ version: 1, segments, fadeOut: { beats: 4 } }, n);
  const heavy = validatePlan({ version: 1, segments: Array.from({ length: n >> 1 }, (_, i) => ({ from: 2 * i + 1, to: 2 * i + 2 })) }, n);
  const secs = (p: EditPlan) => planLengthSamples(p, beats, sr, len) / sr;
  const tIdentity = median(() => renderPlan(audio, beats, identityPlan(n)));
  const tTypical = median(() => renderPlan(audio, beats, typical));
  const tHeavy = median(() => renderPlan(audio, beats, heavy));

  const dir = await mkdtemp(join(tmpdir(), 'recut-bench-'));
  try {
    const rendered = renderPlan(audio, beats, typical);
    let t0 = performance.now();
    await exportAudio(rendered, join(dir, 'out.flac'), { format: 'flac', bitDepth: 16 });
    const flacExportMs = performance.now() - t0;
    await writeFile(join(dir, 'song.wav'), encodeWav(audio, { bitDepth: 16 }));
    t0 = performance.now();
    await decodeAudioFile(join(dir, 'song.wav'));
    const wavDecodeMs = performance.now() - t0;
    t0 = performance.now();
    await decodeAudioFile(join(dir, 'out.flac'));
    const flacDecodeMs = performance.now() - t0;
    const songSeconds = len / sr;
    return {
      songSeconds,
      beats: n,
      renderIdentityMs: tIdentity,
      renderTypicalMs: tTypical,
      renderHeavyMs: tHeavy,
      heavyJoins: heavy.segments.length - 1,
      renderRealtimeFactor: secs(typical) / (tTypical / 1000),
      renderHeavyRealtimeFactor: secs(heavy) / (tHeavy / 1000),
      flacExportRealtimeFactor: secs(typical) / (flacExportMs / 1000),
      wavDecodeRealtimeFactor: songSeconds / (wavDecodeMs / 1000),
      flacDecodeRealtimeFactor: secs(typical) / (flacDecodeMs / 1000),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
