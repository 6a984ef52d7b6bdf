import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RecutError, toErrorPayload } from '../shared/errors';
import { errorReply, parseCall, RequestMessage, type EventMessage, type ReplyMessage } from '../shared/wire';
import type { EngineClient } from '../engine/client';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import { MEDIA_TYPES } from '../shared/media';

export interface ServeOptions {
  client: EngineClient;
  /** The built renderer (out/renderer); the UI is served from here. */
  staticDir: string;
  port?: number;
  /** A fixed token for tests; by default a fresh random one per run. */
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const MAX_MESSAGE_BYTES = 1 << 20;

/**
 * `recut serve`: the UI over HTTP and the contract over a WebSocket, on 127.0.0.1 only. The socket
 * needs the per-run token from the printed URL, a loopback peer, our own Host (no DNS rebinding) and,
 * for browsers, our own Origin. Every call is validated against the contract before it is forwarded.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = path.resolve(opts.staticDir);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new RecutError('not_found', `the UI is not built (${root}/index.html is missing): run \`npm run build:app\``);
  }
  let port = 0;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url.startsWith('/media/')) void serveMedia(req, res, token, opts.client);
    else if (url.startsWith('/exports/')) void serveExport(req, res, token, opts.client);
    else if (url.startsWith('/upload')) void receiveUpload(req, res, token, opts.client);
    else serveStatic(root, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const refusal = checkUpgrade(req, port, token);
    if (refusal) {
      socket.write(`HTTP/1.1 ${refusal}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // ws reports a frame over maxPayload (and protocol errors) as an 'error' event and then closes
      // the socket (1009...); unhandled, that event would end the whole serve process.
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => void handleMessage(ws, data, isBinary, opts.client));
      ws.send(JSON.stringify({ type: 'event', event: 'engineStatus', payload: opts.client.status } satisfies EventMessage));
    });
  });

  const unsubscribe = opts.client.on((event, payload) => {
    const text = JSON.stringify({ type: 'event', event, payload } satisfies EventMessage);
    sockets.forEach((ws) => ws.readyState === ws.OPEN && ws.send(text));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      sockets.forEach((ws) => ws.terminate());
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Returns an HTTP status line when the upgrade must be refused, or null to accept it. */
export function checkUpgrade(req: http.IncomingMessage, port: number, token: string): string | null {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== '/rpc') return '404 Not Found';
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return '403 Forbidden';
  const host = req.headers.host ?? '';
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return '403 Forbidden';
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) return '403 Forbidden';
  const given = Buffer.from(url.searchParams.get('token') ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return '401 Unauthorized';
  return null;
}

async function handleMessage(ws: WebSocket, data: unknown, isBinary: boolean, client: EngineClient): Promise<void> {
  const reply = (m: ReplyMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
  let raw: unknown;
  try {
    if (isBinary) throw new Error('binary frames are not accepted');
    raw = JSON.parse(String(data));
  } catch {
    ws.close(1003, 'malformed message');
    return;
  }
  const req = RequestMessage.safeParse(raw);
  if (!req.success) {
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0) reply(errorReply(id, { kind: 'invalid_argument', message: 'malformed request' }));
    else ws.close(1008, 'malformed request');
    return;
  }
  const { id, method, params } = req.data;
  try {
    const call = parseCall(method, params);
    let value = await client.call(call.method, call.params);
    if (call.method === 'getAppInfo') value = { ...(value as object), transport: 'websocket', engine: client.status };
    reply({ type: 'reply', id, ok: true, value });
  } catch (e) {
    reply(errorReply(id, toErrorPayload(e)));
  }
}

/**
 * `/media/<songId>?token=...`: a song's file for the UI's audio player (the browser decodes it). Same
 * token as the socket; the path comes from the engine's library, never from the URL.
 */
async function serveMedia(req: http.IncomingMessage, res: http.ServerResponse, token: string, client: EngineClient): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (!tokenOk(url, token)) {
    res.writeHead(401).end();
    return;
  }
  const songId = url.pathname.slice('/media/'.length);
  try {
    const song = (await client.call('getSong', parseCall('getSong', { songId }).params)) as { path: string; format: string };
    const st = fs.statSync(song.path);
    res.writeHead(200, { 'Content-Type': MEDIA_TYPES[song.format] ?? 'application/octet-stream', 'Content-Length': st.size, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    fs.createReadStream(song.path).pipe(res);
  } catch (e) {
    const kind = toErrorPayload(e).kind;
    res.writeHead(kind === 'invalid_argument' ? 400 : kind === 'not_found' ? 404 : 500, { 'Content-Type': 'text/plain' }).end(toErrorPayload(e).message);
  }
}

const tokenOk = (url: URL, token: string) => {
  const given = Buffer.from(url.searchParams.get('token') ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

const homeOf = async (client: EngineClient) => ((await client.call('getAppInfo', {})) as { home: string }).home;

/** `/exports/<file>?token=`: download an exported edit (browser users have no file manager on the box). */
async function serveExport(req: http.IncomingMessage, res: http.ServerResponse, token: string, client: EngineClient): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (!tokenOk(url, token)) return void res.writeHead(401).end();
  const name = decodeURIComponent(url.pathname.slice('/exports/'.length));
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) return void res.writeHead(400).end();
  const file = path.join(await homeOf(client), 'exports', name);
  if (!fs.existsSync(file)) return void res.writeHead(404).end();
  const type = name.endsWith('.wav') ? 'audio/wav' : name.endsWith('.flac') ? 'audio/flac' : name.endsWith('.json') ? 'application/json' : 'text/csv';
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': fs.statSync(file).size, 'Content-Disposition': `attachment; filename="${name}"`, 'X-Content-Type-Options': 'nosniff' });
  fs.createReadStream(file).pipe(res);
}

const MAX_UPLOAD_BYTES = 1.5 * 2 ** 30;

/**
 * `POST /upload?name=<file name>&token=`: a browser user's dropped file, saved under the data folder's
 * imports/ and added to the library like any other file (format from its bytes, typed errors).
 */
async function receiveUpload(req: http.IncomingMessage, res: http.ServerResponse, token: string, client: EngineClient): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (!tokenOk(url, token)) return void res.writeHead(401).end();
  if (req.method !== 'POST') return void res.writeHead(405).end();
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) return void res.writeHead(403).end();
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (!(declared > 0) || declared > MAX_UPLOAD_BYTES) return void res.writeHead(413).end();
  const safe = (url.searchParams.get('name') ?? 'upload').replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(0, 120) || 'upload';
  const file = path.join(await homeOf(client), 'imports', `${randomBytes(6).toString('hex')}-${safe}`);
  let received = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const out = fs.createWriteStream(file, { flags: 'wx' });
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > declared) req.destroy(new Error('body longer than declared'));
      });
      req.on('error', reject);
      out.on('error', reject);
      out.on('finish', () => resolve());
      req.pipe(out);
    });
    const result = await client.call('importFiles', { paths: [file] });
    const json = JSON.stringify(result);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(json);
    if ((result as { songs: unknown[] }).songs.length === 0) fs.rmSync(file, { force: true });
  } catch (e) {
    fs.rmSync(file, { force: true });
    const p = toErrorPayload(e);
    res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: p }));
  }
}

function serveStatic(root: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const headers = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  } catch {
    res.writeHead(400, headers).end();
    return;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = path.resolve(root, '.' + rel);
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(file).pipe(res);
}
