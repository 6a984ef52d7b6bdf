import type { Migration } from './types';

/**
 * v4: model versions and training history. Every trained reward model and policy is a numbered
 * version with its checkpoint (path relative to the models folder, checksum), parent, the data it saw,
 * the backend it trained on and its metrics. Activations are a log, so rollback is "the one before".
 */
export const migration004: Migration = {
  version: 4,
  name: 'models',
  up(db) {
    db.exec(`
      CREATE TABLE model_versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('reward', 'policy')),
        version INTEGER NOT NULL CHECK (version >= 1),
        parent_id INTEGER REFERENCES model_versions(id),
        algorithm TEXT NOT NULL,
        checkpoint TEXT NOT NULL,
        checksum TEXT NOT NULL,
        backend TEXT NOT NULL,
        metrics TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metrics)),
        data_range TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data_range)),
        created_at TEXT NOT NULL,
        UNIQUE (kind, version)
      );

      CREATE TABLE model_activations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('reward', 'policy')),
        version_id INTEGER NOT NULL REFERENCES model_versions(id),
        reason TEXT NOT NULL,
        at TEXT NOT NULL
      );

      CREATE TABLE training_metrics (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('reward', 'policy')),
        step INTEGER NOT NULL,
        metrics TEXT NOT NULL CHECK (json_valid(metrics)),
        at TEXT NOT NULL
      );
      CREATE INDEX training_metrics_job ON training_metrics(job_id, step);
    `);
  },
};
