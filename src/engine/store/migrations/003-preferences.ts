import type { Migration } from './types';

/**
 * v3: the user's verdicts. A preference stores the full plans it judged (never just ids, the
 * prototype's mistake), the choice or verdict, its strength, and what produced the candidates
 * (policy and reward-model versions, sampling seed) so training can weigh and audit it.
 * Undo sets `deleted_at`: the row stays for the audit trail but leaves every training query.
 */
export const migration003: Migration = {
  version: 3,
  name: 'preferences',
  up(db) {
    db.exec(`
      CREATE TABLE preferences (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        song_id TEXT NOT NULL CHECK (length(song_id) = 64),
        kind TEXT NOT NULL CHECK (kind IN ('pair', 'single')),
        plan_a TEXT NOT NULL CHECK (json_valid(plan_a)),
        plan_b TEXT CHECK (plan_b IS NULL OR json_valid(plan_b)),
        choice TEXT CHECK (choice IN ('a', 'b', 'tie')),
        verdict TEXT CHECK (verdict IN ('accept', 'reject')),
        strength INTEGER NOT NULL DEFAULT 1 CHECK (strength BETWEEN 1 AND 3),
        target_seconds REAL,
        policy_version TEXT,
        reward_version TEXT,
        seed INTEGER,
        source TEXT NOT NULL DEFAULT 'ui' CHECK (source IN ('ui', 'import', 'cli', 'test')),
        created_at TEXT NOT NULL,
        deleted_at TEXT,
        CHECK ((kind = 'pair' AND plan_b IS NOT NULL AND choice IS NOT NULL AND verdict IS NULL)
            OR (kind = 'single' AND plan_b IS NULL AND choice IS NULL AND verdict IS NOT NULL))
      );
      CREATE INDEX preferences_song ON preferences(song_id) WHERE deleted_at IS NULL;
      CREATE INDEX preferences_live ON preferences(id) WHERE deleted_at IS NULL;
    `);
  },
};
