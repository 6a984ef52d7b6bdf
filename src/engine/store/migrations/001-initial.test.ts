import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../db';
import { migration001 } from './001-initial';

const dirs: string[] = [];
const dbFile = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-mig1-'));
  dirs.push(d);
  return path.join(d, 'recut.sqlite');
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('migration 001 (initial)', () => {
  it('creates the library, jobs and settings tables on a real file at version 1', () => {
    const db = new Database(dbFile());
    migrate(db, [migration001]);
    expect(schemaVersion(db)).toBe(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(['jobs', 'settings', 'songs']);
    db.close();
  });

  it('enforces its constraints', () => {
    const db = new Database(dbFile());
    migrate(db, [migration001]);
    const insert = db.prepare(
      `INSERT INTO songs (id, path, format, sample_rate, channels, duration_s, title, added_at) VALUES (?, 'p', 'wav', ?, 2, 1, 't', 'now')`,
    );
    expect(() => insert.run('short-id', 44100)).toThrow(/CHECK/);
    expect(() => insert.run('a'.repeat(64), 0)).toThrow(/CHECK/);
    insert.run('a'.repeat(64), 44100);
    expect(() => db.prepare("INSERT INTO jobs (id, kind, title, state, started_at) VALUES ('j', 'k', 't', 'bogus', 'now')").run()).toThrow(/CHECK/);
    db.close();
  });

  it('is applied once: reopening keeps the data and the version', () => {
    const file = dbFile();
    const db = openDatabase(file);
    db.prepare("INSERT INTO settings (key, value) VALUES ('k', '1')").run();
    db.close();
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBeGreaterThanOrEqual(1);
    expect(again.prepare("SELECT value FROM settings WHERE key = 'k'").get()).toEqual({ value: '1' });
    expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.pragma('synchronous', { simple: true })).toBe(2); // FULL
    again.close();
  });

  it('refuses a database from a newer Recut', () => {
    const file = dbFile();
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer Recut/);
  });

  it('rolls back a failing migration as a whole, leaving the previous version', () => {
    const file = dbFile();
    const db = new Database(file);
    migrate(db, [migration001]);
    const broken = { version: 2, name: 'broken', up: (d: Database.Database) => d.exec('CREATE TABLE half (x); SELECT * FROM no_such_table;') };
    expect(() => migrate(db, [migration001, broken])).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });
});
