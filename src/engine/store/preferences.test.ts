import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './db';
import { PreferenceStore } from './preferences';

const SONG = 'd'.repeat(64);
const plan = (to: number) => ({ version: 1 as const, includeIntro: true, segments: [{ from: 0, to, repeat: 1 }], fadeOut: null, crossfadeMs: 20 });
let dir: string;
let db: Db;
let store: PreferenceStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-prefs-'));
  db = openDatabase(path.join(dir, 'recut.sqlite'));
  store = new PreferenceStore(db);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('PreferenceStore', () => {
  it('stores both full plans of a pair with its provenance, and single verdicts', () => {
    const p = store.add({ kind: 'pair', songId: SONG, planA: plan(8), planB: plan(16), choice: 'b', strength: 3, seed: 42, policyVersion: 'policy-v2', rewardVersion: 'reward-v1', targetSeconds: 30 });
    expect(p).toMatchObject({ kind: 'pair', choice: 'b', strength: 3, seed: 42, policyVersion: 'policy-v2', targetSeconds: 30 });
    expect(p.planA.segments[0].to).toBe(8);
    expect(p.planB!.segments[0].to).toBe(16);
    const s = store.add({ kind: 'single', songId: SONG, plan: plan(4), verdict: 'reject' });
    expect(s).toMatchObject({ kind: 'single', verdict: 'reject', planB: null, choice: null, strength: 1 });
    expect(store.count()).toBe(2);
  });

  it('undo takes a verdict out of training but keeps it for the audit trail', () => {
    const a = store.add({ kind: 'single', songId: SONG, plan: plan(4), verdict: 'accept' });
    store.add({ kind: 'single', songId: SONG, plan: plan(5), verdict: 'accept' });
    expect(store.undo(a.id)).toBe(true);
    expect(store.undo(a.id)).toBe(false);
    expect(store.list().map((r) => r.id)).not.toContain(a.id);
    expect(store.list({ includeDeleted: true }).find((r) => r.id === a.id)?.deletedAt).not.toBeNull();
    expect(store.count()).toBe(1);
  });

  it('addAll is all or nothing', () => {
    store.add({ kind: 'single', songId: SONG, plan: plan(4), verdict: 'accept', uid: 'taken' });
    expect(() =>
      store.addAll([
        { kind: 'single', songId: SONG, plan: plan(4), verdict: 'accept', uid: 'new-1' },
        { kind: 'single', songId: SONG, plan: plan(4), verdict: 'accept', uid: 'taken' },
      ]),
    ).toThrow();
    expect(store.hasUid('new-1')).toBe(false);
    expect(store.count()).toBe(1);
  });

  it('survives reopening the database file (committed means on disk)', () => {
    store.add({ kind: 'pair', songId: SONG, planA: plan(8), planB: plan(9), choice: 'tie' });
    db.close();
    db = openDatabase(path.join(dir, 'recut.sqlite'));
    store = new PreferenceStore(db);
    expect(store.list()).toHaveLength(1);
    expect(store.list()[0].choice).toBe('tie');
  });
});
