import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { METHOD_NAMES } from '../../src/shared/contract';
import { startTestServer, type TestServer } from '../helpers/serve';

let ts: TestServer;
let staticDir: string;

beforeAll(async () => {
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-static-'));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Recut</title>');
  fs.writeFileSync(path.join(os.tmpdir(), 'recut-secret.txt'), 'secret');
  ts = await startTestServer(staticDir);
});
afterAll(async () => {
  await ts?.stop();
});

const wsUrl = (token: string | null) => `ws://127.0.0.1:${ts.server.port}/rpc${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

/** Opens a socket; resolves with the HTTP status that refused it, or the open socket. */
function connect(url: string, headers: Record<string, string> = {}): Promise<{ status: number } | { ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', (e) => reject(e));
  });
}

function rpc(ws: WebSocket, msg: unknown): Promise<any> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(String(data));
      if (m.type === 'reply') {
        ws.off('message', onMessage);
        resolve(m);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  });
}

async function open(): Promise<WebSocket> {
  const r = await connect(wsUrl(ts.server.token));
  if (!('ws' in r)) throw new Error(`refused: ${r.status}`);
  return r.ws;
}

describe('recut serve', () => {
  it('listens on loopback only', () => {
    expect(ts.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('refuses a WebSocket without the token, with a wrong token, a foreign Origin or a foreign Host', async () => {
    expect(await connect(wsUrl(null))).toEqual({ status: 401 });
    expect(await connect(wsUrl('wrong-token'))).toEqual({ status: 401 });
    // one character off (a different last character: replacing it with a fixed one was a no-op for 1 token in 64)
    const t = ts.server.token;
    expect(await connect(wsUrl(t.slice(0, -1) + (t.endsWith('x') ? 'y' : 'x')))).toEqual({ status: 401 });
    expect(await connect(wsUrl(ts.server.token), { Origin: 'https://evil.example' })).toEqual({ status: 403 });
    expect(await connect(wsUrl(ts.server.token), { Host: `evil.example:${ts.server.port}` })).toEqual({ status: 403 });
  });

  it('answers contract calls with the token', async () => {
    const ws = await open();
    const r = await rpc(ws, { type: 'call', id: 1, method: 'getAppInfo', params: {} });
    expect(r.ok).toBe(true);
    expect(r.value).toMatchObject({ name: 'Recut', transport: 'websocket', home: ts.home, engine: { state: 'ready' } });
    ws.close();
  });

  it('refuses payloads that fail their schema with a typed error, and the engine keeps serving', async () => {
    const ws = await open();
    const bad = await rpc(ws, { type: 'call', id: 2, method: 'getSong', params: { songId: 42 } });
    expect(bad).toMatchObject({ id: 2, ok: false, error: { kind: 'invalid_argument' } });
    const unknown = await rpc(ws, { type: 'call', id: 3, method: 'rm -rf', params: {} });
    expect(unknown).toMatchObject({ id: 3, ok: false, error: { kind: 'invalid_argument' } });
    const malformed = await rpc(ws, { type: 'call', id: 4, method: 7 });
    expect(malformed).toMatchObject({ id: 4, ok: false, error: { kind: 'invalid_argument' } });
    const still = await rpc(ws, { type: 'call', id: 5, method: 'listJobs', params: {} });
    expect(still.ok).toBe(true);
    ws.close();
  });

  it('survives garbage from a fuzzer on every method (each gets a typed answer)', async () => {
    const ws = await open();
    let id = 100;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHOD_NAMES), fc.anything(), async (method, params) => {
        const r = await rpc(ws, { type: 'call', id: ++id, method, params });
        expect(r.id).toBe(id);
        if (!r.ok) expect(['invalid_argument', 'not_found']).toContain(r.error.kind);
      }),
      { numRuns: 150 },
    );
    ws.close();
  });

  it('closes the socket on a non-JSON frame', async () => {
    const ws = await open();
    const code = await new Promise<number>((resolve) => {
      ws.once('close', (c) => resolve(c));
      ws.send('}{ not json');
    });
    expect(code).toBe(1003);
  });

  it('serves the UI with a strict CSP and nothing outside its folder', async () => {
    const get = (p: string) =>
      new Promise<{ status: number; csp?: string }>((resolve) => {
        http.get({ host: '127.0.0.1', port: ts.server.port, path: p }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, csp: res.headers['content-security-policy'] as string | undefined });
        });
      });
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.csp).toMatch(/default-src 'self'/);
    expect(index.csp).toMatch(/script-src 'self'(;|$)/);
    expect((await get('/../recut-secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/recut-secret.txt')).status).toBe(404);
    expect((await get('/..%2f..%2fetc%2fpasswd')).status).toBe(404);
  });

  it('restarts a killed engine, tells connected UIs, and keeps the library', async () => {
    const ws = await open();
    const statuses: string[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      if (m.type === 'event' && m.event === 'engineStatus') statuses.push(`${m.payload.state}:${m.payload.restarts}`);
    });
    const before = (await rpc(ws, { type: 'call', id: 900, method: 'getAppInfo', params: {} })).value;
    process.kill(ts.client.pid!, 'SIGKILL');
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (statuses.includes('ready:1')) {
          clearInterval(t);
          resolve();
        }
      }, 50);
    });
    expect(statuses).toContain('restarting:1');
    const after = (await rpc(ws, { type: 'call', id: 901, method: 'getAppInfo', params: {} })).value;
    expect(after.engine.pid).not.toBe(before.engine.pid);
    expect(after.engine.restarts).toBe(1);
    ws.close();
  });
});

describe('recut serve media', () => {
  const get = (p: string) =>
    new Promise<{ status: number; type?: string; bytes: number }>((resolve) => {
      http.get({ host: '127.0.0.1', port: ts.server.port, path: p }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], bytes }));
      });
    });

  it('serves a library song to the audio player with the token only', async () => {
    const demo = (await ts.client.call('ensureDemoSong', {})) as { id: string; path: string };
    const ok = await get(`/media/${demo.id}?token=${ts.server.token}`);
    expect(ok).toMatchObject({ status: 200, type: 'audio/wav', bytes: fs.statSync(demo.path).size });
    expect((await get(`/media/${demo.id}`)).status).toBe(401);
    expect((await get(`/media/${demo.id}?token=nope`)).status).toBe(401);
    expect((await get(`/media/../../etc/passwd?token=${ts.server.token}`)).status).toBe(400);
    expect((await get(`/media/${'0'.repeat(64)}?token=${ts.server.token}`)).status).toBe(404);
  });
});
