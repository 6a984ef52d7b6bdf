import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../db';
import { migration001 } from './001-initial';
import { migration002 } from './002-analyses';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const open = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-mig2-'));
  dirs.push(d);
  return new Database(path.join(d, 'recut.sqlite'));
};

describe('migration 002 (analyses)', () => {
  it('upgrades a v1 database with data in it to v2', () => {
    const db = open();
    migrate(db, [migration001]);
    db.prepare("INSERT INTO settings (key, value) VALUES ('kept', 'yes')").run();
    migrate(db, [migration001, migration002]);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare("SELECT value FROM settings WHERE key = 'kept'").get()).toEqual({ value: 'yes' });
    db.close();
  });

  it('refuses a feature blob whose size does not match its shape', () => {
    const db = open();
    migrate(db, [migration001, migration002]);
    const insert = db.prepare(`INSERT INTO analyses VALUES (?, 'v', 1, 10, 44100, 2, 120, '{}', '[]', '[]', '[]', 0.5, ?, 121, ?, 'now')`);
    insert.run('a'.repeat(64), 2, Buffer.alloc(2 * 121 * 4));
    expect(() => insert.run('b'.repeat(64), 2, Buffer.alloc(10))).toThrow(/CHECK/);
    db.close();
  });
});
