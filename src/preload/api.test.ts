import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiFromBridge } from '../shared/bridge';
import { METHOD_NAMES } from '../shared/contract';
import { RecutError } from '../shared/errors';
import { IPC_CHANNEL, IPC_EVENT_CHANNEL } from '../main/ipc-door';
import { buildPreloadApi } from './api';

describe('the preload bridge', () => {
  it('exposes exactly one named function per contract method, plus on()', () => {
    const bridge = buildPreloadApi(async () => ({ ok: true, value: null }), () => () => undefined);
    expect(Object.keys(bridge).sort()).toEqual([...METHOD_NAMES, 'on'].sort());
    for (const k of Object.keys(bridge)) expect(typeof (bridge as Record<string, unknown>)[k]).toBe('function');
  });

  it('routes each method by its own name and turns typed errors back into RecutErrors', async () => {
    const seen: string[] = [];
    const bridge = buildPreloadApi(async (m) => {
      seen.push(m);
      return m === 'getSong' ? { ok: false, error: { kind: 'not_found', message: 'no such song' } } : { ok: true, value: { songs: [] } };
    }, () => () => undefined);
    const api = apiFromBridge(bridge);
    await expect(api.listSongs({})).resolves.toEqual({ songs: [] });
    const err = await api.getSong({ songId: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(RecutError);
    expect(err.kind).toBe('not_found');
    expect(seen).toEqual(['listSongs', 'getSong']);
  });

  it('never exposes ipcRenderer or a generic send, and uses the door channels', () => {
    const src = fs.readFileSync(path.join(__dirname, 'index.ts'), 'utf8');
    expect(src.match(/exposeInMainWorld/g)).toHaveLength(2);
    expect(src).toMatch(/exposeInMainWorld\('recut', api\)/);
    // The only other thing exposed: a file's path, for drag-and-drop import.
    expect(src).toMatch(/exposeInMainWorld\('recutFiles', \{ pathFor: \(file: File\) => webUtils\.getPathForFile\(file\) \}\)/);
    expect(src).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    expect(src).toContain(`'${IPC_CHANNEL}'`);
    expect(src).toContain(`'${IPC_EVENT_CHANNEL}'`);
  });

  it('refuses subscriptions to events outside the contract', () => {
    const bridge = buildPreloadApi(async () => ({ ok: true, value: null }), () => () => undefined);
    expect(() => bridge.on('not-an-event' as never, () => undefined)).toThrow();
  });
});
