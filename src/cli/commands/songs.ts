import type { SongSummary } from '../../shared/contract';
import { withEngine } from '../engine-session';
import type { Command } from '../command';

const fmtDuration = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

export const songsCommand: Command = {
  name: 'songs',
  summary: 'List the songs in the library (optionally matching a search)',
  usage: 'recut songs [--search TEXT] [--json]',
  options: { search: { type: 'string' } },
  positionals: [0, 0],
  run: (args, io) =>
    withEngine(async (engine) => {
      const query = args.values.search as string | undefined;
      const { songs } = (await engine.call('listSongs', query ? { query } : {})) as { songs: SongSummary[] };
      if (!songs.length) io.print('The library is empty.');
      for (const s of songs) io.print(`${s.id.slice(0, 12)}  ${fmtDuration(s.durationSeconds).padStart(6)}  ${s.title}${s.artist ? ` — ${s.artist}` : ''}`);
      return { songs };
    }),
};

export const importCommand: Command = {
  name: 'import',
  summary: 'Add audio files or folders to the library',
  usage: 'recut import PATH... [--json]',
  options: {},
  positionals: [1, 10_000],
  run: (args, io) =>
    withEngine(async (engine) => {
      const result = (await engine.call('importFiles', { paths: args.positionals })) as {
        songs: SongSummary[];
        errors: Array<{ path: string; kind: string; message: string }>;
      };
      for (const s of result.songs) io.print(`imported ${s.title} (${fmtDuration(s.durationSeconds)})`);
      for (const e of result.errors) io.print(`failed   ${e.path}: ${e.message}`);
      return result;
    }),
};
