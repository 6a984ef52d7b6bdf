import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIpcDoor } from './ipc-door';
import { isTrustedSender, permissionAllowed, secureWebPreferences, shouldBlockNavigation } from './security';

const APP = 'file:///opt/Recut/resources/app.asar/out/renderer/index.html';

describe('window security defaults', () => {
  it('sandboxes the renderer and isolates its context', () => {
    const p = secureWebPreferences('/x/preload.cjs');
    expect(p).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webviewTag: false, webSecurity: true });
  });

  it('the main process really uses these options and guards (source check)', () => {
    const src = fs.readFileSync(path.join(__dirname, 'index.ts'), 'utf8');
    expect(src).toMatch(/webPreferences: secureWebPreferences\(/);
    expect(src).toMatch(/setWindowOpenHandler\([^)]*\)[\s\S]*DENY_WINDOW_OPEN/);
    expect(src).toMatch(/'will-navigate'.*shouldBlockNavigation/);
    expect(src).toMatch(/app\.enableSandbox\(\)/);
    expect(src).not.toMatch(/nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false/);
  });

  it('denies navigation away from the app and every permission', () => {
    expect(shouldBlockNavigation('https://evil.example/', APP)).toBe(true);
    expect(shouldBlockNavigation('file:///etc/passwd', APP)).toBe(true);
    expect(shouldBlockNavigation('javascript:alert(1)', APP)).toBe(true);
    expect(shouldBlockNavigation(APP + '#/library', APP)).toBe(false);
    expect(shouldBlockNavigation('http://localhost:5174/other', 'http://localhost:5173/')).toBe(true);
    expect(permissionAllowed('media')).toBe(false);
  });

  it('trusts only the top frame of our own page', () => {
    expect(isTrustedSender({ url: APP, parent: null }, APP)).toBe(true);
    expect(isTrustedSender({ url: APP, parent: {} }, APP)).toBe(false); // a sub-frame
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, APP)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', parent: null }, APP)).toBe(false);
    expect(isTrustedSender(null, APP)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, 'http://localhost:5173/')).toBe(true);
  });
});

describe('the IPC door', () => {
  const calls: Array<[string, unknown]> = [];
  const door = createIpcDoor({
    appUrl: () => APP,
    call: async (m, p) => {
      calls.push([m, p]);
      return { songs: [] };
    },
  });

  it('forwards a valid call from our frame', async () => {
    const r = await door({ senderFrame: { url: APP, parent: null } }, 'listSongs', { query: 'x' });
    expect(r).toEqual({ ok: true, value: { songs: [] } });
    expect(calls.at(-1)).toEqual(['listSongs', { query: 'x' }]);
  });

  it('refuses a sub-frame or a foreign origin before anything runs', async () => {
    const n = calls.length;
    const sub = await door({ senderFrame: { url: APP, parent: {} } }, 'listSongs', {});
    const foreign = await door({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'listSongs', {});
    expect(sub).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    expect(foreign).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    expect(calls.length).toBe(n);
  });

  it('refuses payloads that fail their schema', async () => {
    const n = calls.length;
    const r = await door({ senderFrame: { url: APP, parent: null } }, 'getSong', { songId: 1 });
    expect(r).toMatchObject({ ok: false, error: { kind: 'invalid_argument' } });
    const r2 = await door({ senderFrame: { url: APP, parent: null } }, 'eval', 'process.exit()');
    expect(r2).toMatchObject({ ok: false, error: { kind: 'invalid_argument' } });
    expect(calls.length).toBe(n);
  });
});
