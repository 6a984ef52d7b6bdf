import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineClient } from '../src/engine/client';
import { spawnNodeEngine } from '../src/engine/node-process';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Foundation figures: CLI start-up, engine process start-up, and first-run demo preparation. */
export async function run(): Promise<Record<string, unknown>> {
  const cli = (args: string[]) => {
    const t = performance.now();
    execFileSync(process.execPath, [path.join(ROOT, 'bin/recut.mjs'), ...args], { stdio: 'ignore' });
    return (performance.now() - t) / 1000;
  };
  const helpSeconds = Math.min(cli(['--help']), cli(['--help']), cli(['--help']));

  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-bench-start-'));
  try {
    const t0 = performance.now();
    const client = new EngineClient(() => spawnNodeEngine({ ...process.env, RECUT_HOME: home }));
    await client.start();
    const engineStartSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await client.call('ensureDemoSong', {});
    const demoSeconds = (performance.now() - t1) / 1000;
    client.stop();
    return { cliHelpSeconds: helpSeconds, engineStartSeconds, firstRunDemoSeconds: demoSeconds };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
