/**
 * Export of rendered audio (WAV through encodeWav, FLAC through our encoder) and of an edit's
 * cue list for a picture editor.
 *
 * MP3 export is not offered: the only maintained pure-JS MP3 encoder (lamejs) is LGPL and
 * unmaintained-ish, and a WASM LAME build adds a large blob; users get a typed
 * `unsupported_format` that says to export WAV/FLAC instead.
 *
 * Files are written atomically: a temp file in the same folder, fsync, rename, folder fsync, so a
 * crash never leaves a half-written export under the user's chosen name.
 */
import { RecutError } from '../../shared/errors';
import type { Join } from '../../shared/edit-plan';
import { encodeFlac } from './flac-encode';
import { encodeWav } from './wav-encode';
import { writeFileAtomic } from '../fs/atomic';
import type { PcmAudio } from './pcm';

export type ExportFormat = 'wav' | 'flac' | 'mp3';

export interface ExportOptions {
  format: ExportFormat;
  bitDepth: 16 | 24;
}

export function encodeAudio(audio: PcmAudio, opts: ExportOptions): Uint8Array {
  if (opts.bitDepth !== 16 && opts.bitDepth !== 24) {
    throw new RecutError('invalid_argument', `export bit depth must be 16 or 24, not ${String(opts.bitDepth)}`);
  }
  switch (opts.format) {
    case 'wav':
      return encodeWav(audio, { bitDepth: opts.bitDepth });
    case 'flac':
      return encodeFlac(audio, { bitDepth: opts.bitDepth });
    case 'mp3':
      throw new RecutError('unsupported_format', 'MP3 export is not available; export WAV or FLAC and convert if you need MP3.');
    default:
      throw new RecutError('invalid_argument', `unknown export format ${String(opts.format)}`);
  }
}

export async function exportAudio(audio: PcmAudio, path: string, opts: ExportOptions): Promise<{ path: string; bytes: number }> {
  const data = encodeAudio(audio, opts);
  writeFileAtomic(path, data);
  return { path, bytes: data.length };
}

export interface CueListOptions {
  /** Adds an HH:MM:SS:FF timecode column at this frame rate (e.g. 24, 25, 30). */
  fps?: number;
}

/** "HH:MM:SS.mmm" */
export function clockTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (v: number, n = 2) => String(v).padStart(n, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

function timecode(seconds: number, fps: number): string {
  const frames = Math.round(seconds * fps);
  const f = frames % Math.round(fps);
  const total = Math.floor(frames / Math.round(fps));
  const pad = (v: number) => String(v).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}:${pad(f)}`;
}

/**
 * The edit points of a render, for a picture editor: one row per join where the source jumps
 * (contiguous joins are inaudible and left out). JSON: an array of objects; CSV: a header row.
 */
export function exportCueList(joins: readonly Join[], format: 'json' | 'csv', opts: CueListOptions = {}): string {
  if (opts.fps !== undefined && !(opts.fps > 0 && opts.fps <= 240)) throw new RecutError('invalid_argument', `invalid frame rate ${opts.fps}`);
  const rows = joins
    .filter((j) => !j.contiguous)
    .map((j, i) => ({
      index: i + 1,
      outputSeconds: round6(j.outSeconds),
      outputTime: clockTime(j.outSeconds),
      ...(opts.fps ? { timecode: timecode(j.outSeconds, opts.fps) } : {}),
      kind: j.kind,
      sourceFromSeconds: round6(j.fromSourceSeconds),
      sourceToSeconds: round6(j.toSourceSeconds),
    }));
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  if (format !== 'csv') throw new RecutError('invalid_argument', `unknown cue list format ${String(format)}`);
  const cols = ['index', 'output_seconds', 'output_time', ...(opts.fps ? ['timecode'] : []), 'kind', 'source_from_seconds', 'source_to_seconds'];
  const lines = rows.map((r) =>
    [r.index, r.outputSeconds, r.outputTime, ...(opts.fps ? [(r as { timecode?: string }).timecode] : []), r.kind, r.sourceFromSeconds, r.sourceToSeconds].join(','),
  );
  return [cols.join(','), ...lines].join('\n') + '\n';
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
