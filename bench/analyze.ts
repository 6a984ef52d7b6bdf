import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoSongSpec, synthesize } from '../src/engine/audio/synth';
import { encodeWav } from '../src/engine/audio/wav-encode';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * The figure: the whole `npx recut analyze FILE --json` process (start-up, decode, beats,
 * downbeats, features) in seconds per minute of audio, cold cache, and its peak memory, for a
 * 4-minute and a 10-minute song (44.1 kHz stereo 16-bit WAV synthesised by our own code).
 * Targets: <= 1.5 s per audio minute; < 600 MB peak for the 10-minute song.
 */
export async function run(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-bench-analyze-'));
  try {
    const out: Record<string, unknown> = {};
    for (const minutes of [4, 10]) {
      const file = path.join(dir, `song-${minutes}min.wav`);
      const track = synthesize({ ...demoSongSpec(), name: `bench ${minutes} min`, durationSeconds: minutes * 60, sections: undefined });
      fs.writeFileSync(file, encodeWav(track.audio, { bitDepth: 16 }));
      let best: { wall: number; json: Record<string, any> } | null = null;
      for (let rep = 0; rep < 2; rep++) {
        const home = fs.mkdtempSync(path.join(dir, 'home-'));
        const t = performance.now();
        const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/recut.mjs'), 'analyze', file, '--json'], {
          env: { ...process.env, RECUT_HOME: home },
          encoding: 'utf8',
          maxBuffer: 64 << 20,
        });
        const wall = (performance.now() - t) / 1000;
        if (r.status !== 0) throw new Error(`analyze failed: ${r.stderr}`);
        if (!best || wall < best.wall) best = { wall, json: JSON.parse(r.stdout) };
      }
      const j = best!.json;
      out[`song${minutes}min`] = {
        wallSeconds: best!.wall,
        secondsPerAudioMinute: best!.wall / minutes,
        peakRssMB: j.peakRssMB,
        beats: j.beats.length,
        tempo: j.tempo,
        stageSeconds: j.timings,
      };
    }
    const four = out.song4min as { secondsPerAudioMinute: number };
    const ten = out.song10min as { secondsPerAudioMinute: number; peakRssMB: number };
    return {
      analyzeSecondsPerAudioMinute: four.secondsPerAudioMinute,
      analyzeSecondsPerAudioMinute10min: ten.secondsPerAudioMinute,
      peakRssMB10min: ten.peakRssMB,
      targets: { secondsPerAudioMinute: 1.5, peakRssMB10min: 600 },
      ...out,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
