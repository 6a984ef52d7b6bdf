/**
 * Part 1: verdicts survive kills. A child writes verdicts through the real store and acknowledges
 * each commit; we SIGKILL it at a random (seeded) moment, then check the file: integrity_check ok,
 * every acknowledged verdict present and exactly as written, every batch all-or-nothing, every
 * acknowledged undo kept. Also kills inside WAL checkpoints and inside migrations (each real migration
 * killed after its DDL ran, and random kills in a slow table-rebuild migration).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/engine/store/db';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/engine/store/migrations';
import { PreferenceStore } from '../../src/engine/store/preferences';
import { bundleChild, startChild, sleep, type KillableChild } from './lib/child';
import { Rng, subSeed } from './lib/rng';
import { fail, type Tally } from './lib/tally';
import { recordMismatch, verdictFor } from './lib/verdict-content';
import { REBUILD_MIGRATION } from './lib/rebuild-migration';

export interface VerdictKillOptions {
  seed: number;
  /** random kills of the verdict writer */
  kills: number;
  /** kills aimed at WAL checkpoints */
  checkpointKills: number;
  /** random kills inside the slow rebuild migration (the four real migrations are always killed once each) */
  rebuildKills: number;
  /** rows in the table the rebuild migration copies */
  rebuildRows?: number;
  log?: (line: string) => void;
}

interface Expectations {
  acked: Set<string>;
  /** batches announced with "P": all or none of their uids may be present */
  pending: string[][];
  undone: Set<number>;
  verifiedUpTo: number;
}

const newExpectations = (): Expectations => ({ acked: new Set(), pending: [], undone: new Set(), verifiedUpTo: 0 });

function absorb(lines: readonly string[], e: Expectations): void {
  for (const l of lines) {
    if (l.startsWith('A ')) e.acked.add(l.slice(2));
    else if (l.startsWith('B ')) l.slice(2).split(',').forEach((u) => e.acked.add(u));
    else if (l.startsWith('P ')) e.pending.push(l.slice(2).split(','));
    else if (l.startsWith('U ')) e.undone.add(Number(l.slice(2)));
  }
}

/** Opens the file after a kill (recovering the WAL as the next app start would) and checks every promise. */
function verify(t: Tally, file: string, e: Expectations, label: string, full: boolean): void {
  const db = new Database(file);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') {
      t.lost++;
      fail(t, `${label}: integrity_check says ${String(integrity)}`);
      return;
    }
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'preferences'").get() !== undefined;
    if (!hasTable) {
      // Killed before the store finished its first open: fine only if nothing was acknowledged.
      if (e.acked.size) {
        t.lost += e.acked.size;
        fail(t, `${label}: the preferences table is gone`);
      }
      return;
    }
    const present = new Map<string, { id: number; deleted: boolean }>();
    for (const r of db.prepare('SELECT id, uid, deleted_at FROM preferences').iterate() as Iterable<{ id: number; uid: string; deleted_at: string | null }>) {
      present.set(r.uid, { id: r.id, deleted: r.deleted_at !== null });
    }
    for (const uid of e.acked) {
      if (!present.has(uid)) {
        t.lost++;
        fail(t, `${label}: acknowledged verdict ${uid} is missing`);
      }
    }
    for (const batch of e.pending) {
      const n = batch.filter((u) => present.has(u)).length;
      if (n !== 0 && n !== batch.length) {
        t.lost++;
        fail(t, `${label}: a batch landed half (${n} of ${batch.length} rows)`);
      }
    }
    e.pending = e.pending.filter((b) => !b.every((u) => e.acked.has(u)));
    const byId = new Map([...present.values()].map((v) => [v.id, v]));
    for (const id of e.undone) {
      if (!byId.get(id)?.deleted) {
        t.lost++;
        fail(t, `${label}: acknowledged undo of verdict ${id} is gone`);
      }
    }
    // Every row written since the last check (all rows on a full check) must be exactly its verdict.
    const store = new PreferenceStore(db);
    const rows = store.list({ includeDeleted: true, afterId: full ? 0 : e.verifiedUpTo });
    for (const rec of rows) {
      const bad = recordMismatch(rec);
      if (bad) {
        t.lost++;
        fail(t, `${label}: row ${rec.id} (${rec.uid}) is not what was written: ${bad}`);
      }
      e.verifiedUpTo = Math.max(e.verifiedUpTo, rec.id);
    }
  } finally {
    db.close();
  }
}

