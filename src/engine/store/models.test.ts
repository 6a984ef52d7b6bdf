import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './db';
import { ModelStore } from './models';

let dir: string;
let db: Db;
let models: ModelStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-models-'));
  db = openDatabase(path.join(dir, 'recut.sqlite'));
  models = new ModelStore(db);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const add = (kind: 'reward' | 'policy', parentId: number | null = null, acc = 0.5) =>
  models.add({ kind, parentId, algorithm: 'bt', checkpoint: `${kind}.rcpt`, checksum: 'x', backend: 'cpu', metrics: { heldOutAccuracy: acc } });

describe('ModelStore', () => {
  it('numbers versions per kind and keeps parent and metrics', () => {
    const r1 = add('reward');
    const p1 = add('policy');
    const r2 = add('reward', r1.id, 0.9);
    expect([r1.name, p1.name, r2.name]).toEqual(['reward-v1', 'policy-v1', 'reward-v2']);
    expect(r2.parentId).toBe(r1.id);
    expect(r2.metrics).toEqual({ heldOutAccuracy: 0.9 });
    expect(models.find('reward', 'reward-v2')?.id).toBe(r2.id);
    expect(models.find('reward', 'v1')?.id).toBe(r1.id);
    expect(models.find('reward', 'policy-v1')).toBeNull();
    expect(models.list('reward').map((m) => m.version)).toEqual([2, 1]);
  });

  it('activates, switches and rolls back', () => {
    const r1 = add('reward');
    const r2 = add('reward', r1.id);
    expect(models.active('reward')).toBeNull();
    models.activate('reward', r1.id, 'first');
    models.activate('reward', r2.id, 'better');
    expect(models.active('reward')?.id).toBe(r2.id);
    expect(models.rollback('reward').id).toBe(r1.id);
    expect(models.active('reward')?.active).toBe(true);
    expect(models.get(r2.id)?.active).toBe(false);
    expect(() => models.activate('policy', r1.id, 'wrong kind')).toThrow(/no policy model/);
  });

  it('refuses a rollback with nothing to go back to', () => {
    const r1 = add('reward');
    expect(() => models.rollback('reward')).toThrow(/no earlier/);
    models.activate('reward', r1.id, 'only');
    expect(() => models.rollback('reward')).toThrow(/no earlier/);
  });

  it('keeps a metrics history per training job', () => {
    models.addMetrics('job-1', 'reward', 1, { loss: 0.7 });
    models.addMetrics('job-1', 'reward', 2, { loss: 0.5, heldOutAccuracy: 0.8 });
    models.addMetrics('job-2', 'policy', 1, { kl: 0.01 });
    expect(models.metrics('job-1')).toEqual([
      { step: 1, metrics: { loss: 0.7 } },
      { step: 2, metrics: { loss: 0.5, heldOutAccuracy: 0.8 } },
    ]);
  });

  it('leaves out values that were not measured (NaN), also in rows written before they were filtered', () => {
    // an epoch end reached again on resume has no training steps: its train loss is NaN
    models.addMetrics('job-3', 'reward', 4, { trainLoss: NaN, valLoss: 0.4, valAccuracy: Infinity });
    db.prepare('INSERT INTO training_metrics (job_id, kind, step, metrics, at) VALUES (?, ?, ?, ?, ?)').run('job-3', 'reward', 5, '{"trainLoss":null,"valLoss":0.3}', new Date().toISOString());
    expect(models.metrics('job-3')).toEqual([
      { step: 4, metrics: { valLoss: 0.4 } },
      { step: 5, metrics: { valLoss: 0.3 } },
    ]);
  });
});
