/**
 * The engine process's entry point. It runs under Electron's utilityProcess (messages through
 * `process.parentPort`) in the app, and under a Node child process (messages through `process.send`)
 * under `recut serve`. Every request is validated against the contract before it reaches the engine.
 */
import { toErrorPayload } from '../shared/errors';
import { RequestMessage, type EventMessage, type ReplyMessage } from '../shared/wire';
import { recutHome } from './paths';
import { Engine } from './service';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

export type HostOutMessage = ReplyMessage | EventMessage | { type: 'ready'; pid: number };

export function runHost(): void {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  const send = (m: HostOutMessage) => {
    if (parentPort) parentPort.postMessage(m);
    // The parent may be gone (killed): the error is reported to the callback, not thrown (no EPIPE crash).
    else if (process.connected) process.send?.(m, undefined, {}, () => undefined);
  };
  const onMessage = (listener: (data: unknown) => void) => {
    if (parentPort) parentPort.on('message', (e) => listener(e.data));
    else process.on('message', listener);
  };

  const engine = new Engine(recutHome(), (event, payload) => send({ type: 'event', event, payload }));

  onMessage(async (data) => {
    const parsed = RequestMessage.safeParse(data);
    if (!parsed.success) {
      const id = (data as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0) {
        send({ type: 'reply', id, ok: false, error: { kind: 'invalid_argument', message: 'malformed request' } });
      }
      return;
    }
    const { id, method, params } = parsed.data;
    try {
      const value = await engine.call(method, params);
      send({ type: 'reply', id, ok: true, value });
    } catch (e) {
      const error = toErrorPayload(e);
      if (error.kind === 'internal') console.error('[engine] internal error in', method, e);
      send({ type: 'reply', id, ok: false, error });
    }
  });

  // The parent went away (app quit, serve killed): nothing left to serve.
  if (!parentPort) process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => {
    engine.close();
    process.exit(0);
  });

  engine.start();
  send({ type: 'ready', pid: process.pid });
}

runHost();
