/**
 * Part 3: hostile files. A worker process (children/hostile-worker.ts) runs the corrupt-audio corpus,
 * hostile checkpoints and policy files, malformed imports and the parser fuzzing, each case with a
 * deadline, under a memory cap; a worker that dies counts as a crash. Special files (a FIFO, a symlink
 * to /dev/zero, a directory) go to each file reader in a process of their own, because a blocked
 * open() or an endless read cannot be interrupted from inside.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleChild, ROOT } from './lib/child';
import { fail, type Tally } from './lib/tally';

export interface HostileFileOptions {
  seed: number;
  /** fast-check runs per parser property */
  fuzzRuns: number;
  /** 'all' corpus files, or about this many */
  audio: 'all' | number;
  log?: (line: string) => void;
}

const MEMORY_CAP_BYTES = 3 * 2 ** 30;
const hasPrlimit = () => spawnSync('prlimit', ['--version']).status === 0;

function capped(args: string[]): [string, string[]] {
  // RLIMIT_DATA bounds what a runaway read can allocate (V8's reserved-but-unused heap is not counted).
  return hasPrlimit() ? ['prlimit', [`--data=${MEMORY_CAP_BYTES}`, process.execPath, ...args]] : [process.execPath, args];
}

async function specialFiles(t: Tally, o: HostileFileOptions): Promise<void> {
  const script = await bundleChild('hostile-special');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-rel-special-'));
  try {
    spawnSync('mkfifo', [path.join(dir, 'fifo')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero'));
    fs.mkdirSync(path.join(dir, 'folder'));
    const kinds: Record<string, string> = { checkpoint: 'invalid_checkpoint', policy: 'invalid_checkpoint', prefs: 'invalid_import' };
    for (const special of ['fifo', 'zero', 'folder']) {
      if (special === 'fifo' && !fs.existsSync(path.join(dir, 'fifo'))) continue;
      for (const parser of Object.keys(kinds)) {
        t.corrupt_inputs++;
        const [cmd, args] = capped([script, parser, path.join(dir, special)]);
        const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 8_000, killSignal: 'SIGKILL' });
        const line = (r.stdout ?? '').trim();
        const label = `${parser} reader on a ${special === 'zero' ? 'symlink to /dev/zero' : special === 'fifo' ? 'FIFO' : 'directory'}`;
        if (line.startsWith(`RESULT ${kinds[parser]}`) || line.startsWith('RESULT not_found')) t.rejected_ok++;
        else {
          const what = r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? 'hangs (killed after 8 s)' : r.signal ? `dies (${r.signal}${/bad_alloc|heap out of memory/.test(r.stderr ?? '') ? ', out of memory' : ''})` : line ? `gives ${line.slice(7, 200)}` : `exits ${r.status}: ${(r.stderr ?? '').slice(-200)}`;
          if (!line.startsWith('RESULT')) t.crashes++;
          else if (line.startsWith('RESULT untyped')) t.crashes++;
          fail(t, `${label}: ${what}`);
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runHostileFiles(t: Tally, o: HostileFileOptions): Promise<void> {
  const [cmd, args] = capped(['--import', 'tsx', path.join(ROOT, 'test/reliability/children/hostile-worker.ts'), String(o.seed), String(o.fuzzRuns), String(o.audio)]);
  const worker = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  worker.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  worker.stderr!.setEncoding('utf8').on('data', (c: string) => {
    err = (err + c).slice(-20_000);
    for (const l of c.split('\n')) if (l.startsWith('    ')) o.log?.(l);
  });
  const exit = await new Promise<string>((resolve) => worker.once('close', (code, signal) => resolve(signal ?? String(code))));
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) {
    t.crashes++;
    fail(t, `the hostile-file worker died (${exit}): ${err.slice(-600)}`);
  } else {
    const r = JSON.parse(line.slice(7));
    t.corrupt_inputs += r.corrupt_inputs;
    t.rejected_ok += r.rejected_ok;
    t.crashes += r.crashes;
    t.fuzz_cases += r.fuzz_cases;
    r.failures.forEach((f: string) => fail(t, f));
    t.notes.push(`hostile files: worker peak RSS ${r.peakRssMb} MB, slowest case ${Math.round(r.slowestMs)} ms`);
    o.log?.(`  hostile worker: ${r.corrupt_inputs} files, ${r.fuzz_cases} fuzz cases, peak RSS ${r.peakRssMb} MB, slowest ${Math.round(r.slowestMs)} ms`);
  }
  await specialFiles(t, o);
}
