import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/service';
import { synthesize } from '../../src/engine/audio/synth';
import { encodeWav } from '../../src/engine/audio/wav-encode';
import type { RecutError } from '../../src/shared/errors';

let home: string;
let engine: Engine;
let songFile: string;
const plan = (segments: Array<[number, number]>) => ({ version: 1, includeIntro: true, segments: segments.map(([from, to]) => ({ from, to, repeat: 1 })) });

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-prefs-import-'));
  engine = new Engine(home, () => undefined);
  const track = synthesize({ name: 'prefs', seed: 3, sampleRate: 22050, channels: 1, durationSeconds: 20, tempo: 120, meter: { beatsPerBar: 4, subdivision: 2 }, instruments: ['kick', 'snare', 'hats', 'bass'] });
  songFile = path.join(home, 'song.wav');
  fs.writeFileSync(songFile, encodeWav(track.audio, { bitDepth: 16 }));
});
afterAll(async () => {
  await engine.jobs.idle();
  engine.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const write = (name: string, content: string) => {
  const f = path.join(home, name);
  fs.writeFileSync(f, content);
  return f;
};
const importFile = (file: string) => engine.call('importPreferences', { path: file }) as Promise<{ imported: number; duplicates: number; songs: string[] }>;
const failure = async (file: string) => (await importFile(file).catch((e) => e)) as RecutError;

describe('preference import and export', () => {
  it('imports pairs and single verdicts naming the song by path, then dedupes a re-import of the export', async () => {
    const file = write(
      'prefs.json',
      JSON.stringify({
        preferences: [
          { song: 'song.wav', a: plan([[0, 8], [16, 30]]), b: plan([[0, 30]]), choice: 'a', strength: 2 },
          { song: 'song.wav', plan: plan([[0, 4]]), verdict: 'reject' },
          { song: songFile, a: plan([[0, 12]]), b: plan([[4, 20]]), choice: 'tie' },
        ],
      }),
    );
    const r = await importFile(file);
    expect(r).toMatchObject({ imported: 3, duplicates: 0 });
    expect(r.songs).toHaveLength(1);
    const out = path.join(home, 'export.json');
    expect(await engine.call('exportPreferences', { path: out, format: 'json' })).toMatchObject({ exported: 3 });
    expect(await importFile(out)).toMatchObject({ imported: 0, duplicates: 3 });
    const csv = path.join(home, 'export.csv');
    await engine.call('exportPreferences', { path: csv, format: 'csv' });
    expect(await importFile(csv)).toMatchObject({ imported: 0, duplicates: 3 });
    const listed = (await engine.call('listPreferences', {})) as { total: number; preferences: Array<{ kind: string }> };
    expect(listed.total).toBe(3);
  });

  it("refuses the original system's records, which carry no edit, importing nothing", async () => {
    const before = ((await engine.call('listPreferences', {})) as { total: number }).total;
    const csv = write('legacy.csv', 'song_id,candidate_a_id,candidate_b_id,preference,strength\nsong1,c1,c2,a,2\n');
    const e1 = await failure(csv);
    expect(e1.kind).toBe('invalid_import');
    expect(e1.message).toMatch(/carry no edit/);
    const json = write('legacy.json', JSON.stringify([{ song_id: 's', candidate_a_id: 'c1', candidate_b_id: 'c2', preference: 'a', strength: 1 }]));
    expect((await failure(json)).message).toMatch(/carry no edit/);
    expect(((await engine.call('listPreferences', {})) as { total: number }).total).toBe(before);
  });

  it('refuses a file with one bad record as a whole, saying which record', async () => {
    const before = ((await engine.call('listPreferences', {})) as { total: number }).total;
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ preferences: [{ song: 'song.wav', plan: plan([[0, 4]]), verdict: 'accept' }, { song: 'song.wav', plan: plan([[0, 4]]), verdict: 'maybe' }] }), /record 2: verdict/],
      [JSON.stringify({ preferences: [{ song: 'song.wav', plan: plan([[0, 9999]]), verdict: 'accept' }] }), /record 1: plan plan does not fit/],
      [JSON.stringify({ preferences: [{ song: 'missing.wav', plan: plan([[0, 4]]), verdict: 'accept' }] }), /missing\.wav/],
      [JSON.stringify({ preferences: [{ song: 'f'.repeat(64), plan: plan([[0, 4]]), verdict: 'accept' }] }), /not in the library/],
      [JSON.stringify({ preferences: [{ song: 'song.wav', a: plan([[0, 4]]), choice: 'a' }] }), /record 1: b/],
      ['{"preferences": [', /not valid JSON/],
      ['{"prefs": []}', /expected/],
      ['song,plan,verdict\nsong.wav,{broken,accept\n', /record 1: column "plan"/],
    ];
    for (const [content, pattern] of cases) {
      const e = await failure(write('bad.json', content));
      expect(e.kind, content).toBe('invalid_import');
      expect(e.message, content).toMatch(pattern);
    }
    expect(((await engine.call('listPreferences', {})) as { total: number }).total).toBe(before);
  });

  it('adds and undoes a verdict from the UI path with the plan checked against the song', async () => {
    const { songs } = (await engine.call('listSongs', {})) as { songs: Array<{ id: string }> };
    const saved = (await engine.call('addPreference', { kind: 'single', songId: songs[0].id, plan: plan([[0, 8]]), verdict: 'accept', seed: 7 })) as { id: number };
    expect(await engine.call('undoPreference', { id: saved.id })).toEqual({ undone: true });
    const bad = (await engine.call('addPreference', { kind: 'single', songId: songs[0].id, plan: plan([[0, 9999]]), verdict: 'accept' }).catch((e) => e)) as RecutError;
    expect(bad.kind).toBe('invalid_plan');
  });
});
