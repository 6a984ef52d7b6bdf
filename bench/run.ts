/**
 * `npm run bench`: every benchmark module in bench/ (each exports `run()` returning its figures) is run
 * in turn; the figures go to stdout as one JSON object and to bench-results/<timestamp>.json.
 * `BENCH_ONLY=name` runs one module. A module that fails reports `{ error }` and the others still run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = import.meta.dirname;
const only = process.env.BENCH_ONLY;
const modules = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => !only || f.replace(/\.ts$/, '') === only)
  .sort();

const results: Record<string, unknown> = {
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` },
  startedAt: new Date().toISOString(),
};

for (const file of modules) {
  const name = file.replace(/\.ts$/, '');
  const started = performance.now();
  try {
    const mod = (await import(path.join(dir, file))) as { run: () => Promise<Record<string, unknown>> };
    results[name] = await mod.run();
  } catch (e) {
    results[name] = { error: (e as Error).message };
  }
  process.stderr.write(`bench ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

const json = JSON.stringify(results, null, 2);
const out = path.join(dir, '..', 'bench-results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), json);
fs.writeFileSync(path.join(out, 'latest.json'), json);
process.stdout.write(json + '\n');
