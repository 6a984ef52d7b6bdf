import type { Migration } from '../../../src/engine/store/migrations/types';

/**
 * A stand-in for a future schema change of the kind SQLite forces on us: rebuild `preferences` with
 * an extra column (create, copy every row, drop, rename, re-index). It runs through the real
 * `migrate()` and is slow on a big table, so random kills land inside it.
 */
export const REBUILD_MIGRATION: Migration = {
  version: 5,
  name: 'test-rebuild-preferences',
  up(db) {
    const cols = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'preferences'").get() as { sql: string }).sql;
    db.exec(cols.replace(/CREATE TABLE preferences \(/, 'CREATE TABLE preferences_new (note TEXT, '));
    db.exec(`INSERT INTO preferences_new SELECT NULL, * FROM preferences;
      DROP TABLE preferences;
      ALTER TABLE preferences_new RENAME TO preferences;
      CREATE INDEX preferences_song ON preferences(song_id) WHERE deleted_at IS NULL;
      CREATE INDEX preferences_live ON preferences(id) WHERE deleted_at IS NULL;`);
  },
};
