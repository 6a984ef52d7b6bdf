import type { SongSummary } from '../../shared/contract';
import type { Db } from './db';

interface SongRow {
  id: string;
  path: string;
  format: string;
  sample_rate: number;
  channels: number;
  duration_s: number;
  title: string;
  artist: string | null;
  tempo: number | null;
  is_demo: number;
  added_at: string;
  opened_at: string | null;
}

export type NewSong = Omit<SongSummary, 'addedAt' | 'openedAt'>;

function toSummary(r: SongRow): SongSummary {
  return {
    id: r.id,
    path: r.path,
    format: r.format,
    sampleRate: r.sample_rate,
    channels: r.channels,
    durationSeconds: r.duration_s,
    title: r.title,
    artist: r.artist,
    tempo: r.tempo,
    isDemo: r.is_demo === 1,
    addedAt: r.added_at,
    openedAt: r.opened_at,
  };
}

/** The library: songs by content hash. Re-importing the same audio updates its path, not a copy. */
export class SongStore {
  constructor(private readonly db: Db) {}

  upsert(song: NewSong, now = new Date().toISOString()): SongSummary {
    this.db
      .prepare(
        `INSERT INTO songs (id, path, format, sample_rate, channels, duration_s, title, artist, tempo, is_demo, added_at)
         VALUES (@id, @path, @format, @sampleRate, @channels, @durationSeconds, @title, @artist, @tempo, @isDemo, @now)
         ON CONFLICT(id) DO UPDATE SET path = excluded.path, format = excluded.format, title = excluded.title,
           artist = excluded.artist, duration_s = excluded.duration_s, tempo = COALESCE(excluded.tempo, songs.tempo)`,
      )
      .run({ ...song, isDemo: song.isDemo ? 1 : 0, now });
    return this.get(song.id)!;
  }

  get(id: string): SongSummary | null {
    const row = this.db.prepare('SELECT * FROM songs WHERE id = ?').get(id) as SongRow | undefined;
    return row ? toSummary(row) : null;
  }

  /** Recently opened first, then newest additions; `query` matches title, artist or file name. */
  list(query?: string): SongSummary[] {
    const q = query?.trim();
    const rows = (
      q
        ? this.db
            .prepare(
              `SELECT * FROM songs WHERE title LIKE @p ESCAPE '\\' OR artist LIKE @p ESCAPE '\\' OR path LIKE @p ESCAPE '\\'
               ORDER BY opened_at IS NULL, opened_at DESC, added_at DESC`,
            )
            .all({ p: `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%` })
        : this.db.prepare('SELECT * FROM songs ORDER BY opened_at IS NULL, opened_at DESC, added_at DESC').all()
    ) as SongRow[];
    return rows.map(toSummary);
  }

  markOpened(id: string, now = new Date().toISOString()): void {
    this.db.prepare('UPDATE songs SET opened_at = ? WHERE id = ?').run(now, id);
  }

  setTempo(id: string, tempo: number): void {
    this.db.prepare('UPDATE songs SET tempo = ? WHERE id = ?').run(tempo, id);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM songs WHERE id = ?').run(id).changes > 0;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM songs').get() as { n: number }).n;
  }
}
