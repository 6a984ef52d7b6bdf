/**
 * Part 2: checkpoints survive kills. A child resumes from the checkpoint on disk and writes version
 * after version with the real atomic writers; we SIGKILL it at random moments (most land inside a
 * write: a reward checkpoint is 10.5 MB with two fsyncs). After each kill the file must load, be
 * the last acknowledged version or the one after it, and hold exactly that version's weights.
 * Then failed writes: a full disk (a small tmpfs, when we may mount one) and a folder we may not
 * write to must each give a typed `io` error and leave the previous version loadable, no temp file.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCheckpoint } from '../../src/engine/models/checkpoint/format';
import { REWARD_CHECKPOINT } from '../../src/engine/models/checkpoint/reward';
import { loadPolicy } from '../../src/engine/models/policy/weights';
import { writeCheckpoint } from '../../src/engine/models/checkpoint/format';
import { REWARD_PARAM_SPECS } from '../../src/engine/models/reward/architecture';
import { isRecutError } from '../../src/shared/errors';
import { bundleChild, startChild, sleep } from './lib/child';
import { policyValue, rewardContents, rewardMismatch } from './lib/checkpoint-content';
import { Rng, subSeed } from './lib/rng';
import { fail, type Tally } from './lib/tally';

export interface CheckpointKillOptions {
  seed: number;
  rewardKills: number;
  policyKills: number;
  log?: (line: string) => void;
}

const lastSaved = (lines: readonly string[]) => {
  const s = lines.filter((l) => l.startsWith('SAVED ')).at(-1);
  return s ? Number(s.split(' ')[1]) : null;
};

function loadReward(file: string, seed: number): { step: number } | string {
  try {
    const c = readCheckpoint(file, REWARD_CHECKPOINT);
    const step = Number(c.meta.step);
    return rewardMismatch(seed, step, c.tensors) ?? { step };
  } catch (e) {
    return `${isRecutError(e) ? e.kind : 'untyped'}: ${(e as Error).message}`;
  }
}

function loadPolicyStep(file: string, seed: number): { step: number } | string {
  try {
    const c = loadPolicy(file);
    const step = Number(c.meta.step);
    let i = 0;
    for (const w of Object.values(c.weights)) for (const x of w) if (x !== Math.fround(policyValue(seed, step, i++))) return `weight ${i - 1} is not step ${step}'s`;
    return { step };
  } catch (e) {
    return `${isRecutError(e) ? e.kind : 'untyped'}: ${(e as Error).message}`;
  }
}

async function killLoop(t: Tally, o: CheckpointKillOptions, kind: 'reward' | 'policy', kills: number, script: string): Promise<void> {
  const rng = new Rng(subSeed(o.seed, kind === 'reward' ? 11 : 12));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `recut-rel-ckpt-${kind}-`));
  const runSeed = subSeed(o.seed, 13);
  const file = path.join(dir, kind === 'reward' ? 'reward.rckpt' : 'policy.json');
  const load = kind === 'reward' ? loadReward : loadPolicyStep;
  let acked = 0;
  let writeMs = 150;
  let inside = 0;
  let temps = 0;
  try {
    // Version 1 exists before the first kill: there is always a previous version to fall back to.
    const first = startChild(script, [kind, dir, String(runSeed)]);
    await first.waitFor((l) => l.startsWith('SAVED 1'));
    await first.kill();
    acked = lastSaved(first.lines) ?? 1;
    for (let i = 0; i < kills; i++) {
      // Most reward kills are timed inside a write by the child's own watchdog thread (see
      // checkpoint-writer.ts); the others, and all policy kills, come from here at a random moment.
      const selfKill = kind === 'reward' && rng.next() < 0.75;
      const args = selfKill ? [String(rng.int(0, 2)), String(rng.next()), String(writeMs)] : [];
      const child = startChild(script, [kind, dir, String(runSeed), ...args]);
      const started = await child.waitFor((l) => l.startsWith('RESUMED ') || l.startsWith('UNLOADABLE'));
      if (started.startsWith('UNLOADABLE')) {
        t.ckpt_unloadable++;
        fail(t, `${kind} kill ${i}: the resuming job could not load the checkpoint: ${started}`);
      } else if (Number(started.slice(8)) < acked) {
        t.ckpt_unloadable++;
        fail(t, `${kind} kill ${i}: resumed from step ${started.slice(8)}, but step ${acked} was acknowledged`);
      }
      if (selfKill) {
        const { signal } = await child.exited;
        if (signal !== 'SIGKILL') fail(t, `${kind} kill ${i}: the child ended without its kill (${signal}): ${child.stderr().slice(-300)}`);
      } else {
        // Wait 0-3 writes, then kill at a random moment within about one more.
        const writes = rng.int(0, 3);
        if (writes > 0) await child.waitFor((l) => l.startsWith(`SAVED ${Number(started.slice(8)) + writes} `) || l === `SAVED ${Number(started.slice(8)) + writes}`);
        await sleep(rng.next() * (kind === 'reward' ? writeMs * 1.5 : 20));
        await child.kill();
      }
      for (const l of child.lines) if (l.startsWith('SAVED ') && l.split(' ')[2]) writeMs = 0.8 * writeMs + 0.2 * Number(l.split(' ')[2]);
      t.ckpt_kills++;
      acked = lastSaved(child.lines) ?? acked;
      // A new orphaned temp file means the kill landed inside the atomic write itself.
      const nowTemps = fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')).length;
      if (nowTemps > temps) inside++;
      temps = nowTemps;
      const got = load(file, runSeed);
      if (typeof got === 'string') {
        t.ckpt_unloadable++;
        fail(t, `${kind} kill ${i}: the checkpoint does not load after the kill: ${got}`);
      } else if (got.step !== acked && got.step !== acked + 1) {
        t.ckpt_unloadable++;
        fail(t, `${kind} kill ${i}: loaded step ${got.step}, the last acknowledged was ${acked}`);
      } else {
        acked = got.step; // a write that finished just before the kill is the new baseline
      }
    }
    const orphans = fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    const tempBytes = orphans.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    t.notes.push(`${kind} checkpoint kills: ${kills}, ${inside} inside the atomic write, last step ${acked} (~${writeMs.toFixed(0)} ms per write); ${orphans.length} orphaned temp files (${(tempBytes / 2 ** 20).toFixed(1)} MB) left behind by killed writes`);
    o.log?.(`  ${kind}: ${kills} kills (${inside} inside the atomic write), reached step ${acked}, ${orphans.length} orphaned .tmp files (${(tempBytes / 2 ** 20).toFixed(1)} MB)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes step 1 in-process, then runs `once` (step 2) in a hostile setting; step 1 must survive. */
