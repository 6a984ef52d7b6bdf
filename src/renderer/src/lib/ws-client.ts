import { RecutError } from '../../../shared/errors';
import { EVENT_NAMES, METHOD_NAMES, type EventName, type EventPayload, type RecutApi } from '../../../shared/contract';
import { parseEvent, ReplyMessage } from '../../../shared/wire';

type Listener = (event: EventName, payload: unknown) => void;

/**
 * The contract over `recut serve`'s WebSocket. Calls made while the socket is down wait for the
 * reconnect (up to a limit) rather than failing at once; the socket reconnects with backoff.
 */
export function createWebSocketApi(url: string): RecutApi {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let backoff = 250;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const queue: string[] = [];
  const listeners = new Set<Listener>();

  const connect = () => {
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      backoff = 250;
      queue.splice(0).forEach((m) => socket.send(m));
    };
    socket.onmessage = (e) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if ((msg as { type?: string }).type === 'event') {
        const ev = parseEvent((msg as { event?: unknown }).event, (msg as { payload?: unknown }).payload);
        if (ev) listeners.forEach((l) => l(ev.event, ev.payload));
        return;
      }
      const reply = ReplyMessage.safeParse(msg);
      if (!reply.success) return;
      const p = pending.get(reply.data.id);
      if (!p) return;
      pending.delete(reply.data.id);
      if (reply.data.ok) p.resolve(reply.data.value);
      else p.reject(RecutError.fromPayload(reply.data.error));
    };
    socket.onclose = () => {
      ws = null;
      const err = new RecutError('engine_unavailable', 'lost the connection to the Recut server');
      pending.forEach((p) => p.reject(err));
      pending.clear();
      listeners.forEach((l) => l('engineStatus', { state: 'restarting', restarts: 0, pid: null, message: 'reconnecting to the Recut server' }));
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 5000);
    };
  };
  connect();

  const call = (method: string, params: unknown) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const text = JSON.stringify({ type: 'call', id, method, params });
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
      else if (queue.length < 100) queue.push(text);
      else {
        pending.delete(id);
        reject(new RecutError('engine_unavailable', 'not connected to the Recut server'));
      }
    });

  const api: Record<string, unknown> = {
    on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) {
      if (!EVENT_NAMES.includes(event)) throw new RecutError('invalid_argument', `unknown event ${event}`);
      const l: Listener = (name, payload) => name === event && handler(payload as EventPayload<E>);
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  for (const m of METHOD_NAMES) api[m] = (input: unknown) => call(m, input);
  return api as unknown as RecutApi;
}
