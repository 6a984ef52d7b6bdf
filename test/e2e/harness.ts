import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const RESULTS = path.join(ROOT, 'test-results');

export interface ServeProcess {
  url: string;
  port: number;
  token: string;
  enginePid: number;
  home: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the real CLI, `recut serve --json`, on a temporary RECUT_HOME and waits for its URL. */
export async function startServe(home = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-e2e-'))): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin/recut.mjs'), 'serve', '--json'], {
    cwd: ROOT,
    env: { ...process.env, RECUT_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: proc.stdout! });
  const info = await new Promise<{ url: string; port: number; token: string; enginePid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('recut serve did not print its URL within 60 s')), 60_000);
    proc.once('exit', (code) => reject(new Error(`recut serve exited early with ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
  });
  return {
    ...info,
    home,
    proc,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** Debian's Chromium, headless, talking to loopback only. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  if (!executablePath) throw new Error('Chromium not found: run scripts/install-system-deps.sh (Debian package `chromium`)');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export interface E2eContext {
  serve: ServeProcess;
  /** Stops `recut serve` and starts it again on the same RECUT_HOME, reloading the page on its new URL. */
  restartServe(): Promise<void>;
  page: Page;
  /** Console errors and CSP violations seen so far on the page. */
  consoleErrors: string[];
  screenshot(name: string): Promise<void>;
}

export interface E2eTest {
  name: string;
  run(ctx: E2eContext): Promise<void>;
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
