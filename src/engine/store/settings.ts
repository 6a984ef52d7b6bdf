import { SettingsSchema, type Settings } from '../../shared/settings';
import type { Db } from './db';

/** Settings as one validated JSON document under the key `settings` (unknown or bad values fall back to defaults). */
export class SettingsStore {
  constructor(private readonly db: Db) {}

  get(): Settings {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'settings'").get() as { value: string } | undefined;
    let raw: unknown = {};
    try {
      raw = row ? JSON.parse(row.value) : {};
    } catch {
      raw = {};
    }
    const parsed = SettingsSchema.safeParse(raw);
    return parsed.success ? parsed.data : SettingsSchema.parse({});
  }

  update(patch: Partial<Settings>): Settings {
    const next = SettingsSchema.parse({ ...this.get(), ...patch });
    this.db.prepare("INSERT INTO settings (key, value) VALUES ('settings', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(next));
    return next;
  }
}
