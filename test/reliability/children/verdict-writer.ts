/**
 * Kill-loop child for part 1: writes verdicts through the real store (openDatabase + PreferenceStore)
 * and prints an acknowledgement line after each commit returns. The parent SIGKILLs it at random.
 *
 *   verdict-writer verdicts   DB PREFIX SEED   # adds, batch adds, undos; acks "A uid", "B uid,uid", "U id";
 *                                              #   "P uid,uid" before a batch (it must land all or nothing)
 *   verdict-writer checkpoint DB PREFIX SEED   # builds a big WAL, prints "C" / "CD" around wal_checkpoint(TRUNCATE)
 *   verdict-writer migrate    DB MODE          # MODE: "open" (prints M, migrates, prints O v) or "die-in-N"
 *                                              #   (SIGKILLs itself inside migration N, after its DDL ran)
 *   verdict-writer rebuild    DB               # a slow table-rebuild migration v5 over many rows ("M", "O 5")
 *
 * Acks go through fs.writeSync on the stdout pipe: once it returns the bytes are in the kernel's pipe
 * buffer, so the parent reads every ack written before the kill.
 */
import fs from 'node:fs';
import { openDatabase } from '../../../src/engine/store/db';
import { MIGRATIONS } from '../../../src/engine/store/migrations';
import type { Migration } from '../../../src/engine/store/migrations/types';
import { PreferenceStore } from '../../../src/engine/store/preferences';
import { Rng } from '../lib/rng';
import { verdictFor } from '../lib/verdict-content';
import { REBUILD_MIGRATION } from '../lib/rebuild-migration';

const say = (line: string) => fs.writeSync(1, line + '\n');
const [mode, file, a, b] = process.argv.slice(2);

if (mode === 'verdicts' || mode === 'checkpoint') {
  const db = openDatabase(file);
  const store = new PreferenceStore(db);
  const r = new Rng(Number(b));
  let n = 0;
  const uid = () => `${a}-${n++}`;
  say('READY');
  if (mode === 'checkpoint') db.pragma('wal_autocheckpoint = 0');
  for (;;) {
    if (mode === 'checkpoint') {
      for (let k = 0; k < 3; k++) {
        const us = Array.from({ length: 60 }, uid);
        say(`P ${us.join(',')}`);
        store.addAll(us.map(verdictFor));
        say(`B ${us.join(',')}`);
      }
      const t0 = performance.now();
      say('C');
      db.pragma('wal_checkpoint(TRUNCATE)');
      say(`CD ${(performance.now() - t0).toFixed(1)}`);
      continue;
    }
    const p = r.next();
    if (p < 0.7) {
      const u = uid();
      store.add(verdictFor(u));
      say(`A ${u}`);
    } else if (p < 0.85) {
      const us = Array.from({ length: r.int(2, 25) }, uid);
      say(`P ${us.join(',')}`);
      store.addAll(us.map(verdictFor));
      say(`B ${us.join(',')}`);
    } else {
      const live = db.prepare('SELECT id FROM preferences WHERE deleted_at IS NULL ORDER BY random() LIMIT 1').get() as { id: number } | undefined;
      if (live && store.undo(live.id)) say(`U ${live.id}`);
    }
  }
} else if (mode === 'migrate') {
  let migrations: readonly Migration[] = MIGRATIONS;
  const die = /^die-in-(\d+)$/.exec(a ?? '');
  if (die) {
    const at = Number(die[1]);
    migrations = MIGRATIONS.map((m) =>
      m.version !== at
        ? m
        : { ...m, up: (d) => (m.up(d), say('DYING'), process.kill(process.pid, 'SIGKILL')) },
    );
  }
  say('M');
  const db = openDatabase(file, migrations);
  say(`O ${db.pragma('user_version', { simple: true })}`);
  db.close();
} else if (mode === 'rebuild') {
  say('M');
  const db = openDatabase(file, [...MIGRATIONS, REBUILD_MIGRATION]);
  say(`O ${db.pragma('user_version', { simple: true })}`);
  db.close();
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
