/**
 * The figures every part of the reliability harness adds to, and the one line `run.ts` prints.
 * `failures` holds one sentence per broken promise (a lost verdict, an unloadable checkpoint, a crash,
 * an accepted hostile caller...); the harness exits non-zero when it is not empty.
 */
export interface Tally {
  kills: number;
  lost: number;
  corrupt_inputs: number;
  crashes: number;
  ckpt_kills: number;
  ckpt_unloadable: number;
  fuzz_cases: number;
  rejected_ok: number;
  failures: string[];
  /** Free-form facts worth reporting (timings, kills that landed inside a migration...). */
  notes: string[];
}

export function newTally(): Tally {
  return { kills: 0, lost: 0, corrupt_inputs: 0, crashes: 0, ckpt_kills: 0, ckpt_unloadable: 0, fuzz_cases: 0, rejected_ok: 0, failures: [], notes: [] };
}

export function reliabilityLine(t: Tally): string {
  return `RELIABILITY kills=${t.kills} lost=${t.lost} corrupt_inputs=${t.corrupt_inputs} crashes=${t.crashes} ckpt_kills=${t.ckpt_kills} ckpt_unloadable=${t.ckpt_unloadable} fuzz_cases=${t.fuzz_cases} rejected_ok=${t.rejected_ok}`;
}

/** Records a failure, keeping the list readable when one bug repeats a thousand times. */
export function fail(t: Tally, message: string): void {
  if (t.failures.length < 200) t.failures.push(message);
  else if (t.failures.length === 200) t.failures.push('... more failures not shown');
}
