import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineClient } from '../../src/engine/client';
import { spawnNodeEngine } from '../../src/engine/node-process';
import { startServer, type RunningServer } from '../../src/serve/server';

export interface TestServer {
  home: string;
  client: EngineClient;
  server: RunningServer;
  stop(): Promise<void>;
}

/** A real `recut serve` stack (engine child process + HTTP/WebSocket server) on a temporary RECUT_HOME. */
export async function startTestServer(staticDir: string, opts: { home?: string } = {}): Promise<TestServer> {
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'recut-serve-'));
  const client = new EngineClient(() => spawnNodeEngine({ ...process.env, RECUT_HOME: home }));
  await client.start();
  const server = await startServer({ client, staticDir });
  return {
    home,
    client,
    server,
    stop: async () => {
      await server.close();
      client.stop();
    },
  };
}
