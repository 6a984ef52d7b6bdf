/**
 * Part 4: hostile callers. Garbage on every contract method over the WebSocket (a real `recut serve`
 * stack: engine child process + server), through the IPC door (wired to the same engine) and straight
 * down the engine's process channel; each call gets a typed answer and the engine never restarts.
 * WebSocket upgrades without/with a wrong token, from a foreign Origin or Host, and from non-loopback
 * peers (crafted requests to checkUpgrade) are refused; the IPC door refuses sub-frames and other
 * origins without calling the engine. (The renderer's lack of require/process is checked in the
 * Chromium suite: test/e2e/foundation.e2e.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import fc from 'fast-check';
import WebSocket from 'ws';
import { METHOD_NAMES } from '../../src/shared/contract';
import { ERROR_KINDS } from '../../src/shared/errors';
import { createIpcDoor } from '../../src/main/ipc-door';
import { checkUpgrade } from '../../src/serve/server';
import { startTestServer } from '../helpers/serve';
import { fail, type Tally } from './lib/tally';

export interface HostileCallerOptions {
  seed: number;
  /** fuzz calls per transport */
  calls: number;
  log?: (line: string) => void;
}

const APP = 'file:///opt/Recut/resources/app.asar/out/renderer/index.html';
/** Errors garbage may earn; `internal` would mean a bug reached by bad input. */
const ACCEPTABLE = new Set(['invalid_argument', 'not_found', 'invalid_plan', 'invalid_import', 'unauthorized']);

function connect(url: string, headers: Record<string, string> = {}): Promise<{ status: number } | { ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', reject);
  });
}

function rpc(ws: WebSocket, text: string, id: number): Promise<{ id: number; ok: boolean; error?: { kind: string; message: string } } | { closed: number }> {
  return new Promise((resolve) => {
    const onMessage = (d: WebSocket.RawData) => {
      const m = JSON.parse(String(d));
      if (m.type === 'reply' && m.id === id) done(m);
    };
    const onClose = (code: number) => done({ closed: code });
    const done = (v: any) => {
      ws.off('message', onMessage);
      ws.off('close', onClose);
      resolve(v);
    };
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(text);
  });
}

/** Any JSON value, with the contract's own keys and plausible-looking values mixed in. */
const garbageParams = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom('songId', 'paths', 'path', 'plan', 'a', 'b', 'kind', 'choice', 'verdict', 'id', 'jobId', 'query', 'buckets', 'targetSeconds', 'version', 'format', '__proto__'), fc.oneof(fc.jsonValue(), fc.constant('0'.repeat(64)), fc.constant('../../etc/passwd'))),
);

