import path from 'node:path';
import { RecutError } from '../../shared/errors';
import type { Command } from '../command';
import { withEngine } from '../engine-session';

export const prefsCommand: Command = {
  name: 'prefs',
  summary: 'Import, export or list your verdicts (JSON or CSV)',
  usage: 'recut prefs import FILE | export FILE [--format json|csv] | list [--json]',
  options: { format: { type: 'string' } },
  positionals: [1, 2],
  run: (args, io) =>
    withEngine(async (engine) => {
      const [sub, file] = args.positionals;
      switch (sub) {
        case 'import': {
          if (!file) throw new RecutError('invalid_argument', 'usage: recut prefs import FILE');
          const r = (await engine.call('importPreferences', { path: path.resolve(file) })) as { imported: number; duplicates: number; songs: string[] };
          io.print(`imported ${r.imported} verdict(s) on ${r.songs.length} song(s)${r.duplicates ? `, skipped ${r.duplicates} already stored` : ''}`);
          return r;
        }
        case 'export': {
          if (!file) throw new RecutError('invalid_argument', 'usage: recut prefs export FILE [--format json|csv]');
          const format = (args.values.format as string | undefined) ?? (path.extname(file).toLowerCase() === '.csv' ? 'csv' : 'json');
          if (format !== 'json' && format !== 'csv') throw new RecutError('invalid_argument', '--format must be json or csv');
          const r = (await engine.call('exportPreferences', { path: path.resolve(file), format })) as { path: string; exported: number };
          io.print(`exported ${r.exported} verdict(s) to ${r.path}`);
          return r;
        }
        case 'list': {
          const r = (await engine.call('listPreferences', {})) as { preferences: Array<{ id: number; kind: string; choice: string | null; verdict: string | null; createdAt: string }>; total: number };
          for (const p of r.preferences) io.print(`${String(p.id).padStart(5)}  ${p.createdAt}  ${p.kind === 'pair' ? `pair: ${p.choice}` : `single: ${p.verdict}`}`);
          io.print(`${r.total} verdict(s)`);
          return r;
        }
        default:
          throw new RecutError('invalid_argument', `unknown prefs action "${sub}" (usage: ${prefsCommand.usage})`);
      }
    }),
};
