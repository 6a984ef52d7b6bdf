import path from 'node:path';
import type { z } from 'zod';
import type { NewPreferenceInput, SavedPreference, SongSummary } from '../../shared/contract';
import { validatePlan, type EditPlan } from '../../shared/edit-plan';
import { RecutError } from '../../shared/errors';
import type { PreferenceFileRecord } from '../../shared/preference-file';
import { writeFileAtomic } from '../fs/atomic';
import type { NewPreference, PreferenceRecord, PreferenceSource, PreferenceStore } from '../store/preferences';
import type { SongStore } from '../store/songs';
import { formatPreferences, readPreferenceFile } from './file-io';

const SONG_ID = /^[0-9a-f]{64}$/;

export interface PreferenceDeps {
  prefs: PreferenceStore;
  songs: SongStore;
  /** Beat count of a song's analysis (analysing it if needed): plans are checked against it. */
  beatCount: (songId: string) => Promise<number>;
  /** Adds a file to the library (probe, hash); throws a typed error when it cannot. */
  importSong: (file: string) => Promise<SongSummary>;
  /** Called after verdicts land or are undone, with how many were added (auto-retrain counts them). */
  onChanged?: (added: number) => void;
}

export const toSaved = (p: PreferenceRecord): SavedPreference => ({
  id: p.id,
  uid: p.uid,
  songId: p.songId,
  kind: p.kind,
  choice: p.choice,
  verdict: p.verdict,
  strength: p.strength,
  createdAt: p.createdAt,
  deletedAt: p.deletedAt,
});

/** Verdicts from the UI, the CLI and files: every plan is checked against its song before it is stored. */
export class PreferenceService {
  constructor(private readonly deps: PreferenceDeps) {}

  async add(input: z.output<typeof NewPreferenceInput>, source: PreferenceSource = 'ui'): Promise<SavedPreference> {
    if (!this.deps.songs.get(input.songId)) throw new RecutError('not_found', `no song ${input.songId} in the library`);
    const beats = await this.deps.beatCount(input.songId);
    const pref = toNewPreference(input, input.songId, beats, source, (m) => new RecutError('invalid_plan', m));
    const saved = toSaved(this.deps.prefs.add(pref));
    this.deps.onChanged?.(1);
    return saved;
  }

  undo(id: number): boolean {
    const undone = this.deps.prefs.undo(id);
    if (undone) this.deps.onChanged?.(0);
    return undone;
  }

  total(): number {
    return this.deps.prefs.count();
  }

  /** Songs that have live verdicts. */
  songIds(): string[] {
    return [...new Set(this.deps.prefs.list().map((p) => p.songId))];
  }

  list(songId?: string): { preferences: SavedPreference[]; total: number } {
    const all = this.deps.prefs.list(songId ? { songId } : {});
    return { preferences: all.slice(-500).reverse().map(toSaved), total: all.length };
  }

  /**
   * Imports a JSON or CSV file. Everything is checked first (records, songs, plans against each
   * song's beats); only then are the verdicts written, in one transaction. Songs named by path are
   * added to the library (relative paths are relative to the file). Records whose uid is already
   * stored are skipped as duplicates, so re-importing an export is harmless.
   */
  async importFile(file: string): Promise<{ imported: number; duplicates: number; songs: string[] }> {
    const records = readPreferenceFile(file);
    const ids = new Map<string, string>();
    for (const ref of new Set(records.map((r) => r.song))) ids.set(ref, await this.resolveSong(ref, path.dirname(path.resolve(file))));
    const beatCounts = new Map<string, number>();
    for (const id of new Set(ids.values())) beatCounts.set(id, await this.deps.beatCount(id));
    const prefs = records.map((r, i) => {
      const songId = ids.get(r.song)!;
      return toNewPreference(r, songId, beatCounts.get(songId)!, 'import', (m) => new RecutError('invalid_import', `record ${i + 1}: ${m}; nothing was imported`));
    });
    const fresh = prefs.filter((p) => !p.uid || !this.deps.prefs.hasUid(p.uid));
    this.deps.prefs.addAll(fresh);
    if (fresh.length) this.deps.onChanged?.(fresh.length);
    return { imported: fresh.length, duplicates: prefs.length - fresh.length, songs: [...new Set(ids.values())] };
  }

  exportFile(file: string, format: 'json' | 'csv'): { path: string; exported: number } {
    const all = this.deps.prefs.list();
    const target = path.resolve(file);
    writeFileAtomic(target, formatPreferences(all, format));
    return { path: target, exported: all.length };
  }

  private async resolveSong(ref: string, baseDir: string): Promise<string> {
    if (SONG_ID.test(ref)) {
      if (!this.deps.songs.get(ref)) throw new RecutError('invalid_import', `song ${ref} is not in the library: give its file path instead; nothing was imported`);
      return ref;
    }
    try {
      return (await this.deps.importSong(path.resolve(baseDir, ref))).id;
    } catch (e) {
      throw new RecutError('invalid_import', `song "${ref}": ${(e as Error).message}; nothing was imported`);
    }
  }
}

type Input = z.output<typeof NewPreferenceInput> | PreferenceFileRecord;

function toNewPreference(r: Input, songId: string, beatCount: number, source: PreferenceSource, fail: (m: string) => RecutError): NewPreference {
  const check = (plan: EditPlan, label: string) => {
    try {
      return validatePlan(plan, beatCount);
    } catch (e) {
      throw fail(`plan ${label} does not fit the song: ${(e as Error).message}`);
    }
  };
  const provenance = {
    strength: r.strength,
    targetSeconds: r.targetSeconds ?? null,
    policyVersion: r.policyVersion ?? null,
    rewardVersion: r.rewardVersion ?? null,
    seed: r.seed ?? null,
    source,
    uid: 'uid' in r ? r.uid : undefined,
    createdAt: 'createdAt' in r ? r.createdAt : undefined,
  };
  if ('a' in r) return { kind: 'pair', songId, planA: check(r.a, 'a'), planB: check(r.b, 'b'), choice: r.choice, ...provenance };
  return { kind: 'single', songId, plan: check(r.plan, 'plan'), verdict: r.verdict, ...provenance };
}
