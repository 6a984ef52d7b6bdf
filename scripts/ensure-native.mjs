// `pretest`: better-sqlite3 is a native addon. `npm start`/`npm run dev` rebuild it for Electron's
// ABI; the tests run under plain Node. Rebuild it for Node only when it fails to load, so the
// usual run costs nothing.
import { execFileSync, spawnSync } from 'node:child_process';

const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"], { encoding: 'utf8' });
if (probe.status === 0) process.exit(0);
console.log('better-sqlite3 does not load under this Node (built for Electron?): rebuilding it for Node…');
execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['rebuild', 'better-sqlite3'], { stdio: 'inherit' });