async function failedWrite(t: Tally, label: string, dir: string, script: string, spawnOpts: { uid?: number } = {}): Promise<void> {
  const file = path.join(dir, 'reward.rckpt');
  const seed = 99;
  writeCheckpoint(file, rewardContents(seed, 1), REWARD_PARAM_SPECS);
  const r = spawnSync(process.execPath, [script, 'once', file, String(seed), '2'], { encoding: 'utf8', ...spawnOpts });
  const out = (r.stdout ?? '').trim();
  const got = loadReward(file, seed);
  const temps = fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
  if (!out.startsWith('ERROR io ')) fail(t, `${label}: expected a typed io error, got ${JSON.stringify(out || r.stderr?.slice(-300))}`);
  else t.rejected_ok++;
  if (typeof got === 'string' || got.step !== 1) {
    t.ckpt_unloadable++;
    fail(t, `${label}: the previous checkpoint does not load: ${JSON.stringify(got)}`);
  }
  if (temps.length) fail(t, `${label}: the failed write left ${temps.join(', ')}`);
  t.notes.push(`${label}: ${out.slice(0, 140)}`);
}

async function failedWrites(t: Tally, o: CheckpointKillOptions, script: string): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  // Full disk: a 16 MB tmpfs holds one 10.5 MB checkpoint, not two.
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-rel-full-'));
  const mounted = isRoot && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt]).status === 0;
  try {
    if (mounted) await failedWrite(t, 'full disk (16 MB tmpfs)', mnt, script);
    else t.notes.push('full-disk write: skipped (cannot mount a tmpfs without root)');
  } finally {
    if (mounted) spawnSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  }
  // Permission: a folder the writer may not create files in (as root: run the writer as nobody).
  const ro = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-rel-ro-'));
  try {
    fs.chmodSync(ro, 0o755);
    if (isRoot) await failedWrite(t, 'no write permission (writer runs as nobody)', ro, script, { uid: 65534 });
    else {
      writeCheckpoint(path.join(ro, 'reward.rckpt'), rewardContents(99, 1), REWARD_PARAM_SPECS);
      fs.chmodSync(ro, 0o555);
      await failedWrite(t, 'no write permission (read-only folder)', ro, script);
    }
  } finally {
    fs.chmodSync(ro, 0o755);
    fs.rmSync(ro, { recursive: true, force: true });
  }
  o.log?.('  failed writes: full disk and no permission checked');
}

export async function runCheckpointKills(t: Tally, o: CheckpointKillOptions): Promise<void> {
  const script = await bundleChild('checkpoint-writer');
  await killLoop(t, o, 'reward', o.rewardKills, script);
  if (o.policyKills > 0) await killLoop(t, o, 'policy', o.policyKills, script);
  await failedWrites(t, o, script);
}
