import { fileURLToPath } from 'node:url';
import { EngineClient } from '../../engine/client';
import { spawnNodeEngine } from '../../engine/node-process';
import { startServer } from '../../serve/server';
import { RecutError } from '../../shared/errors';
import type { Command } from '../command';

export const RENDERER_DIR = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the Recut UI on 127.0.0.1 for a browser (prints a URL with a per-run token)',
  usage: 'recut serve [--port N] [--json]',
  options: { port: { type: 'string' } },
  positionals: [0, 0],
  async run(args, io) {
    const portText = args.values.port as string | undefined;
    const port = portText === undefined ? 0 : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RecutError('invalid_argument', `--port must be 0-65535, got ${portText}`);
    const client = new EngineClient(() => spawnNodeEngine());
    await client.start();
    const server = await startServer({ client, staticDir: RENDERER_DIR, port });
    const info = { url: server.url, port: server.port, token: server.token, enginePid: client.pid };
    if (args.json) process.stdout.write(JSON.stringify(info) + '\n');
    else io.print(`Recut is serving on ${server.url}\n(open it in a browser on this machine; Ctrl+C stops)`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    client.stop();
    return undefined;
  },
};
