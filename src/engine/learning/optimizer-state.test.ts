import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../models/backends';
import { tf } from '../models/tf';
import { restoreOptimizerState, saveOptimizerState } from './optimizer-state';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-optim-'));
beforeAll(() => selectBackend('cpu'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Two variables and an Adam that has taken `steps` steps on a quadratic. */
function trained(steps: number) {
  const vars = [tf.variable(tf.tensor2d([[1, -2], [3, 0.5]])), tf.variable(tf.tensor1d([0.25, -1, 2]))];
  const opt = tf.train.adam(0.01);
  for (let i = 0; i < steps; i++) opt.minimize(() => tf.add(tf.sum(tf.square(vars[0])), tf.sum(tf.square(vars[1]))) as tf.Scalar, false, vars);
  return { vars, opt };
}

describe('optimizer state', () => {
  it('round-trips: a restored Adam takes exactly the step the original takes', async () => {
    const a = trained(3);
    const file = path.join(dir, 'state.json');
    await saveOptimizerState(file, a.opt, { step: 3, rewardMean: 0.5 });
    const b = { vars: a.vars.map((v) => tf.variable(v.clone())), opt: tf.train.adam(0.01) };
    expect(await restoreOptimizerState(file, b.opt, b.vars.map((v) => v.shape))).toEqual({ step: 3, rewardMean: 0.5 });
    const loss = (vs: tf.Variable[]) => () => tf.add(tf.sum(tf.square(vs[0])), tf.sum(tf.square(vs[1]))) as tf.Scalar;
    a.opt.minimize(loss(a.vars), false, a.vars);
    b.opt.minimize(loss(b.vars), false, b.vars);
    for (let i = 0; i < 2; i++) expect(Array.from(b.vars[i].dataSync())).toEqual(Array.from(a.vars[i].dataSync()));
    // and differs from a fresh Adam's step (the moments matter)
    const c = { vars: trained(3).vars, opt: tf.train.adam(0.01) };
    c.opt.minimize(loss(c.vars), false, c.vars);
    expect(Array.from(c.vars[0].dataSync())).not.toEqual(Array.from(a.vars[0].dataSync()));
  });

  it('refuses tampered, mismatched or hostile files with a typed error', async () => {
    const a = trained(2);
    const file = path.join(dir, 'good.json');
    await saveOptimizerState(file, a.opt, { step: 2 });
    const shapes = a.vars.map((v) => v.shape);
    const variant = (name: string, text: string) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, text);
      return f;
    };
    const good = JSON.parse(fs.readFileSync(file, 'utf8'));
    const tampered = structuredClone(good);
    tampered.weights[1].values[0] += 1;
    const cases = [
      variant('garbage.json', '{{{'),
      variant('tampered.json', JSON.stringify(tampered)),
      variant('nan.json', JSON.stringify({ ...good, extra: { step: null } })),
      variant('other.json', JSON.stringify({ format: 'something-else' })),
      path.join(dir, 'missing.json'),
      dir, // a directory
    ];
    for (const f of cases) await expect(restoreOptimizerState(f, tf.train.adam(0.01), shapes)).rejects.toMatchObject({ kind: 'invalid_checkpoint' });
    await expect(restoreOptimizerState(file, tf.train.adam(0.01), [[3, 3], [3]])).rejects.toMatchObject({ kind: 'invalid_checkpoint' });
  });
});
