/**
 * Writes a synthesised piece to a WAV file for listening and inspection, with its ground truth
 * (beats, downbeats, sections) next to it as JSON.
 *
 *   npx tsx scripts/make-demo-song.ts out/demo.wav                 # the app's demo song
 *   npx tsx scripts/make-demo-song.ts out/waltz.wav "3-4 90bpm waltz"  # a beat-test-set piece by name
 *   npx tsx scripts/make-demo-song.ts out/dir/ --all                # every beat-test-set piece
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type SynthSpec, beatTestSet, demoSongSpec, synthesize } from '../src/engine/audio/synth';
import { encodeWav } from '../src/engine/audio/wav-encode';

function write(path: string, spec: SynthSpec): void {
  const started = performance.now();
  const track = synthesize(spec);
  const ms = performance.now() - started;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeWav(track.audio, { bitDepth: 16 }));
  const truth = { name: spec.name, spec, beats: track.beats, downbeats: track.downbeats, sections: track.sections };
  writeFileSync(path.replace(/\.wav$/i, '') + '.beats.json', JSON.stringify(truth, null, 2));
  console.log(`${path}: ${spec.name}, ${(track.audio.channels[0].length / spec.sampleRate).toFixed(2)} s, ${track.beats.length} beats, synthesised in ${ms.toFixed(0)} ms`);
}

const [out, which] = process.argv.slice(2);
if (!out) {
  console.error('usage: make-demo-song.ts OUT.wav [test-set piece name | --all]');
  process.exit(2);
}
if (which === '--all') {
  for (const spec of beatTestSet()) write(join(out, `${spec.name.replace(/[^a-z0-9]+/gi, '-')}.wav`), spec);
} else if (which) {
  const spec = beatTestSet().find((s) => s.name === which);
  if (!spec) {
    console.error(`no test-set piece named "${which}"; pieces:\n  ${beatTestSet().map((s) => s.name).join('\n  ')}`);
    process.exit(2);
  }
  write(out, spec);
} else write(out, demoSongSpec());
