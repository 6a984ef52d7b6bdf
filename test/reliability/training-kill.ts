/**
 * Part 5, training: a real engine child process trains the reward model (in its worker thread) and
 * is SIGKILLed once the run has checkpointed. Then: the engine restarts, the learning loop resumes the
 * same run from its last checkpoint (the training log says so), the run finishes as a new version, and
 * no acknowledged verdict is lost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineClient } from '../../src/engine/client';
import { spawnNodeEngine } from '../../src/engine/node-process';
import type { JobInfo, SongSummary, Suggestions } from '../../src/shared/contract';
import { sleep } from './lib/child';
import { fail, type Tally } from './lib/tally';

const waitFor = async <T>(probe: () => Promise<T | null> | T | null, ms: number, what: string): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
};

/** The run folder's state: which run, and how far it has checkpointed. */
function checkpointedRun(home: string): { runId: string; step: number } | null {
  const root = path.join(home, 'models', 'runs', 'reward');
  if (!fs.existsSync(root)) return null;
  for (const id of fs.readdirSync(root)) {
    try {
      const s = JSON.parse(fs.readFileSync(path.join(root, id, 'state.json'), 'utf8')) as { done: boolean; data?: { step?: number } };
      if (!s.done && (s.data?.step ?? 0) >= 1) return { runId: id, step: s.data!.step! };
    } catch {
      // being written: the next poll reads it
    }
  }
  return null;
}

export async function runTrainingKill(t: Tally, o: { log?: (line: string) => void }): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-rel-train-'));
  const client = new EngineClient(() => spawnNodeEngine({ ...process.env, RECUT_HOME: home }));
  await client.start();
  try {
    const demo = (await client.call('ensureDemoSong', {})) as SongSummary;
    const s = (await client.call('suggest', { songId: demo.id, targetSeconds: 30, count: 6, seed: 3 })) as Suggestions;
    const acked: number[] = [];
    const c = s.candidates;
    for (let i = 0; i < c.length; i++)
      for (let j = i + 1; j < c.length; j++) {
        const p = (await client.call('addPreference', { kind: 'pair', songId: demo.id, a: c[i].plan, b: c[j].plan, choice: i % 3 ? 'a' : 'b', strength: 2 })) as { id: number };
        acked.push(p.id);
      }
    await waitFor(async () => ((await client.call('startTraining', { kind: 'reward' }).catch(() => null)) as { started: boolean } | null)?.started || null, 30_000, 'the learning loop to accept a retrain');
    const before = await waitFor(() => checkpointedRun(home), 180_000, 'the reward run to checkpoint');
    const pid = client.pid!;
    process.kill(pid, 'SIGKILL');
    t.kills++;
    await waitFor(() => (client.status.state === 'ready' && client.pid !== pid ? true : null), 60_000, 'the engine to restart');
    const done = await waitFor(async () => {
      const { jobs } = (await client.call('listJobs', {})) as { jobs: JobInfo[] };
      const resumed = jobs.filter((j) => j.kind === 'train-reward' && j.state !== 'failed');
      return resumed.some((j) => j.state === 'done') ? resumed : null;
    }, 420_000, 'the resumed reward training to finish');
    const logs = fs.readdirSync(path.join(home, 'logs')).map((f) => fs.readFileSync(path.join(home, 'logs', f), 'utf8')).join('\n');
    if (!logs.includes(`resuming reward training run ${before.runId}`)) fail(t, `training kill: the run ${before.runId} (checkpointed at step ${before.step}) was not resumed`);
    const { models } = (await client.call('listModels', {})) as { models: Array<{ name: string }> };
    if (!models.some((m) => m.name === 'reward-v1')) fail(t, `training kill: no reward version after the resumed run (${JSON.stringify(done.map((j) => j.state))})`);
    else t.ckpt_kills++;
    const present = new Set(((await client.call('listPreferences', {})) as { preferences: Array<{ id: number }> }).preferences.map((p) => p.id));
    const missing = acked.filter((id) => !present.has(id));
    if (missing.length) {
      t.lost += missing.length;
      fail(t, `training kill: acknowledged verdicts ${missing.join(', ')} are gone`);
    }
    t.notes.push(`training kill: killed the engine at step ${before.step} of run ${before.runId}; it resumed and finished as reward-v1; ${acked.length} verdicts kept`);
    o.log?.(`  training: killed at step ${before.step}, resumed, reward-v1 registered, ${acked.length} verdicts kept`);
  } finally {
    client.stop();
    await sleep(200);
    fs.rmSync(home, { recursive: true, force: true });
  }
}
