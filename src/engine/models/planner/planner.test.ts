import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeAudio, type SongAnalysis } from '../../analysis/analyze';
import { demoSongSpec, synthesize, type SynthTrack } from '../../audio/synth';
import { pcmLength } from '../../audio/pcm';
import { audibleJoins } from '../../../shared/edit-plan';
import { RecutError } from '../../../shared/errors';
import { denseReward, repetitionStats } from '../dense/dense-reward';
import { songGrid, type SongGrid } from './grid';
import { planEdit } from './planner';
import { renderTrimmedPlan, trimmedPlanSeconds, validateTrimmedPlan } from './trim';

// The demo song (2:22, 112 BPM, intro/verse/chorus/.../outro, final hit), analysed by the real pipeline.
let track: SynthTrack;
let analysis: SongAnalysis;
let grid: SongGrid;

beforeAll(() => {
  track = synthesize(demoSongSpec());
  analysis = analyzeAudio(track.audio);
  grid = songGrid(analysis);
});

describe('bootstrap planner', () => {
  const full = () => analysis.durationSeconds;
  const targets = () => [15, 30, 45, 60, 61.37, 90, 100.2, full(), 1.2 * full(), 1.5 * full()];

  it('hits every target within 50 ms, in the plan and in the rendered audio', () => {
    const sr = track.audio.sampleRate;
    for (const T of targets()) {
      const { plan, durationSeconds } = planEdit(analysis, T);
      expect(Math.abs(durationSeconds - T), `target ${T}`).toBeLessThanOrEqual(0.05);
      expect(Math.abs(trimmedPlanSeconds(plan, analysis.beats, full()) - T)).toBeLessThanOrEqual(0.05);
      validateTrimmedPlan(plan, analysis.beats, full());
      const rendered = renderTrimmedPlan(track.audio, analysis.beats, plan);
      expect(Math.abs(pcmLength(rendered) / sr - T), `rendered ${T}`).toBeLessThanOrEqual(0.05);
    }
  });

  it('cuts and jumps only on bar lines (downbeats); phrase boundaries where the length allows', () => {
    let phrase = 0;
    let total = 0;
    for (const T of targets()) {
      const { plan } = planEdit(analysis, T);
      for (const [a, b] of audibleJoins(plan)) {
        expect(grid.boundary[a], `target ${T}: jump from unit ${a}`).toBeGreaterThanOrEqual(1);
        expect(grid.boundary[b], `target ${T}: jump to unit ${b}`).toBeGreaterThanOrEqual(1);
        phrase += grid.boundary[a] >= 2 && grid.boundary[b] >= 2 ? 1 : 0;
        total++;
      }
    }
    expect(total).toBeGreaterThan(0);
    // Phrase alignment is a preference traded against the exact length (4-bar steps are ~8.6 s here).
    expect(phrase / total).toBeGreaterThanOrEqual(0.15);
  });

  it('shortens 2:22 to 60 s keeping the start and the real ending', () => {
    const r = planEdit(analysis, 60);
    expect(r.ending).toBe('real');
    expect(r.plan.segments[0].from).toBe(0);
    expect(r.plan.segments[r.plan.segments.length - 1].to).toBe(grid.units);
    const d = denseReward(r.plan, analysis, 60);
    expect(d.terms.duration.value).toBe(1);
    expect(d.terms.bars.value).toBeGreaterThan(0.7);
    expect(d.score).toBeGreaterThan(0.8);
  });

  it('extends to 1.5x by replaying passages, within the loop cap', () => {
    const T = 1.5 * full();
    const r = planEdit(analysis, T);
    const { loopSeconds, repeatedSeconds } = repetitionStats(r.plan, grid);
    expect(loopSeconds / T).toBeLessThanOrEqual(0.15);
    expect(repeatedSeconds).toBeGreaterThan(0.3 * full());
    expect(r.barPath.some((m, i) => i > 0 && m < r.barPath[i - 1])).toBe(true);
  });

  it('is deterministic, and its seeded jitter gives different good plans', () => {
    expect(planEdit(analysis, 45)).toEqual(planEdit(analysis, 45));
    const a = planEdit(analysis, 45, { noise: { seed: 1, amount: 0.4 } });
    expect(planEdit(analysis, 45, { noise: { seed: 1, amount: 0.4 } })).toEqual(a);
    const plans = new Set([1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(planEdit(analysis, 45, { noise: { seed, amount: 0.4 } }).plan.segments)));
    expect(plans.size).toBeGreaterThan(1);
  });

  it('rejects targets it cannot meet with a typed error', () => {
    for (const T of [0, -5, Number.NaN, 0.1, 10 * full()]) {
      expect(() => planEdit(analysis, T)).toThrow(RecutError);
    }
  });
});
