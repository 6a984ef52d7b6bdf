import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

/**
 * Recut's data folder. `RECUT_HOME` overrides it everywhere (app, serve, CLI, tests), so the desktop
 * app and the CLI share one library by default.
 */
export function recutHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RECUT_HOME && env.RECUT_HOME.trim() !== '') return path.resolve(env.RECUT_HOME);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Recut');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Recut');
    default:
      return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'recut');
  }
}

export interface HomeLayout {
  root: string;
  database: string;
  demo: string;
  models: string;
  logs: string;
  exports: string;
  imports: string;
}

/** Creates the folder layout under `root` if missing and returns its paths. */
export function ensureHome(root: string): HomeLayout {
  const layout: HomeLayout = {
    root,
    database: path.join(root, 'recut.sqlite'),
    demo: path.join(root, 'demo'),
    models: path.join(root, 'models'),
    logs: path.join(root, 'logs'),
    exports: path.join(root, 'exports'),
    imports: path.join(root, 'imports'),
  };
  for (const dir of [root, layout.demo, layout.models, layout.logs, layout.exports, layout.imports]) fs.mkdirSync(dir, { recursive: true });
  return layout;
}
