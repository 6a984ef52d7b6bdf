import { runEval } from '../src/engine/learning/eval';

/**
 * The learning loop's proof and its cost (issue #5.5): `recut eval` with its defaults (4 simulated
 * editors, 16 songs: 8 train / 8 held out, 200 verdicts, reward model, then PPO and DPO). Reports per
 * editor the reward model's held-out pair accuracy, the policies' win rates on held-out songs, duration
 * exactness, KL to the reference, and the wall time of every stage on this machine.
 */
export async function run(): Promise<Record<string, unknown>> {
  const r = await runEval({ backend: 'auto' });
  return {
    wallSeconds: r.wallSeconds,
    targets: r.targets,
    editors: Object.fromEntries(
      r.editors.map((e) => [
        e.editor,
        {
          heldOutAccuracy: e.reward.heldOutAccuracy,
          heldOutPairs: e.reward.heldOutPairs,
          validationAccuracy: e.reward.validationAccuracy,
          rewardTrainSeconds: e.reward.wallSeconds,
          rewardEpochs: e.reward.epochs,
          rerankOnly: { winRate: e.rerankOnly.winRate, ties: e.rerankOnly.ties, scoreBefore: e.rerankOnly.meanScoreBefore, scoreAfter: e.rerankOnly.meanScoreAfter },
          policies: Object.fromEntries(
            e.policies.map((p) => [p.algorithm, { topSuggestion: { winRate: p.topSuggestion.winRate, ties: p.topSuggestion.ties, scoreBefore: p.topSuggestion.meanScoreBefore, scoreAfter: p.topSuggestion.meanScoreAfter }, policyAlone: { winRate: p.winRate, ties: p.ties, scoreBefore: p.meanScoreBefore, scoreAfter: p.meanScoreAfter }, durationExact: p.durationExact, klToReference: p.klToReferenceHeldOut, seconds: p.wallSeconds }]),
          ),
          targetsMet: e.targetsMet,
          seconds: e.wallSeconds,
        },
      ]),
    ),
  };
}
