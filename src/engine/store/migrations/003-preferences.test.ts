import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../db';
import { migration001 } from './001-initial';
import { migration002 } from './002-analyses';
import { migration003 } from './003-preferences';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const open = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-mig3-'));
  dirs.push(d);
  return new Database(path.join(d, 'recut.sqlite'));
};
const SONG = 'c'.repeat(64);
const PLAN = JSON.stringify({ version: 1, includeIntro: true, segments: [{ from: 0, to: 8, repeat: 1 }] });

describe('migration 003 (preferences)', () => {
  it('upgrades v2 to v3 keeping earlier data', () => {
    const db = open();
    migrate(db, [migration001, migration002]);
    db.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run();
    migrate(db, [migration001, migration002, migration003]);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 1 });
    db.close();
  });

  it('accepts well-formed pairs and singles and refuses half-records', () => {
    const db = open();
    migrate(db, [migration001, migration002, migration003]);
    const ins = db.prepare(
      `INSERT INTO preferences (uid, song_id, kind, plan_a, plan_b, choice, verdict, strength, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'now')`,
    );
    ins.run('p1', SONG, 'pair', PLAN, PLAN, 'a', null, 2);
    ins.run('s1', SONG, 'single', PLAN, null, null, 'reject', 1);
    const refused: unknown[][] = [
      ['p2', SONG, 'pair', PLAN, null, 'a', null, 1], // a pair without its second plan
      ['p3', SONG, 'pair', PLAN, PLAN, null, null, 1], // a pair without a choice
      ['s2', SONG, 'single', PLAN, null, null, null, 1], // a single without a verdict
      ['s3', SONG, 'single', 'not json', null, null, 'accept', 1],
      ['s4', SONG, 'single', PLAN, null, null, 'accept', 4], // strength out of range
      ['p1', SONG, 'single', PLAN, null, null, 'accept', 1], // duplicate uid
      ['s5', 'short', 'single', PLAN, null, null, 'accept', 1],
    ];
    for (const r of refused) expect(() => ins.run(...r), JSON.stringify(r)).toThrow();
    expect(db.prepare('SELECT count(*) AS n FROM preferences').get()).toEqual({ n: 2 });
    db.close();
  });
});
