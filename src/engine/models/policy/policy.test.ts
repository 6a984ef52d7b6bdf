import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyzeAudio, type SongAnalysis } from '../../analysis/analyze';
import { beatTestSet, synthesize } from '../../audio/synth';
import { RecutError } from '../../../shared/errors';
import { ACTION, NUM_ACTIONS, planFromActions } from '../../../shared/edit-plan-actions';
import { repetitionStats } from '../dense/dense-reward';
import { songGrid, type SongGrid } from '../planner/grid';
import { trimmedPlanSeconds } from '../planner/trim';
import { imitationExamples, trainBehaviourCloning } from './bootstrap';
import { decodeBarActions } from './decode';
import { policyInputs } from './inputs';
import { PolicyModel } from './model';
import { loadBootstrapPolicy, scorePlan, suggest } from './suggest';
import { loadPolicy, parsePolicy, savePolicy, serializePolicy } from './weights';

// The 52 s song form (pickup, intro, verse, breakdown, chorus), analysed by the real pipeline.
let analysis: SongAnalysis;
let grid: SongGrid;
let policy: PolicyModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  analysis = analyzeAudio(synthesize(beatTestSet().find((s) => s.name.includes('song form'))!).audio);
  grid = songGrid(analysis);
  const p = loadBootstrapPolicy();
  if (!p) throw new Error('resources/models/bootstrap-policy.json is missing: run scripts/make-bootstrap-policy.ts');
  policy = p;
});

