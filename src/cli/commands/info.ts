import { withEngine } from '../engine-session';
import type { Command } from '../command';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show the version, the data folder and the database schema',
  usage: 'recut info [--json]',
  options: {},
  positionals: [0, 0],
  run: (_args, io) =>
    withEngine(async (engine) => {
      const info = (await engine.call('getAppInfo', {})) as { version: string; home: string; schemaVersion: number };
      io.print(`Recut ${info.version}\ndata folder: ${info.home}\nschema version: ${info.schemaVersion}`);
      return info;
    }),
};
