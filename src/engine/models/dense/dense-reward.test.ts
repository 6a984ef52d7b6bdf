import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeAudio, type SongAnalysis } from '../../analysis/analyze';
import { beatTestSet, synthesize, type SynthTrack } from '../../audio/synth';
import { identityPlan, type EditPlan } from '../../../shared/edit-plan';
import { planFromActions } from '../../../shared/edit-plan-actions';
import { Prng } from '../../audio/synth/prng';
import { songGrid, type SongGrid } from '../planner/grid';
import { combinedReward, learnedTo01, trustFromAccuracy } from './combined';
import { denseReward } from './dense-reward';
import { joinQuality, scoreJoin } from './join-quality';

// A 52 s song form: pickup, quiet intro (4 bars), verse (8), breakdown (4), loud chorus (8).
let track: SynthTrack;
let analysis: SongAnalysis;
let grid: SongGrid;
const barStart = (n: number) => grid.bars.find((b) => b.number === n)!.start;

beforeAll(() => {
  track = synthesize(beatTestSet().find((s) => s.name.includes('song form'))!);
  analysis = analyzeAudio(track.audio);
  grid = songGrid(analysis);
});

const seg = (from: number, to: number, repeat = 1) => ({ from, to, repeat });
const plan = (segments: ReturnType<typeof seg>[], fadeBeats = 0): EditPlan => ({
  version: 1,
  includeIntro: true,
  segments,
  fadeOut: fadeBeats ? { beats: fadeBeats } : null,
  crossfadeMs: 20,
});

describe('dense reward', () => {
  it('the grid follows the synthesised bars (sanity for the tests below)', () => {
    expect(grid.bars.filter((b) => b.number >= 0).length).toBeGreaterThanOrEqual(22);
    const t = grid.unitStart[barStart(16)];
    expect(Math.abs(t - track.sections.find((s) => s.label === 'chorus')!.start)).toBeLessThan(0.06);
  });

  it('keeps every term in [0, 1] for identity, hand-made and random plans', () => {
    const B = grid.units;
    const rng = new Prng(5);
    const plans: EditPlan[] = [identityPlan(B), plan([seg(0, barStart(4)), seg(barStart(16), B)])];
    for (let i = 0; i < 20; i++) {
      const p = planFromActions(Array.from({ length: B }, () => rng.int(10)));
      // planFromActions can exceed the schema's 64-beat fade (reported upstream); cap it here.
      if (p.fadeOut && p.fadeOut.beats > 64) p.fadeOut.beats = 64;
      plans.push(p);
    }
    for (const p of plans) {
      if (p.segments.length === 0) continue;
      for (const target of [null, 10, 30, 90]) {
        const r = denseReward(p, analysis, target);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(1);
        for (const [name, t] of Object.entries(r.terms)) {
          expect(t.value, name).toBeGreaterThanOrEqual(0);
          expect(t.value, name).toBeLessThanOrEqual(1);
        }
        for (const j of r.joins) for (const v of Object.values(j.scores)) expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1);
      }
    }
    const id = denseReward(identityPlan(B), analysis, analysis.durationSeconds);
    expect(id.joins).toHaveLength(0);
    expect(id.score).toBeCloseTo(1, 6);
  });

  it('scores a cut on a downbeat above the same cut one beat into the bar', () => {
    const B = grid.units;
    const onBar = denseReward(plan([seg(0, barStart(6)), seg(barStart(10), B)]), analysis, null);
    const offBar = denseReward(plan([seg(0, barStart(6) + 1), seg(barStart(10) + 2, B)]), analysis, null);
    expect(onBar.terms.bars.value).toBeGreaterThan(0.7);
    expect(offBar.terms.bars.value).toBeLessThan(onBar.terms.bars.value - 0.3);
    expect(onBar.score).toBeGreaterThan(offBar.score);
    expect(onBar.joins[0]).toMatchObject({ kind: 'cut', fromUnit: barStart(6), toUnit: barStart(10) });
  });

  it('rates a jump between two verse bars above a jump from the quiet intro into the loud chorus', () => {
    const similar = scoreJoin(grid, barStart(6), barStart(9));
    const contrast = scoreJoin(grid, barStart(2), barStart(18));
    expect(joinQuality(similar)).toBeGreaterThan(joinQuality(contrast) + 0.1);
    expect(similar.energy).toBeGreaterThan(contrast.energy);
    // Same bar phase for both (bar starts); off by half a bar is the worst phase match.
    expect(similar.barPhase).toBeCloseTo(1, 6);
    expect(scoreJoin(grid, barStart(6), barStart(9) + 2).barPhase).toBeLessThan(0.1);
  });

  it('measures clicks from the audio when it is given', () => {
    const p = plan([seg(0, barStart(6)), seg(barStart(18), grid.units)]);
    const fromAudio = denseReward(p, analysis, null, { audio: track.audio });
    expect(fromAudio.terms.clicks.detail?.source).toBe('audio');
    expect(fromAudio.terms.clicks.value).toBeGreaterThanOrEqual(0);
    expect(fromAudio.terms.clicks.value).toBeLessThanOrEqual(1);
    // A join between two points of the same section barely changes level.
    const smooth = denseReward(plan([seg(0, barStart(17)), seg(barStart(20), grid.units)]), analysis, null, { audio: track.audio });
    expect(smooth.terms.clicks.value).toBeGreaterThan(0.5);
  });

  it('scores duration match, loops over the cap and endings', () => {
    const B = grid.units;
    const full = analysis.durationSeconds;
    expect(denseReward(identityPlan(B), analysis, full + 0.04).terms.duration.value).toBe(1);
    expect(denseReward(identityPlan(B), analysis, full + 3).terms.duration.value).toBeLessThan(0.1);
    const loopy = plan([seg(0, barStart(4)), seg(barStart(4), barStart(6), 4), seg(barStart(6), B)]);
    const r = denseReward(loopy, analysis, null);
    expect(r.terms.repetition.detail?.loopFraction).toBeGreaterThan(0.15);
    expect(r.terms.repetition.value).toBeLessThan(1);
    expect(r.joins.filter((j) => j.kind === 'loop')).toHaveLength(3);
    const realEnd = denseReward(plan([seg(0, barStart(4)), seg(barStart(16), B)]), analysis, null);
    const fade = denseReward(plan([seg(0, barStart(8))], grid.beatsPerBar), analysis, null);
    const abrupt = denseReward(plan([seg(0, barStart(8) + 1)]), analysis, null);
    expect(realEnd.terms.ending.value).toBe(1);
    expect(fade.terms.ending.value).toBeGreaterThan(abrupt.terms.ending.value);
    expect(fade.terms.ending.detail).toMatchObject({ kind: 'fade-out', barAligned: true });
  });
});