async function verdictLoop(t: Tally, o: VerdictKillOptions, dir: string, script: string): Promise<void> {
  const rng = new Rng(subSeed(o.seed, 1));
  let file = path.join(dir, 'verdicts-0.sqlite');
  let e = newExpectations();
  let earlyKills = 0;
  let acknowledged = 0;
  for (let i = 0; i < o.kills; i++) {
    if (i > 0 && i % 40 === 0) {
      // A fresh database every 40 kills keeps the file, and the checks, small.
      acknowledged += e.acked.size;
      file = path.join(dir, `verdicts-${i}.sqlite`);
      e = newExpectations();
    }
    const child = startChild(script, ['verdicts', file, `k${i}`, String(subSeed(o.seed, 1, i))]);
    if (rng.next() < 0.15) {
      // Sometimes kill while the store is still opening (WAL recovery, migrations check).
      await sleep(rng.int(0, 120));
      earlyKills++;
    } else {
      await child.waitFor((l) => l === 'READY');
      await sleep(rng.int(0, 350));
    }
    const { signal } = await child.kill();
    t.kills++;
    if (signal !== 'SIGKILL') fail(t, `verdict kill ${i}: the child ended on its own (${signal ?? 'exit'}): ${child.stderr().slice(-300)}`);
    absorb(child.lines, e);
    verify(t, file, e, `verdict kill ${i}`, i % 40 === 39 || i === o.kills - 1);
  }
  acknowledged += e.acked.size;
  t.notes.push(`verdict kills: ${o.kills} (${earlyKills} while the store was opening), ${acknowledged} acknowledged verdicts checked`);
  o.log?.(`  verdicts: ${o.kills} kills (${earlyKills} while opening), ${acknowledged} acknowledged verdicts`);
}

async function checkpointLoop(t: Tally, o: VerdictKillOptions, dir: string, script: string): Promise<void> {
  const rng = new Rng(subSeed(o.seed, 2));
  const file = path.join(dir, 'checkpoint.sqlite');
  const e = newExpectations();
  let window = 30;
  let inside = 0;
  for (let i = 0; i < o.checkpointKills; i++) {
    const child = startChild(script, ['checkpoint', file, `c${i}`, '0']);
    // Aim at the checkpoint: wait for its start marker (the first or a later one), then a random
    // delay within the time checkpoints have been taking.
    const rounds = rng.int(1, 2);
    let seen = 0;
    await child.waitFor((l) => l === 'C' && ++seen === rounds);
    await sleep(rng.next() * window);
    await child.kill();
    t.kills++;
    const last = child.lines.filter((l) => l === 'C' || l.startsWith('CD')).at(-1);
    if (last === 'C') inside++;
    for (const l of child.lines) if (l.startsWith('CD ')) window = Math.max(5, 0.7 * window + 0.3 * 1.3 * Number(l.slice(3)));
    absorb(child.lines, e);
    verify(t, file, e, `checkpoint kill ${i}`, i === o.checkpointKills - 1);
  }
  t.notes.push(`WAL checkpoint kills: ${o.checkpointKills}, ${inside} landed inside wal_checkpoint(TRUNCATE) (window ~${window.toFixed(0)} ms)`);
  o.log?.(`  checkpoints: ${o.checkpointKills} kills, ${inside} inside the checkpoint`);
}

const TABLES_AT: Record<number, string[]> = {
  0: [],
  1: ['jobs', 'settings', 'songs'],
  2: ['analyses', 'jobs', 'settings', 'songs'],
  3: ['analyses', 'jobs', 'preferences', 'settings', 'songs'],
  4: ['analyses', 'jobs', 'model_activations', 'model_versions', 'preferences', 'settings', 'songs', 'training_metrics'],
};

