import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../db';
import { MIGRATIONS } from '.';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const open = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-mig4-'));
  dirs.push(d);
  return new Database(path.join(d, 'recut.sqlite'));
};

describe('migration 004 (models)', () => {
  it('upgrades v3 to v4', () => {
    const db = open();
    migrate(db, MIGRATIONS.filter((m) => m.version <= 3));
    expect(schemaVersion(db)).toBe(3);
    migrate(db, MIGRATIONS.filter((m) => m.version <= 4));
    expect(schemaVersion(db)).toBe(4);
    db.close();
  });

  it('numbers versions uniquely per kind and checks parents and metrics', () => {
    const db = open();
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.filter((m) => m.version <= 4));
    const ins = db.prepare(
      `INSERT INTO model_versions (kind, version, parent_id, algorithm, checkpoint, checksum, backend, metrics, created_at) VALUES (?, ?, ?, 'bt', 'f', 'c', 'cpu', ?, 'now')`,
    );
    ins.run('reward', 1, null, '{}');
    ins.run('policy', 1, null, '{}');
    ins.run('reward', 2, 1, '{"heldOutAccuracy":0.9}');
    expect(() => ins.run('reward', 2, 1, '{}')).toThrow(/UNIQUE/);
    expect(() => ins.run('reward', 3, 999, '{}')).toThrow(/FOREIGN KEY/);
    expect(() => ins.run('reward', 4, null, 'not json')).toThrow(/CHECK/);
    expect(() => ins.run('critic', 1, null, '{}')).toThrow(/CHECK/);
    db.close();
  });
});
