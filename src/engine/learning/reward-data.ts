/**
 * From stored verdicts to Bradley-Terry training pairs for the reward model.
 *
 * - A pair verdict is one pair: target 1 (A), 0 (B) or 0.5 (tie), weight = strength.
 * - Single verdicts count too: on each song, every accepted plan is paired against every rejected one
 *   (accepted wins, weight = the weaker of the two strengths), at most MAX_SINGLE_PAIRS per song.
 * - Validation is split by song (every pair of a held-out song is held out), chosen by a seeded hash of
 *   the song id, so no song and no mirrored copy of a pair is on both sides. (Mirrored copies are not
 *   added at all: the Bradley-Terry loss of (B, A, 1-t) equals that of (A, B, t), so they add nothing.)
 * - Inputs: buildPlanRewardInputs (per-beat actions from the plan, replays labelled as loops). Songs longer
 *   than `maxBeats` are cropped, both candidates to the same window, centred on where they differ.
 */
import { createHash } from 'node:crypto';
import type { EditPlan } from '../../shared/edit-plan';
import type { SongAnalysis } from '../analysis/analyze';
import { phraseOfUnit, songGrid } from '../models/planner/grid';
import { POSITION_PERIOD, beatPositions, buildPlanRewardInputs, firstBeatAtRow, sliceRewardInputs, type RewardInputs } from '../models/reward/inputs';
import type { PreferencePair } from '../models/reward/train';
import type { PreferenceRecord } from '../store/preferences';

export const MAX_SINGLE_PAIRS = 30;
export const DEFAULT_MAX_TRAIN_BEATS = 160;

export interface PlanPair {
  songId: string;
  a: EditPlan;
  b: EditPlan;
  target: number;
  weight: number;
  /** preference ids this pair came from */
  from: number[];
}

export function pairsFromPreferences(prefs: readonly PreferenceRecord[]): PlanPair[] {
  const out: PlanPair[] = [];
  const singles = new Map<string, { accept: PreferenceRecord[]; reject: PreferenceRecord[] }>();
  for (const p of prefs) {
    if (p.deletedAt) continue;
    if (p.kind === 'pair' && p.planB && p.choice) {
      out.push({ songId: p.songId, a: p.planA, b: p.planB, target: p.choice === 'a' ? 1 : p.choice === 'b' ? 0 : 0.5, weight: p.strength, from: [p.id] });
    } else if (p.kind === 'single' && p.verdict) {
      const s = singles.get(p.songId) ?? { accept: [], reject: [] };
      s[p.verdict].push(p);
      singles.set(p.songId, s);
    }
  }
  for (const [songId, s] of singles) {
    let n = 0;
    for (const acc of s.accept) {
      for (const rej of s.reject) {
        if (n++ >= MAX_SINGLE_PAIRS) break;
        out.push({ songId, a: acc.planA, b: rej.planA, target: 1, weight: Math.min(acc.strength, rej.strength), from: [acc.id, rej.id] });
      }
    }
  }
  return out;
}

/** Songs held out for validation: about `share` of them (at least one when there are two or more). */
export function validationSongs(songIds: readonly string[], share = 0.2, seed = 1): Set<string> {
  const unique = [...new Set(songIds)].sort();
  if (unique.length < 2) return new Set();
  const key = (id: string) => createHash('sha256').update(`${seed}:${id}`).digest('hex');
  const ranked = unique.sort((x, y) => (key(x) < key(y) ? -1 : 1));
  const n = Math.max(1, Math.min(unique.length - 1, Math.round(unique.length * share)));
  return new Set(ranked.slice(0, n));
}

/**
 * The reward model's inputs for plans of one analysed song: its features, beats and phrase grid
 * (read once), then buildPlanRewardInputs per plan. Training and scoring both encode this way.
 */
export function planRewardInputs(a: SongAnalysis): (plan: EditPlan) => RewardInputs {
  const features = { matrix: a.features.matrix, rows: a.features.rows };
  const g = songGrid(a);
  const grid = { phrases: phraseOfUnit(g), positions: beatPositions(g.bars, g.beatsPerBar, g.units) };
  return (plan) => buildPlanRewardInputs(features, plan, a.beats, a.durationSeconds, grid);
}

/** Turns plan pairs into model inputs (cached per song and plan). Pairs whose plans do not fit the song are dropped. */
export class PairEncoder {
  private readonly cache = new Map<string, RewardInputs>();
  private readonly encoders = new Map<string, (plan: EditPlan) => RewardInputs>();
  dropped = 0;

  constructor(
    private readonly analysisOf: (songId: string) => SongAnalysis,
    private readonly maxBeats = DEFAULT_MAX_TRAIN_BEATS,
  ) {}

  inputs(songId: string, plan: EditPlan): RewardInputs {
    const key = `${songId}:${JSON.stringify(plan)}`;
    let x = this.cache.get(key);
    if (!x) {
      let encode = this.encoders.get(songId);
      if (!encode) this.encoders.set(songId, (encode = planRewardInputs(this.analysisOf(songId))));
      x = encode(plan);
      this.cache.set(key, x);
    }
    return x;
  }

  encode(pairs: readonly PlanPair[]): PreferencePair[] {
    const out: PreferencePair[] = [];
    for (const p of pairs) {
      try {
        let a = this.inputs(p.songId, p.a);
        let b = this.inputs(p.songId, p.b);
        if (a.positions[a.rows - 1] >= this.maxBeats) [a, b] = cropTogether(a, b, this.maxBeats);
        out.push({ a, b, target: p.target, weight: p.weight });
      } catch {
        this.dropped++;
      }
    }
    return out;
  }
}

/**
 * The same window of both candidates, `length` learned-position rows long, centred on the beats
 * where their actions differ.
 */
export function cropTogether(a: RewardInputs, b: RewardInputs, length: number): [RewardInputs, RewardInputs] {
  let first = -1;
  let last = -1;
  for (let t = 0; t < a.rows; t++) {
    if (a.actions[t] !== b.actions[t]) {
      if (first < 0) first = t;
      last = t;
    }
  }
  // In learned-position rows (see inputs.ts) the crop starts on a multiple of POSITION_PERIOD like
  // the scoring windows, so a beat has the same position whichever crop it is in (a crop may end
  // short of the song's end): of the two aligned starts around the centred one, the one that keeps
  // more of the differing beats.
  const pos = a.positions;
  const span = pos[a.rows - 1] + 1;
  const from = first < 0 ? pos[0] : pos[first];
  const to = first < 0 ? span - 1 : pos[last];
  const mid = first < 0 ? pos[a.rows >> 1] : (from + to) >> 1;
  const ideal = Math.max(0, Math.min(span - length, mid - (length >> 1)));
  const lo = Math.floor(ideal / POSITION_PERIOD) * POSITION_PERIOD;
  const hi = lo + POSITION_PERIOD;
  const held = (s: number) => Math.max(0, Math.min(to + 1, s + length) - Math.max(from, s));
  const startRow = first >= 0 && hi < span && held(hi) > held(lo) ? hi : lo;
  const start = firstBeatAtRow(pos, startRow);
  const end = firstBeatAtRow(pos, startRow + length);
  return [sliceRewardInputs(a, start, end - start), sliceRewardInputs(b, start, end - start)];
}