describe('policy model', () => {
  it('samples reproducibly with a seed, only allowed actions, and logProbs agree with the sample', () => {
    const inputs = policyInputs(grid, 30);
    const a = policy.sample(inputs, { seed: 3, temperature: 1.2 });
    expect(policy.sample(inputs, { seed: 3, temperature: 1.2 })).toEqual(a);
    const others = [4, 5, 6, 7].map((seed) => Array.from(policy.sample(inputs, { seed, temperature: 1.5 }).actions).join());
    expect(new Set([Array.from(a.actions).join(), ...others]).size).toBeGreaterThan(1);
    for (let m = 0; m < inputs.bars; m++) expect(inputs.mask[m * NUM_ACTIONS + a.actions[m]]).toBe(1);
    const lp = tf.tidy(() => policy.logProbs(inputs, a.actions).dataSync());
    for (let m = 0; m < inputs.bars; m++) expect(lp[m]).toBeCloseTo(a.logProbs[m], 4);
    // top-k = 1 is greedy.
    const greedy = policy.sample(inputs, { seed: 9, topK: 1 }).actions;
    const table = policy.logProbTable(inputs);
    for (let m = 0; m < inputs.bars; m++) {
      const row = Array.from(table.subarray(m * NUM_ACTIONS, (m + 1) * NUM_ACTIONS));
      expect(greedy[m]).toBe(row.indexOf(Math.max(...row)));
    }
  });

  it('masks REORDER everywhere, and the same mask applies to logProbs (a masked action is refused)', () => {
    const inputs = policyInputs(grid, 30);
    const table = policy.logProbTable(inputs);
    for (let m = 0; m < inputs.bars; m++) {
      let total = 0;
      for (let a = 0; a < NUM_ACTIONS; a++) total += Math.exp(table[m * NUM_ACTIONS + a]);
      expect(total).toBeCloseTo(1, 4);
      for (let a = ACTION.REORDER_1; a <= ACTION.REORDER_4; a++) expect(table[m * NUM_ACTIONS + a]).toBeLessThan(-1e6);
    }
    const bad = new Int32Array(inputs.bars).fill(ACTION.KEEP);
    bad[1] = ACTION.REORDER_1;
    expect(() => policy.logProbs(inputs, bad)).toThrow(RecutError);
    const v = tf.tidy(() => policy.value(inputs).dataSync());
    expect(v).toHaveLength(inputs.bars);
  });

  it('behaviour cloning is reproducible: the same seed writes the same bytes', () => {
    const ex = imitationExamples(analysis, { seed: 1, ratios: [0.5, 1.2], variants: 1 });
    const run = () => {
      const r = trainBehaviourCloning(ex, { seed: 11, epochs: 2, batchSize: 32 });
      const s = serializePolicy(r.model.getWeights(), { seed: 11 });
      r.model.dispose();
      return s;
    };
    const a = run();
    expect(run()).toBe(a);
    const other = trainBehaviourCloning(ex, { seed: 12, epochs: 2, batchSize: 32 });
    expect(serializePolicy(other.model.getWeights(), { seed: 11 })).not.toBe(a);
  });

  it('checkpoints round-trip and corrupt ones are refused with invalid_checkpoint', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-policy-'));
    try {
      const file = path.join(dir, 'p.json');
      savePolicy(file, policy.getWeights(), { note: 'test' });
      const back = loadPolicy(file);
      expect(back.meta).toEqual({ note: 'test' });
      expect(Array.from(back.weights.w3)).toEqual(Array.from(policy.getWeights().w3));
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      const flip = Buffer.from(doc.data, 'base64');
      flip[10] ^= 1;
      const cases = [
        'not json',
        JSON.stringify({ ...doc, data: flip.toString('base64') }),
        JSON.stringify({ ...doc, arch: { ...doc.arch, hidden: 128 } }),
        JSON.stringify({ ...doc, data: doc.data.slice(0, 100) }),
        JSON.stringify({ ...doc, params: doc.params.slice(1) }),
      ];
      for (const c of cases) expect(() => parsePolicy(c)).toThrow(expect.objectContaining({ kind: 'invalid_checkpoint' }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('decoding and suggestions', () => {
  it('decodes any sample into an exact, bar-aligned plan within the loop cap', () => {
    const inputs = policyInputs(grid, 30);
    for (let seed = 0; seed < 6; seed++) {
      const s = policy.sample(inputs, { seed, temperature: 2 });
      // Force heavy looping to exercise the cap.
      if (seed % 2) for (let m = 1; m < inputs.bars - 1; m += 2) s.actions[m] = ACTION.LOOP_X4;
      for (const T of [20, 30, 70]) {
        const d = decodeBarActions(analysis, s.actions, T);
        expect(Math.abs(trimmedPlanSeconds(d.plan, analysis.beats, analysis.durationSeconds) - T)).toBeLessThanOrEqual(0.05);
        expect(repetitionStats(d.plan, grid).loopSeconds / T).toBeLessThanOrEqual(0.15 + 1e-9);
      }
    }
  });

  it('suggests exact, distinct, ranked plans; the same seed gives the same suggestions', async () => {
    for (const T of [15, 30]) {
      const s = await suggest(analysis, { targetSeconds: T, count: 4, seed: 42 });
      expect(s).toHaveLength(4);
      expect(new Set(s.map((x) => JSON.stringify(x.plan))).size).toBe(4);
      for (const x of s) {
        expect(Math.abs(x.durationSeconds - T)).toBeLessThanOrEqual(0.05);
        expect(x.actions).toHaveLength(grid.units);
        expect(x.reward.mode).toBe('dense-only');
        expect(x.reward.reason).toMatch(/no reward model/);
        expect(x.reward.learned).toBeNull();
        expect(x.reward.combined).toBe(x.reward.dense);
      }
      // Diversity: not all suggestions share the same cut points.
      expect(new Set(s.map((x) => x.reward.joins.map((j) => `${j.fromUnit}>${j.toUnit}`).join())).size).toBeGreaterThan(1);
      expect(s[0].reward.combined).toBeGreaterThanOrEqual(Math.max(...s.map((x) => x.reward.combined)) - 0.05);
      const again = await suggest(analysis, { targetSeconds: T, count: 4, seed: 42 });
      expect(again.map((x) => x.plan)).toEqual(s.map((x) => x.plan));
    }
    const ext = await suggest(analysis, { targetSeconds: 1.5 * analysis.durationSeconds, count: 2, seed: 1 });
    for (const x of ext) expect(Math.abs(x.durationSeconds - 1.5 * analysis.durationSeconds)).toBeLessThanOrEqual(0.05);
  });

  it('mixes in a trusted learned reward model and scores arbitrary plans', async () => {
    const model = { heldOutAccuracy: 0.8, score: (_a: SongAnalysis, plans: unknown[]) => plans.map((_, i) => (i % 2 ? 3 : -3)) };
    const s = await suggest(analysis, { targetSeconds: 30, count: 3, seed: 5, rewardModel: model });
    for (const x of s) {
      expect(x.reward.mode).toBe('combined');
      expect(x.reward.learned).not.toBeNull();
    }
    const plan = planFromActions(Array.from({ length: grid.units }, (_, k) => (k % 8 < 4 ? ACTION.KEEP : ACTION.CUT)));
    const r = await scorePlan(analysis, plan, 30);
    expect(r.mode).toBe('dense-only');
    expect(r.terms.bars.value).toBeGreaterThanOrEqual(0);
    const weak = await scorePlan(analysis, plan, 30, { heldOutAccuracy: 0.5, score: () => [9] });
    expect(weak.mode).toBe('dense-only');
    expect(weak.reason).toMatch(/below/);
    await expect(suggest(analysis, { targetSeconds: 30, count: 0, seed: 1 })).rejects.toThrow(RecutError);
    await expect(suggest(analysis, { targetSeconds: -1, count: 2, seed: 1 })).rejects.toThrow(RecutError);
  });
});
