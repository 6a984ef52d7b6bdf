import Database from 'better-sqlite3';
import { RecutError } from '../../shared/errors';
import { MIGRATIONS } from './migrations';
import type { Migration } from './migrations/types';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the SQLite store: WAL journal, foreign keys on, and every pending
 * migration applied, each in its own transaction with its `user_version` bump, so a kill mid-way
 * leaves the database at the last complete version.
 * `synchronous=FULL` is set for the whole connection: verdict writes must survive power loss, and
 * the other writes are few enough that the cost does not matter.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  let db: Db;
  try {
    db = new Database(file);
  } catch (e) {
    throw new RecutError('io', `cannot open the database at ${file}: ${(e as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const newest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (current > newest) {
    throw new RecutError('io', `the database is from a newer Recut (schema ${current}, this build knows ${newest})`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
