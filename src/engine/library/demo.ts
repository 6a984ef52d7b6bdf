import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SongSummary } from '../../shared/contract';
import { demoSongSpec, synthesize } from '../audio/synth';
import { encodeWav } from '../audio/wav-encode';
import { writeFileAtomic } from '../fs/atomic';
import type { JobContext } from '../jobs/runner';
import type { SongStore } from '../store/songs';

export const DEMO_FILE_NAME = 'recut-demo.wav';

/**
 * The embedded default: a song synthesised by our own code (known tempo and beats, several
 * instruments, > 2 minutes), written as a 16-bit WAV like any user file and added to the library.
 * Deterministic, so every install gets the same demo and the same song id.
 */
export async function createDemoSong(demoDir: string, songs: SongStore, ctx?: JobContext): Promise<SongSummary> {
  const spec = demoSongSpec();
  ctx?.progress(0.05, 'synthesising the demo song');
  const track = synthesize(spec);
  ctx?.throwIfCancelled();
  ctx?.progress(0.7, 'writing the demo song');
  const bytes = encodeWav(track.audio, { bitDepth: 16 });
  const file = path.join(demoDir, DEMO_FILE_NAME);
  fs.mkdirSync(demoDir, { recursive: true });
  writeFileAtomic(file, bytes);
  const id = createHash('sha256').update(bytes).digest('hex');
  const tempo = typeof spec.tempo === 'number' ? spec.tempo : spec.tempo[0].bpm;
  ctx?.progress(0.95, 'adding the demo song to the library');
  return songs.upsert({
    id,
    path: file,
    format: 'wav',
    sampleRate: track.audio.sampleRate,
    channels: track.audio.channels.length,
    durationSeconds: track.audio.channels[0].length / track.audio.sampleRate,
    title: 'Recut Demo Song',
    artist: 'Recut',
    tempo,
    isDemo: true,
  });
}

/** The demo song if it is in the library and its file is still there. */
export function findDemoSong(songs: SongStore): SongSummary | null {
  const demo = songs.list().find((s) => s.isDemo);
  return demo && fs.existsSync(demo.path) ? demo : null;
}
