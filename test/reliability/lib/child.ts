/**
 * Child processes the harness kills. Kill-loop children are bundled once with esbuild into plain
 * ESM under node_modules/.cache (better-sqlite3 and TF.js stay external and resolve from the repo's
 * node_modules), so each of the hundreds of restarts costs a Node start (~0.1 s), not a tsx compile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'recut-reliability');

const built = new Map<string, Promise<string>>();
const files = new Set<string>();

/** Bundles `test/reliability/children/<name>.ts` and returns the path of the runnable .mjs. */
export function bundleChild(name: string): Promise<string> {
  let p = built.get(name);
  if (!p) {
    p = (async () => {
      fs.mkdirSync(CACHE, { recursive: true });
      const outfile = path.join(CACHE, `${name}.${process.pid}.mjs`);
      await build({
        entryPoints: [path.join(ROOT, 'test/reliability/children', `${name}.ts`)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        external: ['better-sqlite3', '@tensorflow/*'],
        logLevel: 'error',
        // CommonJS packages bundled into ESM still call require(): give them one.
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      });
      files.add(outfile);
      return outfile;
    })();
    built.set(name, p);
  }
  return p;
}

export function removeBundles(): void {
  for (const f of files) fs.rmSync(f, { force: true });
  files.clear();
  built.clear();
}

export interface KillableChild {
  proc: ChildProcess;
  /** Every complete stdout line so far, in order. */
  lines: string[];
  stderr: () => string;
  /** Resolves when a line matching `pred` arrives (or rejects when the child exits first). */
  waitFor(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, then waits until the process is gone. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startChild(script: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}): KillableChild {
  const proc = spawn(process.execPath, [...(opts.execArgv ?? []), script, ...args], { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const waiters: Array<{ pred: (l: string) => boolean; resolve: (l: string) => void }> = [];
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      lines.push(line);
      for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i].pred(line)) waiters.splice(i, 1)[0].resolve(line);
    }
  });
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-8000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('close', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    lines,
    stderr: () => err,
    exited,
    waitFor(pred, timeoutMs = 60_000) {
      const seen = lines.find(pred);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for the child's line; stderr: ${err.slice(-500)}`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => (clearTimeout(t), resolve(l)) });
        void exited.then(({ code, signal }) => {
          clearTimeout(t);
          reject(new Error(`child exited (${code ?? signal}) before the awaited line; stderr: ${err.slice(-500)}`));
        });
      });
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      return exited;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
