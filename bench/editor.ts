import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineClient } from '../src/engine/client';
import { spawnNodeEngine } from '../src/engine/node-process';
import { demoSongSpec, synthesize } from '../src/engine/audio/synth';
import { encodeWav } from '../src/engine/audio/wav-encode';

/**
 * Editor figures through the real engine process, as the UI drives it:
 * - import-to-first-suggestions for a 3-minute song (import, analysis, 4 suggestions for 30 s);
 *   target under 5 s on this machine;
 * - round-trip latency of small calls (what a keypress that saves a verdict waits for), idle, while
 *   the engine analyses another song, and while the reward model trains; target under 100 ms.
 */
export async function run(): Promise<Record<string, unknown>> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-bench-editor-'));
  const client = new EngineClient(() => spawnNodeEngine({ ...process.env, RECUT_HOME: home }));
  try {
    await client.start();
    // Let the first-run demo preparation finish so it does not share the measurement.
    await client.call('ensureDemoSong', {});
    const songs: string[] = [];
    for (const [i, minutes] of [3, 4].entries()) {
      const file = path.join(home, `song${i}.wav`);
      const track = synthesize({ ...demoSongSpec(), name: `bench editor ${i}`, seed: 100 + i, durationSeconds: minutes * 60, sections: undefined });
      fs.writeFileSync(file, encodeWav(track.audio, { bitDepth: 16 }));
      songs.push(file);
    }
    const t0 = performance.now();
    const imported = (await client.call('importFiles', { paths: [songs[0]] })) as { songs: Array<{ id: string }> };
    const songId = imported.songs[0].id;
    const first = (await client.call('suggest', { songId, targetSeconds: 30, count: 4, seed: 1 })) as { candidates: unknown[] };
    const importToSuggestionsSeconds = (performance.now() - t0) / 1000;

    /** Calls every 20 ms (like keypresses) until `until` settles, or `n` calls when idle. */
    const latency = async (opts: { n?: number; until?: Promise<unknown> }) => {
      const times: number[] = [];
      let done = !opts.until;
      void opts.until?.finally(() => (done = true));
      while (opts.until ? !done : times.length < (opts.n ?? 40)) {
        const t = performance.now();
        await client.call('listPreferences', { songId });
        times.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
      times.sort((a, b) => a - b);
      const q = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
      return { calls: times.length, p50Ms: q(0.5), p95Ms: q(0.95), maxMs: times[times.length - 1] };
    };
    const idle = await latency({ n: 40 });
    // Busy: a second song imported and analysed by the engine while the calls go on.
    const importedBusy = (await client.call('importFiles', { paths: [songs[1]] })) as { songs: Array<{ id: string }> };
    const whileAnalysing = await latency({ until: client.call('analyzeSong', { songId: importedBusy.songs[0].id }) });

    // Busy with training: a few verdicts, then "retrain now"; calls go on until the job ends (cap 120 s).
    const c = first.candidates as Array<{ plan: unknown }>;
    for (let i = 0; i < c.length; i++)
      for (let j = i + 1; j < c.length; j++) await client.call('addPreference', { kind: 'pair', songId, a: c[i].plan, b: c[j].plan, choice: 'a', strength: 2 });
    await client.call('startTraining', { kind: 'reward' });
    const trainingDone = (async () => {
      const t = performance.now();
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        const { jobs } = (await client.call('listJobs', {})) as { jobs: Array<{ kind: string; state: string; error: string | null }> };
        const job = jobs.find((j) => j.kind === 'train-reward');
        if ((job && job.state !== 'running' && job.state !== 'queued') || performance.now() - t > 120_000) return job ? `${job.state}${job.error ? `: ${job.error}` : ''}` : 'none';
      }
    })();
    const whileTraining = await latency({ until: trainingDone });
    const trainingState = await trainingDone;
    return {
      importToFirstSuggestionsSeconds: importToSuggestionsSeconds,
      candidates: first.candidates.length,
      callLatencyIdle: idle,
      callLatencyWhileAnalysing: whileAnalysing,
      callLatencyWhileTraining: { ...whileTraining, trainingJob: trainingState },
      targets: { importToFirstSuggestionsSeconds: 5, latencyMs: 100 },
    };
  } finally {
    client.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}
