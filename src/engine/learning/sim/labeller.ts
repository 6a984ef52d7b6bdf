/**
 * The labeller: a simulated editor at work in the UI. For a song it asks the policy for candidates
 * (the engine's own `suggest`, so they are the policy's samples decoded the way a user sees them),
 * listens to two at a time and records a verdict: the one it scores higher wins, a tie when the
 * scores are within `tieMargin`, strength 1-3 from the margin. Now and then it gives a single
 * verdict instead (accept above 0.7, reject below 0.3), as a user does with one suggestion.
 */
import type { EditPlan } from '../../../shared/edit-plan';
import type { SongAnalysis } from '../../analysis/analyze';
import { Prng, deriveSeed } from '../../audio/synth/prng';
import type { PolicyModel } from '../../models/policy/model';
import { suggest, type LearnedScorer } from '../../models/policy/suggest';
import type { NewPreference } from '../../store/preferences';
import type { SimEditor } from './editors';

/** Targets as shares of the song's length: three shortenings and one extension. */
export const TARGET_RATIOS = [0.55, 0.7, 0.85, 1.3, 1.8] as const;

export interface LabelOptions {
  /** Verdicts to produce for this song. */
  verdicts: number;
  seed: number;
  policy: PolicyModel | null;
  policyVersion?: string | null;
  rewardModel?: LearnedScorer;
  rewardVersion?: string | null;
  candidates?: number;
  tieMargin?: number;
  /** Share of verdicts given as single accept/reject. */
  singleShare?: number;
  /** Std of the editor's judgement noise (score units). */
  noise?: number;
}

export function targetsFor(analysis: SongAnalysis): number[] {
  return TARGET_RATIOS.map((r) => Math.round(analysis.durationSeconds * r * 100) / 100);
}

export function strengthOf(margin: number): 1 | 2 | 3 {
  return margin > 0.5 ? 3 : margin > 0.25 ? 2 : 1;
}

export async function labelSong(songId: string, analysis: SongAnalysis, editor: SimEditor, opts: LabelOptions): Promise<NewPreference[]> {
  const rng = new Prng(deriveSeed(opts.seed, 7));
  const tieMargin = opts.tieMargin ?? 0.04;
  const noise = opts.noise ?? 0.02;
  const out: NewPreference[] = [];
  const targets = targetsFor(analysis);
  const provenance = { policyVersion: opts.policyVersion ?? null, rewardVersion: opts.rewardVersion ?? null, source: 'test' as const };
  for (let round = 0; out.length < opts.verdicts && round < 4 * opts.verdicts; round++) {
    const targetSeconds = targets[round % targets.length];
    const seed = deriveSeed(opts.seed, round);
    const shown = await suggest(analysis, { targetSeconds, count: opts.candidates ?? 6, seed, policy: opts.policy, rewardModel: opts.rewardModel });
    const judged = shown.map((s) => ({ plan: s.plan, score: editor.score(s.plan, analysis) + noise * rng.gauss() }));
    const order = judged.map((_, i) => i).sort(() => rng.next() - 0.5);
    for (let i = 0; i + 1 < order.length && out.length < opts.verdicts; i += 2) {
      const a = judged[order[i]];
      const b = judged[order[i + 1]];
      if (rng.chance(opts.singleShare ?? 0.15)) {
        const single = singleVerdict(a.plan, a.score);
        if (single) out.push({ kind: 'single', songId, ...single, targetSeconds, seed, ...provenance });
        continue;
      }
      const d = a.score - b.score;
      const choice = Math.abs(d) < tieMargin ? 'tie' : d > 0 ? 'a' : 'b';
      out.push({ kind: 'pair', songId, planA: a.plan, planB: b.plan, choice, strength: choice === 'tie' ? 1 : strengthOf(Math.abs(d)), targetSeconds, seed, ...provenance });
    }
  }
  return out;
}

function singleVerdict(plan: EditPlan, score: number): { plan: EditPlan; verdict: 'accept' | 'reject'; strength: 1 | 2 | 3 } | null {
  if (score >= 0.7) return { plan, verdict: 'accept', strength: strengthOf(score - 0.5) };
  if (score <= 0.3) return { plan, verdict: 'reject', strength: strengthOf(0.5 - score) };
  return null;
}
