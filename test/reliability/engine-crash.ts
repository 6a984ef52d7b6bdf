/**
 * Part 5: engine crash. A real engine child process (EngineClient + spawnNodeEngine, as `recut serve`
 * runs it) is SIGKILLed at a random moment while it analyses a song and while verdicts are being
 * saved. Then: the client restarts it, the interrupted job is marked failed ("interrupted"), every
 * verdict whose save was acknowledged is still there, and asking for the analysis again completes.
 * (That the UI reports the restart is checked in the Chromium suite, test/e2e/foundation.e2e.ts.
 * Training under a kill: training-kill.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineClient } from '../../src/engine/client';
import { spawnNodeEngine } from '../../src/engine/node-process';
import { decodeAudioFile } from '../../src/engine/audio/decode';
import { encodeWav } from '../../src/engine/audio/wav-encode';
import type { JobInfo, SongSummary } from '../../src/shared/contract';
import { Rng, subSeed } from './lib/rng';
import { sleep } from './lib/child';
import { fail, type Tally } from './lib/tally';

export interface EngineCrashOptions {
  seed: number;
  /** engine kills during analysis */
  kills: number;
  /** seconds of the demo song to use as the song being analysed (shorter is faster) */
  songSeconds?: number;
  log?: (line: string) => void;
}

const waitUntil = async (cond: () => boolean, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
};

export async function runEngineCrash(t: Tally, o: EngineCrashOptions): Promise<void> {
  const rng = new Rng(subSeed(o.seed, 50));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-rel-engine-'));
  const client = new EngineClient(() => spawnNodeEngine({ ...process.env, RECUT_HOME: home }), { maxRestarts: o.kills + 3 });
  const jobs = new Map<string, JobInfo>();
  client.on((event, payload) => {
    if (event === 'jobUpdate') jobs.set((payload as JobInfo).id, payload as JobInfo);
  });
  await client.start();
  try {
    // The demo song, analysed, takes the verdicts; a second song (the demo's first N seconds,
    // re-encoded so its content hash differs) is the analysis we kill.
    const demo = (await client.call('ensureDemoSong', {})) as SongSummary;
    const t0 = performance.now();
    await client.call('analyzeSong', { songId: demo.id });
    const demoAnalysisS = (performance.now() - t0) / 1000;
    const { audio } = await decodeAudioFile(demo.path);
    const frames = Math.min(audio.channels[0].length, Math.round((o.songSeconds ?? 142) * audio.sampleRate));
    const longFile = path.join(home, 'long-song.wav');
    fs.writeFileSync(longFile, encodeWav({ sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.subarray(0, frames)) }, { bitDepth: 24 }));
    const beats = ((await client.call('analyzeSong', { songId: demo.id })) as { beats: number[] }).beats.length;
    const plan = (k: number) => ({ version: 1, segments: [{ from: 0, to: Math.max(1, beats - 1 - (k % 8)) }] });

    const acked = new Set<number>();
    let song: SongSummary | null = null;
    for (let k = 0; k < o.kills; k++) {
      if (!song) {
        const r = (await client.call('importFiles', { paths: [longFile] })) as { songs: SongSummary[] };
        song = r.songs[0];
      } else {
        void client.call('analyzeSong', { songId: song.id }).catch(() => undefined);
      }
      // Save verdicts while the analysis runs, and kill at a random moment within its expected time.
      const expectedMs = 1000 * demoAnalysisS * (frames / audio.sampleRate / demo.durationSeconds);
      const ours = () => [...jobs.values()].filter((j) => j.kind === 'analysis' && j.title.includes(song!.title)).at(-1);
      await waitUntil(() => ours()?.state === 'running' || ours()?.state === 'queued', 30_000, 'the analysis job to start');
      let saving = true;
      const saver = (async () => {
        for (let i = 0; saving; i++) {
          try {
            const p = (await client.call('addPreference', { kind: 'single', songId: demo.id, plan: plan(i), verdict: i % 2 ? 'accept' : 'reject', strength: 2 })) as { id: number };
            acked.add(p.id);
          } catch (e) {
            if ((e as { kind?: string }).kind !== 'engine_unavailable') fail(t, `saving a verdict failed with ${(e as Error).message}`);
            return;
          }
        }
      })();
      await sleep(rng.next() * expectedMs * 0.8);
      const running = ours()!;
      if (running.state === 'done') t.notes.push(`engine kill ${k}: the analysis finished before the kill`);
      const pid = client.pid!;
      process.kill(pid, 'SIGKILL');
      t.kills++;
      saving = false;
      await saver;
      await waitUntil(() => client.status.state === 'ready' && client.pid !== pid, 60_000, 'the engine to restart');
      const listed = ((await client.call('listJobs', {})) as { jobs: JobInfo[] }).jobs.find((j) => j.id === running.id);
      if (running.state === 'done') continue;
      if (!listed || listed.state !== 'failed' || !/interrupted/.test(listed.error ?? '')) fail(t, `engine kill ${k}: the interrupted analysis job is ${JSON.stringify(listed)}`);
      else t.rejected_ok++;
      const prefs = ((await client.call('listPreferences', {})) as { preferences: Array<{ id: number }> }).preferences;
      const present = new Set(prefs.map((p) => p.id));
      const missing = [...acked].filter((id) => !present.has(id));
      if (missing.length) {
        t.lost += missing.length;
        fail(t, `engine kill ${k}: acknowledged verdicts ${missing.join(', ')} are gone`);
      }
    }
    // Asking again completes the analysis on the restarted engine.
    const t1 = performance.now();
    const again = (await client.call('analyzeSong', { songId: song!.id })) as { beats: number[]; cached: boolean };
    if (!(again.beats.length > 8)) fail(t, `the re-asked analysis returned ${again.beats.length} beats`);
    const reanalysisS = (performance.now() - t1) / 1000;
    t.notes.push(`engine crash: ${o.kills} kills during analysis, status ${client.status.state} after ${client.status.restarts} restarts, ${acked.size} verdicts acknowledged and all kept; demo analysis ${demoAnalysisS.toFixed(1)} s, re-analysis ${reanalysisS.toFixed(1)} s`);
    o.log?.(`  engine: ${o.kills} kills, ${client.status.restarts} restarts, ${acked.size} verdicts kept, re-analysis ${reanalysisS.toFixed(1)} s`);
  } finally {
    client.stop();
    await sleep(200);
    fs.rmSync(home, { recursive: true, force: true });
  }
}
