/**
 * The reliability and security harness: `npm run test:reliability` (full counts, ~10 min on two
 * cores) or `tsx test/reliability/run.ts --quick`. Every random choice comes from one seed, printed
 * first; `--seed N` replays a run. Ends with the RELIABILITY line and exits 1 on any lost verdict,
 * crash, unloadable checkpoint or other broken promise (listed above the line).
 */
import { removeBundles } from './lib/child';
import { newTally, reliabilityLine, type Tally } from './lib/tally';
import { runVerdictKills } from './verdict-kills';
import { runCheckpointKills } from './checkpoint-kills';
import { runHostileFiles } from './hostile-files';
import { runHostileCallers } from './hostile-callers';
import { runEngineCrash } from './engine-crash';
import { runTrainingKill } from './training-kill';

export interface HarnessOptions {
  seed: number;
  quick: boolean;
  log?: (line: string) => void;
}

export const FULL = { verdictKills: 200, walCheckpointKills: 30, rebuildKills: 20, rewardKills: 100, policyKills: 15, fuzzRuns: 300, audio: 'all' as const, callerCalls: 400, engineKills: 3, trainingKills: 1 };
export const QUICK = { verdictKills: 20, walCheckpointKills: 4, rebuildKills: 3, rewardKills: 10, policyKills: 0, fuzzRuns: 30, audio: 8, callerCalls: 60, engineKills: 1, trainingKills: 0 };

export async function runHarness(o: HarnessOptions): Promise<Tally> {
  const n = o.quick ? QUICK : FULL;
  const t = newTally();
  const log = o.log ?? (() => undefined);
  const part = async (name: string, f: () => Promise<void>) => {
    const t0 = performance.now();
    log(`${name}`);
    try {
      await f();
    } catch (e) {
      t.crashes++;
      t.failures.push(`${name}: the part itself failed: ${(e as Error).stack ?? e}`);
    }
    log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  };
  try {
    await part('1. verdicts survive kills', () => runVerdictKills(t, { seed: o.seed, kills: n.verdictKills, checkpointKills: n.walCheckpointKills, rebuildKills: n.rebuildKills, log }));
    await part('2. checkpoints survive kills', () => runCheckpointKills(t, { seed: o.seed, rewardKills: n.rewardKills, policyKills: n.policyKills, log }));
    await part('3. hostile files', () => runHostileFiles(t, { seed: o.seed, fuzzRuns: n.fuzzRuns, audio: n.audio, log }));
    await part('4. hostile callers', () => runHostileCallers(t, { seed: o.seed, calls: n.callerCalls, log }));
    await part('5. engine crash', () => runEngineCrash(t, { seed: o.seed, kills: n.engineKills, log }));
    if (n.trainingKills) await part('5b. engine crash during training', () => runTrainingKill(t, { log }));
  } finally {
    removeBundles();
  }
  return t;
}

export const passed = (t: Tally) => t.failures.length === 0 && t.lost === 0 && t.crashes === 0 && t.ckpt_unloadable === 0;

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const seedArg = args.find((a) => a.startsWith('--seed'))?.split('=')[1] ?? (args.includes('--seed') ? args[args.indexOf('--seed') + 1] : undefined);
  const seed = seedArg !== undefined ? Number(seedArg) : Math.floor(Math.random() * 2 ** 31);
  const quick = args.includes('--quick');
  console.log(`reliability harness, ${quick ? 'quick' : 'full'} run, seed ${seed} (replay: --seed ${seed})`);
  const t0 = performance.now();
  const t = await runHarness({ seed, quick, log: (l) => console.log(l) });
  for (const note of t.notes) console.log(`note: ${note}`);
  for (const f of t.failures) console.log(`FAIL: ${f}`);
  console.log(`took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  console.log(reliabilityLine(t));
  process.exit(passed(t) ? 0 : 1);
}
