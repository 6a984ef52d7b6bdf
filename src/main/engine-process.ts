import { utilityProcess } from 'electron';
import type { EngineProcess } from '../engine/client';

/** Starts the engine in an Electron utility process, so training never blocks the UI. */
export function spawnUtilityEngine(hostPath: string, env: NodeJS.ProcessEnv): EngineProcess {
  const child = utilityProcess.fork(hostPath, [], { serviceName: 'Recut engine', stdio: 'inherit', env });
  return {
    get pid() {
      return child.pid ?? null;
    },
    send: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code) => l(code)),
    kill: () => {
      child.kill();
    },
  };
}
