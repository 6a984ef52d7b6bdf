/**
 * The trained reward model as the policy's `suggest` and the PPO loop use it (LearnedScorer):
 * plans -> per-beat actions -> model inputs -> scores in [-10, 10], long songs in windows.
 */
import type { EditPlan } from '../../shared/edit-plan';
import { actionsFromPlan } from '../../shared/edit-plan-actions';
import type { SongAnalysis } from '../analysis/analyze';
import type { LearnedScorer } from '../models/policy/suggest';
import { buildRewardInputs } from '../models/reward/inputs';
import type { RewardModel } from '../models/reward/model';
import { loadRewardModel } from './reward-checkpoint';
import type { ModelVersion } from '../store/models';

export class RewardScorer implements LearnedScorer {
  constructor(
    readonly model: RewardModel,
    readonly heldOutAccuracy: number | null,
    readonly versionName: string | null = null,
  ) {}

  static fromVersion(v: ModelVersion): RewardScorer {
    const { model } = loadRewardModel(v.checkpoint);
    const acc = typeof v.metrics.heldOutAccuracy === 'number' ? v.metrics.heldOutAccuracy : null;
    return new RewardScorer(model, acc, v.name);
  }

  async score(analysis: SongAnalysis, plans: EditPlan[]): Promise<number[]> {
    if (!plans.length) return [];
    const features = { matrix: analysis.features.matrix, rows: analysis.features.rows };
    const items = plans.map((p) => buildRewardInputs(features, actionsFromPlan(p, analysis.beats.length)));
    return Array.from(await this.model.score(items));
  }

  dispose(): void {
    this.model.dispose();
  }
}
