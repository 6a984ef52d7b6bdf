import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../shared/contract';
import { RecutError } from '../../shared/errors';
import { openDatabase, type Db } from '../store/db';
import { JobStore } from '../store/jobs';
import { JobRunner } from './runner';

let dir: string;
let db: Db;
let store: JobStore;
let seen: JobInfo[];
let runner: JobRunner;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-jobs-'));
  db = openDatabase(path.join(dir, 'recut.sqlite'));
  store = new JobStore(db);
  seen = [];
  runner = new JobRunner(store, (j) => seen.push(j));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('JobRunner', () => {
  it('reports progress that never goes backwards and persists the outcome', async () => {
    const { job, done } = runner.start('t', 'Test', async (ctx) => {
      ctx.progress(0.5, 'half');
      ctx.progress(0.2, 'back?');
      ctx.progress(NaN);
      ctx.progress(0.8);
      return 42;
    });
    expect(await done).toBe(42);
    const progress = seen.filter((j) => j.id === job.id).map((j) => j.progress);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
    expect(store.get(job.id)).toMatchObject({ state: 'done', progress: 1 });
  });

  it('runs one job per lane at a time, in order', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = runner.start('train', 'A', async () => {
      order.push('a-start');
      await gate;
      order.push('a-end');
    });
    const b = runner.start('train', 'B', async () => {
      order.push('b-start');
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(['a-start']);
    expect(store.get(b.job.id)?.state).toBe('queued');
    release();
    await Promise.all([a.done, b.done]);
    expect(order).toEqual(['a-start', 'a-end', 'b-start']);
  });

  it('cancels a running job and records it as cancelled, not failed', async () => {
    const { job, done } = runner.start('t', 'Long', async (ctx) => {
      for (;;) {
        await new Promise((r) => setTimeout(r, 5));
        ctx.throwIfCancelled();
      }
    });
    setTimeout(() => runner.cancel(job.id), 20);
    const err = await done.catch((e) => e);
    expect(err).toBeInstanceOf(RecutError);
    expect(err.kind).toBe('cancelled');
    expect(store.get(job.id)).toMatchObject({ state: 'cancelled', error: null });
  });

  it('records a failure with its message, and marks jobs a dead engine left running', async () => {
    const { job, done } = runner.start('t', 'Boom', async () => {
      throw new Error('disk on fire');
    });
    await done.catch(() => undefined);
    expect(store.get(job.id)).toMatchObject({ state: 'failed', error: 'disk on fire' });
    store.insert({ ...store.get(job.id)!, id: 'orphan', state: 'running', endedAt: null, error: null });
    expect(store.failInterrupted()).toBe(1);
    expect(store.get('orphan')?.state).toBe('failed');
  });
});
