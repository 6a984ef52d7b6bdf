/**
 * Part 3 child: one parser against one special file (a FIFO, a symlink to /dev/zero, a directory).
 * Run in its own process with a deadline and a memory cap, because the failure modes here are a
 * blocked open() or an endless read, which no in-process timeout can interrupt.
 *
 *   hostile-special checkpoint|policy|prefs PATH   -> prints "RESULT ok" or "RESULT <kind|untyped> message"
 */
import fs from 'node:fs';
import { readCheckpoint } from '../../../src/engine/models/checkpoint/format';
import { REWARD_CHECKPOINT } from '../../../src/engine/models/checkpoint/reward';
import { loadPolicy } from '../../../src/engine/models/policy/weights';
import { readPreferenceFile } from '../../../src/engine/prefs/file-io';
import { isRecutError } from '../../../src/shared/errors';

const [parser, file] = process.argv.slice(2);
const run: Record<string, () => unknown> = {
  checkpoint: () => readCheckpoint(file, REWARD_CHECKPOINT),
  policy: () => loadPolicy(file),
  prefs: () => readPreferenceFile(file),
};
try {
  run[parser]();
  fs.writeSync(1, 'RESULT ok\n');
} catch (e) {
  fs.writeSync(1, `RESULT ${isRecutError(e) ? e.kind : 'untyped'} ${String((e as Error).message).slice(0, 200).replace(/\n/g, ' ')}\n`);
}
process.exit(0);
