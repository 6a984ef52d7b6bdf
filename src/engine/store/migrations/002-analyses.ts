import type { Migration } from './types';

/**
 * v2: analysis cache. Keyed by the audio's content hash and the analyser's version, so a re-import or
 * a moved file reuses its analysis, and a new feature or tracker version recomputes. Not tied to the
 * songs table: `recut analyze FILE` caches files that are not in the library.
 * The feature matrix is stored as little-endian float32 (rows x cols).
 */
export const migration002: Migration = {
  version: 2,
  name: 'analyses',
  up(db) {
    db.exec(`
      CREATE TABLE analyses (
        content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
        analyzer_version TEXT NOT NULL,
        feature_version INTEGER NOT NULL,
        duration_s REAL NOT NULL,
        sample_rate INTEGER NOT NULL,
        channels INTEGER NOT NULL,
        tempo REAL NOT NULL,
        meter TEXT NOT NULL,
        beats TEXT NOT NULL,
        downbeats TEXT NOT NULL,
        tempo_curve TEXT NOT NULL,
        confidence REAL NOT NULL,
        feature_rows INTEGER NOT NULL,
        feature_cols INTEGER NOT NULL,
        features BLOB NOT NULL CHECK (length(features) = feature_rows * feature_cols * 4),
        created_at TEXT NOT NULL,
        PRIMARY KEY (content_hash, analyzer_version)
      );
    `);
  },
};