export async function runHostileCallers(t: Tally, o: HostileCallerOptions): Promise<void> {
  const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-rel-static-'));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Recut</title>');
  // Run the engine with a scratch cwd so a garbage relative path can never land in the repository.
  const cwd = process.cwd();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-rel-cwd-'));
  process.chdir(scratch);
  const ts = await startTestServer(staticDir);
  process.chdir(cwd);
  try {
    const pid = ts.client.pid;
    const wsUrl = (q: string) => `ws://127.0.0.1:${ts.server.port}/rpc${q}`;
    const token = ts.server.token;

    // Upgrades that must be refused.
    const refusals: Array<[string, string, Record<string, string>, number]> = [
      ['no token', '', {}, 401],
      ['empty token', '?token=', {}, 401],
      ['wrong token', '?token=guess', {}, 401],
      ['token one character off', `?token=${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`, {}, 401],
      ['token prefix', `?token=${token.slice(0, 10)}`, {}, 401],
      ['token twice', `?token=${token}${token}`, {}, 401],
      ['foreign Origin', `?token=${token}`, { Origin: 'https://evil.example' }, 403],
      ['null Origin', `?token=${token}`, { Origin: 'null' }, 403],
      ['file Origin', `?token=${token}`, { Origin: 'file://' }, 403],
      ['other-port Origin', `?token=${token}`, { Origin: `http://127.0.0.1:${ts.server.port + 1}` }, 403],
      ['foreign Host (DNS rebinding)', `?token=${token}`, { Host: `evil.example:${ts.server.port}` }, 403],
    ];
    for (const [name, q, headers, status] of refusals) {
      const r = await connect(wsUrl(q), headers);
      if ('status' in r && r.status === status) t.rejected_ok++;
      else {
        fail(t, `WebSocket with ${name}: expected ${status}, got ${'status' in r ? r.status : 'an open socket'}`);
        if ('ws' in r) r.ws.close();
      }
    }
    // Non-loopback peers: checkUpgrade looks at the socket's address (no real remote peer here).
    for (const addr of ['10.0.0.2', '192.168.1.20', '::ffff:10.0.0.2', '2001:db8::1', '0.0.0.0', '', undefined]) {
      const req = { url: `/rpc?token=${token}`, headers: { host: `127.0.0.1:${ts.server.port}` }, socket: { remoteAddress: addr } } as unknown as http.IncomingMessage;
      if (checkUpgrade(req, ts.server.port, token) === '403 Forbidden') t.rejected_ok++;
      else fail(t, `checkUpgrade accepted a peer at ${String(addr)}`);
    }
    // Property: checkUpgrade accepts exactly the loopback, right-host, right-origin, right-token upgrade.
    let upgradeCases = 0;
    const prop = fc.property(
      fc.constantFrom('/rpc', '/rpc/', '/RPC', '/x'),
      fc.option(fc.oneof(fc.constant(token), fc.string()), { nil: undefined }),
      fc.constantFrom('127.0.0.1', '::1', '::ffff:127.0.0.1', '10.1.2.3', '127.0.0.2'),
      fc.constantFrom(`127.0.0.1:${ts.server.port}`, `localhost:${ts.server.port}`, `evil:${ts.server.port}`, '127.0.0.1'),
      fc.option(fc.constantFrom(`http://127.0.0.1:${ts.server.port}`, 'https://evil.example', 'null'), { nil: undefined }),
      (p, tok, addr, host, origin) => {
        upgradeCases++;
        const req = { url: tok === undefined ? p : `${p}?token=${encodeURIComponent(tok)}`, headers: { host, ...(origin ? { origin } : {}) }, socket: { remoteAddress: addr } } as unknown as http.IncomingMessage;
        const accepted = checkUpgrade(req, ts.server.port, token) === null;
        const should = p === '/rpc' && tok === token && ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(addr) && host !== 'evil:' + ts.server.port && host !== '127.0.0.1' && (origin === undefined || origin === `http://127.0.0.1:${ts.server.port}`);
        return accepted === should;
      },
    );
    const pd = fc.check(prop, { numRuns: Math.max(100, o.calls), seed: o.seed });
    t.fuzz_cases += upgradeCases;
    if (pd.failed) fail(t, `checkUpgrade property failed: ${fc.stringify(pd.counterexample)}`);

    // Garbage over the WebSocket, as text frames (valid JSON envelopes and not).
    const open = await connect(wsUrl(`?token=${token}`));
    if (!('ws' in open)) throw new Error('cannot open the WebSocket with the token');
    let ws = open.ws;
    let id = 1;
    let closes = 0;
    const frames = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...METHOD_NAMES), garbageParams).map(([m, p]) => ({ call: true, text: (n: number) => JSON.stringify({ type: 'call', id: n, method: m, params: p }) })) },
      { weight: 2, arbitrary: fc.tuple(fc.jsonValue(), garbageParams).map(([m, p]) => ({ call: true, text: (n: number) => JSON.stringify({ type: 'call', id: n, method: m, params: p }) })) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => ({ call: false, text: () => JSON.stringify(v) })) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary' }).map((s) => ({ call: false, text: () => s })) },
    );
    for (const f of fc.sample(frames, { numRuns: o.calls, seed: o.seed })) {
      const n = ++id;
      t.fuzz_cases++;
      const r = await Promise.race([rpc(ws, f.text(n), n), new Promise<{ closed: number }>((res) => setTimeout(() => res({ closed: -1 }), f.call ? 30_000 : 300))]);
      if ('closed' in r) {
        if (r.closed === -1 && !f.call) continue; // a non-call frame may get no answer (its id was unusable)
        if (r.closed === 1003 || r.closed === 1008) {
          closes++;
          const again = await connect(wsUrl(`?token=${token}`));
          if (!('ws' in again)) throw new Error('cannot reopen the WebSocket');
          ws = again.ws;
          continue;
        }
        fail(t, `WebSocket frame ${f.text(n).slice(0, 120)}: no typed reply (${r.closed})`);
      } else if (!r.ok) {
        if (ACCEPTABLE.has(r.error!.kind)) t.rejected_ok++;
        else fail(t, `WebSocket call ${f.text(n).slice(0, 160)}: error of kind ${r.error!.kind}: ${r.error!.message.slice(0, 160)}`);
      }
    }
    // A frame over the 1 MiB limit must close the socket (1009), not take the server down. The server
    // runs in this process, so an unhandled 'error' would end the harness: catch it and count a crash.
    let serverCrash: Error | null = null;
    const guard = (e: Error) => (serverCrash = e);
    process.on('uncaughtException', guard);
    try {
      const big = await rpc(ws, JSON.stringify({ type: 'call', id: 1, method: 'listSongs', params: { query: 'x'.repeat(2 ** 21) } }), 1);
      await new Promise((r) => setTimeout(r, 200));
      if (serverCrash) {
        t.crashes++;
        fail(t, `a WebSocket frame over 1 MiB (from a client holding the token) raises an unhandled 'error' in recut serve and would end the process: ${(serverCrash as Error).message}`);
      } else if ('closed' in big && big.closed === 1009) t.rejected_ok++;
      else fail(t, `an oversized frame was not refused: ${JSON.stringify(big).slice(0, 100)}`);
    } finally {
      process.off('uncaughtException', guard);
      ws.terminate();
    }

    // The IPC door, wired to the same engine: untrusted frames never reach it; garbage gets typed errors.
    let engineCalls = 0;
    const door = createIpcDoor({ appUrl: () => APP, call: (m, p) => (engineCalls++, ts.client.call(m, p)) });
    const untrusted = [
      { url: APP, parent: {} },
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/evil.html', parent: null },
      { url: APP.replace('index.html', 'other.html'), parent: null },
      { url: 'not a url', parent: null },
      { url: '', parent: null },
    ];
    for (const frame of [...untrusted, null]) {
      const before = engineCalls;
      const r = await door({ senderFrame: frame }, 'listSongs', {});
      if (!r.ok && r.error.kind === 'unauthorized' && engineCalls === before) t.rejected_ok++;
      else fail(t, `the IPC door let a call from ${JSON.stringify(frame)} through`);
    }
    const frameProp = fc.asyncProperty(fc.record({ url: fc.oneof(fc.webUrl(), fc.string(), fc.constant(APP)), parent: fc.oneof(fc.constant(null), fc.object()) }), async (frame) => {
      const before = engineCalls;
      const r = await door({ senderFrame: frame }, 'getAppInfo', {});
      t.fuzz_cases++;
      const trusted = frame.parent === null && frame.url === APP;
      return trusted ? r.ok : !r.ok && r.error.kind === 'unauthorized' && engineCalls === before;
    });
    const fd = await fc.check(frameProp, { numRuns: Math.max(50, o.calls / 4), seed: o.seed });
    if (fd.failed) fail(t, `IPC sender check failed for ${fc.stringify(fd.counterexample)}`);
    const trustedFrame = { url: APP, parent: null };
    const anyValue = fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withBoxedValues: true, withDate: true });
    for (const [m, p] of fc.sample(fc.tuple(fc.oneof(fc.constantFrom(...METHOD_NAMES), anyValue), fc.oneof(garbageParams, anyValue)), { numRuns: o.calls, seed: o.seed + 1 })) {
      t.fuzz_cases++;
      const r = await door({ senderFrame: trustedFrame }, m, p);
      if (!r.ok) {
        if (ACCEPTABLE.has(r.error.kind)) t.rejected_ok++;
        else fail(t, `IPC door ${String(typeof m === 'string' ? m : typeof m)}: error of kind ${r.error.kind}: ${r.error.message.slice(0, 160)}`);
      }
    }

    // The engine's own process channel, unvalidated by any door: the host must validate.
    for (const [m, p] of fc.sample(fc.tuple(fc.oneof(fc.constantFrom(...METHOD_NAMES), fc.string()), garbageParams), { numRuns: Math.max(20, o.calls / 2), seed: o.seed + 2 })) {
      t.fuzz_cases++;
      try {
        await ts.client.call(m, p);
      } catch (e) {
        const kind = (e as { kind?: string }).kind ?? 'untyped';
        if (ACCEPTABLE.has(kind)) t.rejected_ok++;
        else fail(t, `engine channel ${m}: error of kind ${kind}: ${(e as Error).message.slice(0, 160)}`);
      }
    }

    if (ts.client.pid !== pid || ts.client.status.restarts !== 0) {
      t.crashes++;
      fail(t, `the engine restarted under garbage (pid ${pid} -> ${ts.client.pid}, restarts ${ts.client.status.restarts})`);
    }
    if (!ERROR_KINDS.includes('unauthorized')) fail(t, 'the unauthorized error kind is gone');
    t.notes.push(`hostile callers: ${closes} sockets closed for malformed frames (1003/1008), engine pid unchanged`);
    o.log?.(`  callers: ${o.calls} frames per transport, ${closes} malformed-frame closes, engine never restarted`);
  } finally {
    await ts.stop();
    fs.rmSync(staticDir, { recursive: true, force: true });
    fs.rmSync(ts.home, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
