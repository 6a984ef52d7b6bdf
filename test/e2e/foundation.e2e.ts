import { assert, type E2eTest } from './harness';

const parseClock = (text: string) => {
  const [m, s] = text.trim().split(':').map(Number);
  return m * 60 + s;
};

export const foundationTests: E2eTest[] = [
  {
    name: 'the library opens with the demo song when it is empty',
    async run({ page, screenshot }) {
      await page.getByTestId('engine-status').and(page.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
      const item = page.getByTestId('song-item').filter({ hasText: 'Recut Demo Song' });
      await item.waitFor({ timeout: 60_000 });
      assert((await page.getByTestId('song-count').textContent())?.includes('1 song'), 'expected exactly one song');
      // The compute backend in use is shown (chosen by the engine at start).
      await page.getByTestId('backend').waitFor({ timeout: 60_000 });
      await screenshot('01-library');
    },
  },
  {
    name: 'selecting the demo shows its facts and its waveform',
    async run({ page, screenshot }) {
      await page.getByTestId('song-item').first().click();
      await page.getByTestId('song-title').filter({ hasText: 'Recut Demo Song' }).waitFor();
      const duration = parseClock((await page.getByTestId('song-duration').textContent()) ?? '');
      assert(duration > 120, `the demo must be longer than 2 minutes, shows ${duration} s`);
      const tempo = (await page.getByTestId('song-tempo').textContent()) ?? '';
      assert(/\d+ BPM/.test(tempo), `tempo should be known for the demo, shows "${tempo}"`);
      await page.getByTestId('analysis-status').filter({ hasText: /\d+ beats/ }).waitFor({ timeout: 60_000 });
      // The waveform really drew something: count non-transparent pixels in the timeline's canvas.
      const inked = await page.getByTestId('timeline').evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n / (c.width * c.height);
      });
      assert(inked > 0.05 && inked < 0.95, `waveform ink ratio ${inked.toFixed(3)} is not a drawn waveform`);
      await screenshot('02-song');
    },
  },
  {
    name: 'search filters the library',
    async run({ page }) {
      const search = page.getByTestId('library-search');
      await search.fill('no such song zzz');
      await page.getByTestId('song-list').filter({ hasText: 'No song matches' }).waitFor();
      await search.fill('demo');
      await page.getByTestId('song-item').filter({ hasText: 'Recut Demo Song' }).waitFor();
      await search.fill('');
    },
  },
  {
    name: 'the jobs panel shows the finished demo job',
    async run({ page, screenshot }) {
      await page.getByTestId('job-item').filter({ hasText: 'Preparing the demo song' }).and(page.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
      await screenshot('03-jobs');
    },
  },
  {
    name: 'the page has no Node globals and no CSP violations',
    async run({ page, consoleErrors }) {
      const globals = await page.evaluate(() => ({
        require: typeof (globalThis as Record<string, unknown>).require,
        process: typeof (globalThis as Record<string, unknown>).process,
        module: typeof (globalThis as Record<string, unknown>).module,
      }));
      assert(globals.require === 'undefined' && globals.process === 'undefined' && globals.module === 'undefined', `node globals leaked: ${JSON.stringify(globals)}`);
      const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
      assert(/script-src 'self'/.test(csp) && !/unsafe-(inline|eval)/.test(csp), `built page must carry the strict CSP, has "${csp}"`);
      // An inline script must be refused by that CSP.
      const ran = await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = true';
        document.body.appendChild(s);
        return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
      });
      assert(!ran, 'an inline script ran despite the CSP');
      const violations = consoleErrors.filter((e) => /Content Security Policy/i.test(e) && !/window.__inlineRan|inline script/i.test(e));
      assert(violations.length === 0, `CSP violations from the app itself: ${violations.join(' | ')}`);
    },
  },
  {
    name: 'a WebSocket without the token is refused from the page',
    async run({ page, serve }) {
      // A string, not a function: tsx's name-keeping helpers do not exist inside the page.
      const outcome = (await page.evaluate(`(async () => {
        const attempt = (url) => new Promise((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => { ws.close(); resolve('open'); };
          ws.onerror = () => resolve('refused');
        });
        return { none: await attempt('ws://127.0.0.1:${serve.port}/rpc'), wrong: await attempt('ws://127.0.0.1:${serve.port}/rpc?token=guess') };
      })()`)) as { none: string; wrong: string };
      assert(outcome.none === 'refused' && outcome.wrong === 'refused', `expected refusals, got ${JSON.stringify(outcome)}`);
    },
  },
  {
    name: 'when the engine dies it is restarted and the UI says so',
    async run({ page, serve, screenshot }) {
      process.kill(serve.enginePid, 'SIGKILL');
      await page.getByTestId('engine-notice').filter({ hasText: 'restarted' }).waitFor({ timeout: 30_000 });
      await page.getByTestId('engine-status').and(page.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
      await page.getByTestId('song-item').filter({ hasText: 'Recut Demo Song' }).waitFor();
      await screenshot('04-engine-restarted');
    },
  },
];
