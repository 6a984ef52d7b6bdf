import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../models/backends';
import { decodeBarActions } from '../models/policy/decode';
import { loadBootstrapPolicy } from '../models/policy/suggest';
import { DPO_DEFAULTS, DpoTrainer, type DpoPair } from './dpo';
import { barActionsOfPlan, clonePolicy, episode, greedyPlan, meanKl } from './policy-common';
import { PPO_DEFAULTS, PpoTrainer } from './ppo';
import { endingKeeper, energyLover } from './sim/editors';
import { targetsFor } from './sim/labeller';
import { testAnalyses } from './test-fixtures';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('policy updates', () => {
  const analyses = testAnalyses(2);
  const episodes = analyses.flatMap((a, i) => targetsFor(a).slice(0, 3).map((t) => episode(`song${i}`, a, t)));

  it('DPO raises the preferred plans relative to the reference and moves away from it', () => {
    const boot = loadBootstrapPolicy()!;
    const ref = clonePolicy(boot);
    const policy = clonePolicy(boot);
    // Winner: the sample an energy-lover likes most; loser: the one it likes least.
    const pairs: DpoPair[] = [];
    for (const ep of episodes) {
      const plans = Array.from({ length: 12 }, (_, k) => decodeBarActions(ep.analysis, policy.sample(ep.inputs, { seed: 1 + k }).actions, ep.targetSeconds).plan);
      const sorted = [...plans].sort((x, y) => energyLover.score(y, ep.analysis) - energyLover.score(x, ep.analysis));
      const [good, bad] = [sorted[0], sorted[sorted.length - 1]];
      if (energyLover.score(good, ep.analysis) > energyLover.score(bad, ep.analysis) + 0.02) pairs.push({ ep, winner: barActionsOfPlan(good, ep), loser: barActionsOfPlan(bad, ep), tie: false, weight: 1 });
    }
    expect(pairs.length).toBeGreaterThan(1);
    const t = new DpoTrainer(policy, ref, { ...DPO_DEFAULTS, batchPairs: pairs.length });
    const first = t.step(pairs);
    let last = first;
    for (let i = 0; i < 25; i++) last = t.step(pairs);
    expect(first.margin).toBeCloseTo(0, 5); // policy == reference at the start
    expect(last.margin).toBeGreaterThan(1);
    expect(last.loss).toBeLessThan(first.loss);
    expect(meanKl(policy, ref, episodes.map((e) => e.inputs))).toBeGreaterThan(0);
    t.dispose();
    policy.dispose();
    ref.dispose();
  });

  it('PPO on an editor reward raises the reward and keeps every plan exactly on target', async () => {
    const boot = loadBootstrapPolicy()!;
    const ref = clonePolicy(boot);
    const policy = clonePolicy(boot);
    const t = new PpoTrainer(policy, ref, { ...PPO_DEFAULTS, samples: 6 });
    const reward = async (ep: (typeof episodes)[number], plans: Parameters<typeof endingKeeper.score>[0][]) => plans.map((p) => endingKeeper.score(p, ep.analysis));
    const greedy = async (p: typeof policy) => (await Promise.all(episodes.map((ep) => reward(ep, [greedyPlan(p, ep).plan])))).flat().reduce((a, b) => a + b, 0);
    const before = await greedy(ref);
    const rewards: number[] = [];
    for (let i = 0; i < 12; i++) rewards.push((await t.iteration(episodes, reward, 100 + i)).meanReward);
    const after = await greedy(policy);
    expect(rewards.slice(-3).reduce((a, b) => a + b) / 3).toBeGreaterThan(rewards.slice(0, 3).reduce((a, b) => a + b) / 3);
    expect(after).toBeGreaterThanOrEqual(before);
    for (const ep of episodes) expect(Math.abs(greedyPlan(policy, ep).durationSeconds - ep.targetSeconds)).toBeLessThanOrEqual(0.05);
    const kl = meanKl(policy, ref, episodes.map((e) => e.inputs));
    expect(kl).toBeGreaterThan(0);
    expect(kl).toBeLessThan(2);
    t.dispose();
    policy.dispose();
    ref.dispose();
    expect(tf.memory().numTensors).toBeLessThan(200);
  });
});
