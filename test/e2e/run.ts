/**
 * The Chromium suite: starts the real `recut serve` on a temporary RECUT_HOME, opens the built UI in
 * Debian's headless Chromium (loopback only) through playwright-core, runs every test in order on one
 * page (they follow a user's path), saves screenshots under test-results/, and ends with
 * `N passed, N failed`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, RESULTS, startServe, type E2eContext, type E2eTest } from './harness';
import { foundationTests } from './foundation.e2e';
import { editorTests, exportTests, trainingTests, verdictTests } from './editor.e2e';

const TESTS: E2eTest[] = [...foundationTests, ...editorTests, ...exportTests, ...verdictTests, ...trainingTests];

async function main(): Promise<number> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const only = process.env.E2E_ONLY;
  const tests = only ? TESTS.filter((t) => t.name.includes(only)) : TESTS;
  let serve = await startServe();
  const browser = await launchBrowser();
  let passed = 0;
  let failed = 0;
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    const ctx: E2eContext = {
      serve,
      page,
      restartServe: async () => {
        await serve.stop();
        serve = await startServe(serve.home);
        ctx.serve = serve;
        await page.goto(serve.url);
      },
      consoleErrors,
      screenshot: async (name) => {
        await page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });
      },
    };
    await page.goto(serve.url);
    for (const t of tests) {
      const started = Date.now();
      try {
        await t.run(ctx);
        passed++;
        console.log(`  ✓ ${t.name} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        console.log(`  ✗ ${t.name}\n      ${(e as Error).message.split('\n').join('\n      ')}`);
        await ctx.screenshot(`FAILED-${t.name.replace(/[^\w-]+/g, '_')}`).catch(() => undefined);
      }
    }
  } finally {
    await browser.close();
    await serve.stop();
    fs.rmSync(serve.home, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
