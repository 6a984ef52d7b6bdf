import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { openDatabase } from './db';
import { SettingsStore } from './settings';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('SettingsStore', () => {
  it('returns defaults, persists patches, and survives a corrupt stored value', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-settings-'));
    dirs.push(d);
    const db = openDatabase(path.join(d, 'recut.sqlite'));
    const s = new SettingsStore(db);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(s.update({ autoRetrainAfter: 5, backend: 'wasm' })).toMatchObject({ autoRetrainAfter: 5, backend: 'wasm', learnedWeight: 0.8 });
    expect(new SettingsStore(db).get().autoRetrainAfter).toBe(5);
    expect(() => s.update({ autoRetrainAfter: -1 })).toThrow();
    db.prepare("UPDATE settings SET value = '{broken' WHERE key = 'settings'").run();
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    db.close();
  });
});