describe('combined reward', () => {
  it('is the dense reward alone, with a reason, while there is no learned model', () => {
    const d = denseReward(identityPlan(grid.units), analysis, 30);
    const c = combinedReward(null, d, { trustworthy: false });
    expect(c).toMatchObject({ learned: null, dense: d.score, combined: d.score, mode: 'dense-only' });
    expect(c.reason).toMatch(/no reward model/);
  });

  it('mixes 0.8 * sigmoid(learned) + 0.2 * dense when trusted, dense only when accuracy is too low', () => {
    const d = denseReward(identityPlan(grid.units), analysis, 30);
    const trusted = trustFromAccuracy(0.72);
    const c = combinedReward(2, d, trusted);
    expect(c.mode).toBe('combined');
    expect(c.combined).toBeCloseTo(0.8 * learnedTo01(2) + 0.2 * d.score, 12);
    const low = trustFromAccuracy(0.51);
    expect(low.trustworthy).toBe(false);
    const c2 = combinedReward(2, d, low);
    expect(c2.mode).toBe('dense-only');
    expect(c2.combined).toBe(d.score);
    expect(c2.reason).toMatch(/below/);
    // below the threshold but better than the dense reward on the same verdicts: the better evidence wins
    const beatsDense = trustFromAccuracy(0.57, 0.53);
    expect(beatsDense.trustworthy).toBe(true);
    expect(beatsDense.reason).toMatch(/beats the dense reward's 53.0 %/);
    expect(trustFromAccuracy(0.55, 0.58)).toMatchObject({ trustworthy: false, reason: expect.stringMatching(/not above the dense reward's 58.0 %/) });
    expect(trustFromAccuracy(0.55, null).trustworthy).toBe(false);
    expect(learnedTo01(-10)).toBeLessThan(learnedTo01(0));
    expect(learnedTo01(0)).toBe(0.5);
  });
});
