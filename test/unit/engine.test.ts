import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/service';
import { demoSongSpec, synthesize } from '../../src/engine/audio/synth';
import { fMeasure, trimBeats } from '../../src/engine/analysis/eval/beatMetrics';
import { RecutError } from '../../src/shared/errors';
import type { AnalysisSummary, SongSummary } from '../../src/shared/contract';

let home: string;
let engine: Engine;
const events: string[] = [];

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-engine-'));
  engine = new Engine(home, (e) => events.push(e));
});
afterAll(async () => {
  await engine.jobs.idle();
  engine.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('the engine on a real store', () => {
  let demo: SongSummary;

  it('creates the demo song: a real WAV over two minutes with a known tempo', async () => {
    demo = (await engine.call('ensureDemoSong', {})) as SongSummary;
    expect(demo.isDemo).toBe(true);
    expect(demo.durationSeconds).toBeGreaterThan(120);
    expect(demo.tempo).toBe(demoSongSpec().tempo);
    expect(fs.statSync(demo.path).size).toBeGreaterThan(1_000_000);
    // Idempotent: asking again returns the same song and does not duplicate it.
    expect(((await engine.call('ensureDemoSong', {})) as SongSummary).id).toBe(demo.id);
    expect(((await engine.call('listSongs', {})) as { songs: SongSummary[] }).songs).toHaveLength(1);
    expect(events).toContain('libraryChanged');
  });

  it('analyses the demo close to its ground truth, then serves it from the cache', async () => {
    const first = (await engine.call('analyzeSong', { songId: demo.id })) as AnalysisSummary;
    expect(first.featureRows).toBe(first.beats.length + 1);
    const truth = synthesize(demoSongSpec()).beats;
    expect(fMeasure(trimBeats(truth), trimBeats(first.beats))).toBeGreaterThan(0.9);
    expect(first.tempo).toBeGreaterThan(108);
    expect(first.tempo).toBeLessThan(116);
    const again = (await engine.call('analyzeSong', { songId: demo.id })) as AnalysisSummary;
    expect(again.cached).toBe(true);
    expect(again.beats).toEqual(first.beats);
    expect(((await engine.call('getSong', { songId: demo.id })) as SongSummary).tempo).toBeCloseTo(first.tempo, 6);
  });

  it('imports a folder: good files join the library, bad ones get typed errors', async () => {
    const dir = fs.mkdtempSync(path.join(home, 'import-'));
    fs.copyFileSync(demo.path, path.join(dir, 'copy.wav'));
    fs.writeFileSync(path.join(dir, 'broken.wav'), Buffer.from('RIFF\x10\x00\x00\x00WAVEjunk'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not audio'); // not an audio extension: skipped in a folder
    const r = (await engine.call('importFiles', { paths: [dir, path.join(home, 'missing.flac')] })) as {
      songs: SongSummary[];
      errors: Array<{ path: string; kind: string }>;
    };
    expect(r.songs.map((s) => s.id)).toEqual([demo.id]); // same audio, same content-hash id
    expect(r.errors.map((e) => [path.basename(e.path), e.kind]).sort()).toEqual([
      ['broken.wav', 'corrupt_audio'],
      ['missing.flac', 'not_found'],
    ]);
  });

  it('gives peaks for the waveform and typed errors for unknown songs', async () => {
    const p = (await engine.call('getPeaks', { songId: demo.id, buckets: 500 })) as { min: number[]; max: number[] };
    expect(p.max).toHaveLength(500);
    expect(Math.max(...p.max)).toBeGreaterThan(0.5);
    const err = (await engine.call('getSong', { songId: 'f'.repeat(64) }).catch((e) => e)) as RecutError;
    expect(err).toBeInstanceOf(RecutError);
    expect(err.kind).toBe('not_found');
  });

  it('records jobs with monotonic progress', async () => {
    await engine.jobs.idle(); // the import queued background analyses
    const { jobs } = (await engine.call('listJobs', {})) as { jobs: Array<{ kind: string; state: string; progress: number }> };
    expect(jobs.find((j) => j.kind === 'demo')).toMatchObject({ state: 'done', progress: 1 });
    expect(jobs.filter((j) => j.kind === 'analysis').every((j) => j.state === 'done')).toBe(true);
  });

  it('removes a song', async () => {
    expect(await engine.call('removeSong', { songId: demo.id })).toEqual({ removed: true });
    expect(await engine.call('removeSong', { songId: demo.id })).toEqual({ removed: false });
  });
});