function tablesOf(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

/** Each real migration killed (SIGKILL) right after its DDL ran, before its commit. */
async function realMigrationKills(t: Tally, dir: string, script: string): Promise<void> {
  for (const target of MIGRATIONS.map((m) => m.version)) {
    const file = path.join(dir, `mig-${target}.sqlite`);
    // Start one version below the migration being killed, with a row that must survive.
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const { migrate } = await import('../../src/engine/store/db');
    migrate(db, MIGRATIONS.filter((m) => m.version < target));
    if (target > 1) db.prepare("INSERT INTO settings (key, value) VALUES ('survivor', 'yes')").run();
    db.close();
    const child = startChild(script, ['migrate', file, `die-in-${target}`]);
    const { signal } = await child.exited;
    t.kills++;
    if (signal !== 'SIGKILL' || !child.lines.includes('DYING')) {
      fail(t, `migration ${target}: the child did not die inside the migration (${signal}): ${child.stderr().slice(-300)}`);
      continue;
    }
    const after = new Database(file);
    const integrity = after.pragma('integrity_check', { simple: true });
    const version = after.pragma('user_version', { simple: true }) as number;
    const tables = tablesOf(after);
    const survivor = target > 1 ? after.prepare("SELECT value FROM settings WHERE key = 'survivor'").get() : { value: 'yes' };
    after.close();
    if (integrity !== 'ok') fail(t, `migration ${target} killed: integrity_check ${String(integrity)}`);
    if (version !== target - 1) fail(t, `migration ${target} killed: user_version is ${version}, expected ${target - 1}`);
    if (JSON.stringify(tables) !== JSON.stringify(TABLES_AT[target - 1])) fail(t, `migration ${target} killed: half-applied schema ${tables.join(',')}`);
    if ((survivor as { value?: string } | undefined)?.value !== 'yes') {
      t.lost++;
      fail(t, `migration ${target} killed: existing data lost`);
    }
    // The next start finishes the job.
    const reopened = openDatabase(file);
    const v = reopened.pragma('user_version', { simple: true });
    reopened.close();
    if (v !== SCHEMA_VERSION) fail(t, `after a killed migration ${target}, reopening reached version ${v}, not ${SCHEMA_VERSION}`);
  }
}

/** Random kills inside a slow (table-rebuild) migration run by the real migrate(). */
async function rebuildKills(t: Tally, o: VerdictKillOptions, dir: string, script: string): Promise<void> {
  const rng = new Rng(subSeed(o.seed, 3));
  const template = path.join(dir, 'rebuild-template.sqlite');
  const db = openDatabase(template);
  const store = new PreferenceStore(db);
  const uids = Array.from({ length: o.rebuildRows ?? 3000 }, (_, i) => `r-${i}`);
  for (let i = 0; i < uids.length; i += 500) store.addAll(uids.slice(i, i + 500).map(verdictFor));
  db.close();
  // How long does the migration take here? Kill within that window.
  const probe = path.join(dir, 'rebuild-probe.sqlite');
  fs.copyFileSync(template, probe);
  const t0 = performance.now();
  const p = startChild(script, ['rebuild', probe]);
  await p.waitFor((l) => l === 'M');
  const t1 = performance.now();
  await p.exited;
  const migrateMs = performance.now() - t1;
  if (!p.lines.includes('O 5')) fail(t, `the rebuild migration did not complete: ${p.stderr().slice(-300)}`);
  let inside = 0;
  for (let i = 0; i < o.rebuildKills; i++) {
    const file = path.join(dir, 'rebuild.sqlite');
    for (const ext of ['', '-wal', '-shm']) fs.rmSync(file + ext, { force: true });
    fs.copyFileSync(template, file);
    const child: KillableChild = startChild(script, ['rebuild', file]);
    await child.waitFor((l) => l === 'M');
    await sleep(rng.next() * migrateMs * 1.2);
    await child.kill();
    t.kills++;
    if (!child.lines.some((l) => l.startsWith('O '))) inside++;
    const after = new Database(file);
    const integrity = after.pragma('integrity_check', { simple: true });
    const version = after.pragma('user_version', { simple: true }) as number;
    const tables = tablesOf(after);
    const cols = (after.prepare('PRAGMA table_info(preferences)').all() as { name: string }[]).map((c) => c.name);
    const present = new Set((after.prepare('SELECT uid FROM preferences').all() as { uid: string }[]).map((r) => r.uid));
    const sample = new PreferenceStore(after).list({ includeDeleted: true }).filter((_, k) => k % 97 === 0);
    after.close();
    const label = `rebuild-migration kill ${i}`;
    if (integrity !== 'ok') fail(t, `${label}: integrity_check ${String(integrity)}`);
    if (version !== 4 && version !== 5) fail(t, `${label}: user_version ${version}`);
    if (tables.includes('preferences_new') || (version === 5) !== cols.includes('note')) fail(t, `${label}: half-applied migration (version ${version}, tables ${tables.join(',')}, columns ${cols.join(',')})`);
    const missing = uids.filter((u) => !present.has(u)).length;
    if (missing || present.size !== uids.length) {
      t.lost += missing;
      fail(t, `${label}: ${missing} verdicts missing, ${present.size} rows`);
    }
    for (const rec of sample) {
      const bad = recordMismatch(rec);
      if (bad) fail(t, `${label}: row ${rec.uid} changed: ${bad}`);
    }
  }
  t.notes.push(`migration kills: 4 real migrations killed mid-transaction, ${o.rebuildKills} random kills in a ${uids.length}-row rebuild migration (${migrateMs.toFixed(0)} ms, spawn ${(t1 - t0).toFixed(0)} ms), ${inside} landed inside it`);
  o.log?.(`  migrations: 4 real + ${o.rebuildKills} rebuild kills, ${inside} inside (${migrateMs.toFixed(0)} ms)`);
}

export async function runVerdictKills(t: Tally, o: VerdictKillOptions): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-rel-verdicts-'));
  try {
    const script = await bundleChild('verdict-writer');
    await verdictLoop(t, o, dir, script);
    await checkpointLoop(t, o, dir, script);
    await realMigrationKills(t, dir, script);
    await rebuildKills(t, o, dir, script);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export { REBUILD_MIGRATION };
