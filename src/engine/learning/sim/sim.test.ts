import { describe, expect, it } from 'vitest';
import { validatePlan, type EditPlan } from '../../../shared/edit-plan';
import { songGrid } from '../../models/planner/grid';
import { loadBootstrapPolicy } from '../../models/policy/suggest';
import { testAnalyses } from '../test-fixtures';
import { downbeatCutter, endingKeeper, energyLover, fewJoins, loopHater, SIM_EDITORS } from './editors';
import { labelSong } from './labeller';

const plan = (segments: EditPlan['segments'], fadeBeats = 0): EditPlan => ({ version: 1, includeIntro: true, segments, fadeOut: fadeBeats ? { beats: fadeBeats } : null, crossfadeMs: 20 });

describe('simulated editors', () => {
  const [a] = testAnalyses(1);
  const g = songGrid(a);
  const B = g.units;
  const bar = (i: number) => g.bars[i].start;

  it('score the unedited song as perfect where nothing was changed', () => {
    const id = plan([{ from: 0, to: B, repeat: 1 }]);
    for (const e of [downbeatCutter, endingKeeper, loopHater, fewJoins]) expect(e.score(id, a)).toBe(1);
  });

  it('downbeat-cutter: a cut inside a bar scores below the same cut on the bar line', () => {
    const onBar = plan([{ from: 0, to: bar(4), repeat: 1 }, { from: bar(8), to: B, repeat: 1 }]);
    const inside = plan([{ from: 0, to: bar(4) + 1, repeat: 1 }, { from: bar(8) + 1, to: B, repeat: 1 }]);
    expect(downbeatCutter.score(onBar, a)).toBeGreaterThan(downbeatCutter.score(inside, a));
    expect(downbeatCutter.score(inside, a)).toBe(0);
  });

  it('ending-keeper: a fade-out before the end scores 0, the real ending 1', () => {
    expect(endingKeeper.score(plan([{ from: 0, to: bar(6), repeat: 1 }], 4), a)).toBe(0);
    expect(endingKeeper.score(plan([{ from: 0, to: bar(2), repeat: 1 }, { from: bar(6), to: B, repeat: 1 }]), a)).toBe(1);
  });

  it('loop-hater and few-joins penalise loops and joins', () => {
    const looped = plan([{ from: 0, to: bar(2), repeat: 1 }, { from: bar(2), to: bar(3), repeat: 3 }, { from: bar(3), to: B, repeat: 1 }]);
    expect(loopHater.score(looped, a)).toBeLessThan(0.9);
    expect(fewJoins.score(looped, a)).toBeLessThan(0.5);
  });

  it('loop-hater minds a replay less the longer ago the material was heard', () => {
    // Two extensions replaying the same 2 bars: right after themselves (a loop by another name) or
    // after the rest of the song.
    const soon = plan([{ from: 0, to: bar(4), repeat: 1 }, { from: bar(2), to: B, repeat: 1 }]);
    const late = plan([{ from: 0, to: B - 1, repeat: 1 }, { from: bar(2), to: bar(4), repeat: 1 }, { from: B - 1, to: B, repeat: 1 }]);
    expect(loopHater.score(late, a)).toBeGreaterThan(loopHater.score(soon, a) + 0.05);
    const looped = plan([{ from: 0, to: bar(2), repeat: 1 }, { from: bar(2), to: bar(4), repeat: 2 }, { from: bar(4), to: B, repeat: 1 }]);
    expect(loopHater.score(looped, a)).toBeLessThan(loopHater.score(late, a));
  });

  it('energy-lover prefers the loud chorus to the quiet intro and outro', () => {
    // sections: intro 2 bars, verse 4, chorus 4 (bars 6-9), ...
    const chorus = plan([{ from: bar(6), to: bar(10), repeat: 1 }]);
    const quiet = plan([{ from: 0, to: bar(2), repeat: 1 }, { from: g.bars[g.bars.length - 2].start, to: B, repeat: 1 }]);
    expect(energyLover.score(chorus, a)).toBeGreaterThan(energyLover.score(quiet, a) + 0.2);
  });

  it('the labeller judges the policy candidates consistently with the editor', async () => {
    const policy = loadBootstrapPolicy();
    for (const editor of SIM_EDITORS) {
      const prefs = await labelSong('x'.repeat(64), a, editor, { verdicts: 12, seed: 3, policy, noise: 0, tieMargin: 0.04, singleShare: 0.2 });
      expect(prefs.length).toBeGreaterThan(0);
      for (const p of prefs) {
        if (p.kind === 'pair') {
          validatePlan(p.planA, B);
          validatePlan(p.planB, B);
          const d = editor.score(p.planA, a) - editor.score(p.planB, a);
          expect(p.choice).toBe(Math.abs(d) < 0.04 ? 'tie' : d > 0 ? 'a' : 'b');
          expect([1, 2, 3]).toContain(p.strength);
        } else {
          const s = editor.score(p.plan, a);
          expect(p.verdict === 'accept' ? s >= 0.7 : s <= 0.3).toBe(true);
        }
      }
    }
  });
});
