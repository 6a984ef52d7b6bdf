import { assert, type E2eTest } from './harness';

export const editorTests: E2eTest[] = [
  {
    name: 'the editor shows the analysed song on a timeline with its beat grid',
    async run({ page, screenshot }) {
      await page.getByTestId('song-item').filter({ hasText: 'Recut Demo Song' }).click();
      await page.getByTestId('analysis-status').filter({ hasText: /\d+ beats/ }).waitFor({ timeout: 60_000 });
      const text = (await page.getByTestId('analysis-status').textContent()) ?? '';
      const beats = Number(/(\d+) beats/.exec(text)?.[1]);
      assert(beats > 200 && beats < 320, `the demo (2:22 at 112 BPM) should have ~265 beats, shows "${text}"`);
      await page.getByTestId('zoom-in').click();
      await screenshot('10-editor-timeline');
    },
  },
  {
    name: 'suggest for 30 s gives ranked candidates that hit the target',
    async run({ page, screenshot }) {
      await page.getByTestId('preset-30').click();
      await page.getByTestId('suggest').click();
      await page.getByTestId('candidate').first().waitFor({ timeout: 60_000 });
      const durations = await page.getByTestId('candidate-duration').allTextContents();
      assert(durations.length >= 2, `expected several candidates, got ${durations.length}`);
      for (const d of durations) {
        const seconds = Number(/\(([\d.]+) s\)/.exec(d)?.[1]);
        assert(Math.abs(seconds - 30) <= 0.05, `candidate duration ${seconds} s is not within 50 ms of 30 s`);
      }
      await page.getByTestId('why').filter({ hasText: 'Why this cut' }).waitFor();
      await screenshot('11-suggestions');
    },
  },
  {
    name: 'a candidate plays in the browser, its playhead moving on the timeline',
    async run({ page }) {
      await page.getByTestId('mode-single').click();
      await page.getByRole('button', { name: 'Play candidate 1' }).click();
      await page.getByRole('button', { name: 'Play candidate 1' }).filter({ hasText: '■' }).waitFor({ timeout: 30_000 });
      await page.waitForTimeout(600);
      await page.getByRole('button', { name: 'Play candidate 1' }).click();
      await page.getByRole('button', { name: 'Play candidate 1' }).filter({ hasText: '▶' }).waitFor();
      await page.getByTestId('mode-ab').click();
    },
  },
];

const verdictCount = async (page: import('playwright-core').Page) => Number(/(\d+) saved/.exec((await page.getByTestId('verdict-status').textContent()) ?? '')?.[1] ?? 0);

export const verdictTests: E2eTest[] = [
  {
    name: 'twenty-five verdicts from the keyboard, each shown as saved once committed, and undo',
    async run({ page, screenshot }) {
      const keys = ['1', '2', '1', 't', '2'];
      for (let i = 0; i < 26; i++) {
        await page.getByTestId('listen-a').waitFor({ timeout: 60_000 });
        await page.getByTestId('pick-a').and(page.locator(':not([disabled])')).waitFor({ timeout: 60_000 });
        await page.keyboard.press(keys[i % keys.length]);
        await page.waitForFunction((n) => /(\d+) saved/.exec(document.querySelector('[data-testid="verdict-status"]')?.textContent ?? '')?.[1] === String(n), i + 1, { timeout: 60_000 });
        if (i === 2) await screenshot('12-ab-verdicts');
      }
      await page.keyboard.press('Backspace');
      await page.getByTestId('verdict-status').filter({ hasText: 'Undone' }).waitFor();
      assert((await verdictCount(page)) === 25, `expected 25 saved after one undo, got ${await verdictCount(page)}`);
    },
  },
  {
    name: 'after a server restart every verdict is still there',
    async run({ page, serve, restartServe }) {
      const { spawnSync } = await import('node:child_process');
      const { ROOT } = await import('./harness');
      await restartServe();
      await page.getByTestId('song-item').first().waitFor({ timeout: 60_000 });
      const r = spawnSync(process.execPath, [`${ROOT}/bin/recut.mjs`, 'prefs', 'list', '--json'], { env: { ...process.env, RECUT_HOME: serve.home }, encoding: 'utf8' });
      const total = JSON.parse(r.stdout).total;
      assert(total === 25, `the store holds ${total} live verdicts, expected 25`);
      await page.getByTestId('verdict-total').filter({ hasText: '25' }).waitFor({ timeout: 30_000 });
    },
  },
];

export const exportTests: E2eTest[] = [
  {
    name: 'the chosen edit exports to a WAV of the planned length, with a cue list',
    async run({ page, screenshot }) {
      await page.getByTestId('mode-single').click();
      await page.getByTestId('candidate').first().click();
      await page.getByTestId('export').click();
      await page.getByTestId('export-result').waitFor({ timeout: 60_000 });
      const href = await page.getByTestId('export-download').getAttribute('href');
      assert(href, 'no download link for the export');
      const bytes = await page.evaluate(async (url) => {
        const r = await fetch(url);
        const b = new Uint8Array(await r.arrayBuffer());
        return Array.from(b.subarray(0, 64)).concat([b.length]);
      }, href);
      const total = bytes.pop()!;
      const header = Buffer.from(bytes);
      assert(header.toString('ascii', 0, 4) === 'RIFF' && header.toString('ascii', 8, 12) === 'WAVE', 'the export is not a WAV file');
      // Duration from the header: data bytes / (rate * block align), where the data chunk follows fmt.
      const rate = header.readUInt32LE(24);
      const blockAlign = header.readUInt16LE(32);
      const seconds = (total - 44) / (rate * blockAlign);
      assert(Math.abs(seconds - 30) < 0.06, `exported ${seconds.toFixed(3)} s, expected 30 s`);
      await screenshot('13-export');
      await page.getByTestId('mode-ab').click();
    },
  },
];

export const trainingTests: E2eTest[] = [
  {
    name: 'the verdicts start a retrain in the background and a new model version appears on the dashboard',
    async run({ page, screenshot }) {
      await page.getByTestId('nav-training').click();
      await page.getByTestId('training').waitFor();
      await page.getByTestId('training-job').filter({ hasText: 'Retraining the reward model' }).first().waitFor({ timeout: 120_000 });
      await screenshot('20-training-running');
      await page.getByTestId('model-versions').filter({ hasText: 'reward-v1' }).waitFor({ timeout: 420_000 });
      await page.getByTestId('metrics-chart').waitFor({ timeout: 60_000 });
      await screenshot('21-training-done');
      await page.getByTestId('nav-edit').click();
    },
  },
];
