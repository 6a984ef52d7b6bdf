/**
 * Kill-loop child for part 2, standing in for a training job's checkpoint writes: resumes from the
 * checkpoint on disk (step = its step + 1, as a resumed job would), then writes version after version
 * with the real atomic writers, printing "SAVED step" after each write returns.
 *
 *   checkpoint-writer reward DIR SEED [N FRAC EST_MS]
 *       DIR/reward.rckpt, the reward model format (2.6 M params, ~10.5 MB). With N and FRAC the child
 *       SIGKILLs itself FRAC of the way through write N+1 (timed on its earlier writes, or EST_MS),
 *       from a watchdog thread, so the kill lands inside the write whatever the parent's latency.
 *   checkpoint-writer policy DIR SEED   # DIR/policy.json, the policy's own JSON weights format
 *   checkpoint-writer once   FILE SEED STEP   # one reward write; prints "ERROR kind message" on failure
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { readCheckpoint, writeCheckpoint } from '../../../src/engine/models/checkpoint/format';
import { REWARD_CHECKPOINT } from '../../../src/engine/models/checkpoint/reward';
import { REWARD_PARAM_SPECS } from '../../../src/engine/models/reward/architecture';
import { loadPolicy, savePolicy } from '../../../src/engine/models/policy/weights';
import { POLICY_PARAMS } from '../../../src/engine/models/policy/model';
import { isRecutError } from '../../../src/shared/errors';
import { policyValue, rewardContents } from '../lib/checkpoint-content';

const say = (line: string) => fs.writeSync(1, line + '\n');
const [mode, where, seedArg, stepArg] = process.argv.slice(2);
const seed = Number(seedArg);

function resumeStep(load: () => number): number {
  try {
    return load() + 1;
  } catch (e) {
    if (isRecutError(e) && e.kind === 'not_found') return 1;
    say(`UNLOADABLE ${(e as Error).message}`);
    process.exit(3);
  }
}

/** A thread that, once armed, spins for the given microseconds and SIGKILLs this process. */
function watchdog(): (delayUs: number) => void {
  const sab = new SharedArrayBuffer(8);
  const flag = new Int32Array(sab);
  const w = new Worker(
    `const { workerData } = require('node:worker_threads');
     const f = new Int32Array(workerData);
     Atomics.wait(f, 0, 0);
     const end = process.hrtime.bigint() + BigInt(f[1]) * 1000n;
     while (process.hrtime.bigint() < end) {}
     process.kill(process.pid, 'SIGKILL');`,
    { eval: true, workerData: sab },
  );
  w.unref();
  return (delayUs) => {
    flag[1] = Math.max(0, Math.round(delayUs));
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
}

if (mode === 'reward') {
  const file = path.join(where, 'reward.rckpt');
  const [dieAfter, frac, estMs] = process.argv.slice(5).map(Number);
  const arm = Number.isFinite(dieAfter) ? watchdog() : null;
  let step = resumeStep(() => Number(readCheckpoint(file, REWARD_CHECKPOINT).meta.step));
  say(`RESUMED ${step - 1}`);
  let lastMs = estMs || 100;
  for (let n = 0; ; step++, n++) {
    const contents = rewardContents(seed, step);
    if (arm && n === dieAfter) {
      say(`DYING ${step}`);
      arm(frac * lastMs * 1000);
    }
    const t0 = performance.now();
    writeCheckpoint(file, contents, REWARD_PARAM_SPECS);
    lastMs = performance.now() - t0;
    say(`SAVED ${step} ${lastMs.toFixed(1)}`);
  }
} else if (mode === 'policy') {
  const file = path.join(where, 'policy.json');
  let step = resumeStep(() => Number(loadPolicy(file).meta.step));
  say(`RESUMED ${step - 1}`);
  for (;; step++) {
    let i = 0;
    const weights = Object.fromEntries(POLICY_PARAMS.map((p) => [p.name, Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => policyValue(seed, step, i++))]));
    savePolicy(file, weights, { step, seed });
    say(`SAVED ${step}`);
  }
} else if (mode === 'once') {
  try {
    writeCheckpoint(where, rewardContents(seed, Number(stepArg)), REWARD_PARAM_SPECS);
    say('SAVED');
  } catch (e) {
    say(`ERROR ${isRecutError(e) ? e.kind : 'untyped'} ${(e as Error).message}`);
  }
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
