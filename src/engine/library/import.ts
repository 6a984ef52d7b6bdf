import fs from 'node:fs';
import path from 'node:path';
import type { MethodOutput, SongSummary } from '../../shared/contract';
import { RecutError, toErrorPayload } from '../../shared/errors';
import { AUDIO_EXTENSIONS, probeAudio } from '../audio/decode';
import type { SongStore } from '../store/songs';

const MAX_FILES = 10_000;

/** Expands folders (recursively, skipping hidden entries) into the audio files they hold; a file given by name is always tried. */
export function expandPaths(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, explicit: boolean) => {
    if (out.length >= MAX_FILES) return;
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      if (explicit) out.push(p); // reported as not found by the import
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) {
        if (!name.startsWith('.')) walk(path.join(p, name), false);
      }
    } else if (explicit || AUDIO_EXTENSIONS.has(path.extname(p).toLowerCase())) {
      out.push(p);
    }
  };
  for (const p of paths) walk(path.resolve(p), true);
  return out;
}

export type ImportResult = MethodOutput<'importFiles'>;

/**
 * Adds files to the library. Each file is probed (format from its bytes, duration, tags, content
 * hash); a file that fails gets its typed error in the result and the others still import.
 */
export async function importFiles(paths: string[], songs: SongStore, onProgress?: (done: number, total: number) => void): Promise<ImportResult> {
  const files = expandPaths(paths);
  const imported: SongSummary[] = [];
  const errors: ImportResult['errors'] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    try {
      if (!fs.existsSync(file)) throw new RecutError('not_found', `no such file: ${file}`);
      const info = await probeAudio(file);
      imported.push(
        songs.upsert({
          id: info.contentHash,
          path: file,
          format: info.format,
          sampleRate: info.sampleRate,
          channels: info.channels,
          durationSeconds: info.durationSeconds,
          title: info.tags?.title?.trim() || path.basename(file, path.extname(file)),
          artist: info.tags?.artist?.trim() || null,
          tempo: null,
          isDemo: false,
        }),
      );
    } catch (e) {
      const p = toErrorPayload(e);
      errors.push({ path: file, kind: p.kind, message: p.message });
    }
    onProgress?.(i + 1, files.length);
  }
  return { songs: imported, errors };
}
