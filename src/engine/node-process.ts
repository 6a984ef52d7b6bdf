import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineProcess } from './client';

const HOST_TS = fileURLToPath(new URL('./host.ts', import.meta.url));

/**
 * Starts the engine as a Node child process (used by `recut serve` and the tests). The host runs
 * from its TypeScript source through tsx, so no build step is needed after `npm ci`.
 */
export function spawnNodeEngine(env: NodeJS.ProcessEnv = process.env): EngineProcess {
  const tsx = import.meta.resolve('tsx');
  const child = fork(HOST_TS, [], {
    env,
    execArgv: ['--import', tsx],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return {
    get pid() {
      return child.pid ?? null;
    },
    send: (m) => {
      if (child.connected) child.send(m as object);
    },
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code) => l(code)),
    kill: () => {
      child.kill('SIGTERM');
    },
  };
}
