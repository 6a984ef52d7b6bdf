/**
 * `npm run bench`: every benchmark module in bench/ (each exports `run()` returning its figures) is run
 * in turn, each in its own process (bench/_child.ts); the figures go to stdout as one JSON object and to
 * bench-results/<timestamp>.json. Whatever the modules print goes to stderr. `BENCH_ONLY=name` runs one
 * module (or several, comma-separated). A module that fails reports `{ error }` and the others still run.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = import.meta.dirname;
const only = process.env.BENCH_ONLY;
const modules = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => !only || only.split(',').includes(f.replace(/\.ts$/, '')))
  .sort();

const results: Record<string, unknown> = {
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` },
  startedAt: new Date().toISOString(),
};

for (const file of modules) {
  const name = file.replace(/\.ts$/, '');
  const started = performance.now();
  results[name] = await runInChild(path.join(dir, file));
  process.stderr.write(`bench ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

const json = JSON.stringify(results, null, 2);
const out = path.join(dir, '..', 'bench-results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), json);
fs.writeFileSync(path.join(out, 'latest.json'), json);
process.stdout.write(json + '\n');

function runInChild(file: string): Promise<unknown> {
  return new Promise((resolve) => {
    const child = fork(path.join(dir, '_child.ts'), [file], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    child.stdout!.pipe(process.stderr);
    let answered = false;
    child.on('message', (m: { ok: boolean; result?: unknown; error?: string }) => {
      answered = true;
      resolve(m.ok ? m.result : { error: m.error });
    });
    child.on('exit', (code) => !answered && resolve({ error: `the benchmark process exited with ${code} before reporting` }));
  });
}
