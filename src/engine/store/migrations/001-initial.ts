import type { Migration } from './types';

/** v1: the library, the jobs table the UI and CLI share, and key/value settings. */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE songs (
        id TEXT PRIMARY KEY CHECK (length(id) = 64),
        path TEXT NOT NULL,
        format TEXT NOT NULL,
        sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
        channels INTEGER NOT NULL CHECK (channels > 0),
        duration_s REAL NOT NULL CHECK (duration_s >= 0),
        title TEXT NOT NULL,
        artist TEXT,
        tempo REAL,
        is_demo INTEGER NOT NULL DEFAULT 0,
        added_at TEXT NOT NULL,
        opened_at TEXT
      );
      CREATE INDEX songs_opened ON songs(opened_at DESC);

      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued','running','done','failed','cancelled')),
        progress REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
        message TEXT NOT NULL DEFAULT '',
        params TEXT NOT NULL DEFAULT '{}',
        started_at TEXT NOT NULL,
        ended_at TEXT,
        error TEXT
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
