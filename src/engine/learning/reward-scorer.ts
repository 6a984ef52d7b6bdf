/**
 * The trained reward model as the policy's `suggest` and the PPO loop use it (LearnedScorer):
 * plans -> per-beat actions -> model inputs -> scores in [-10, 10], long songs in windows.
 */
import type { EditPlan } from '../../shared/edit-plan';
import type { SongAnalysis } from '../analysis/analyze';
import type { LearnedScorer } from '../models/policy/suggest';
import type { RewardModel } from '../models/reward/model';
import { loadRewardModel } from './reward-checkpoint';
import { planRewardInputs } from './reward-data';
import type { ModelVersion } from '../store/models';

export class RewardScorer implements LearnedScorer {
  constructor(
    readonly model: RewardModel,
    readonly heldOutAccuracy: number | null,
    readonly versionName: string | null = null,
    readonly denseAccuracy: number | null = null,
  ) {}

  static fromVersion(v: ModelVersion): RewardScorer {
    const { model } = loadRewardModel(v.checkpoint);
    const num = (x: unknown) => (typeof x === 'number' ? x : null);
    return new RewardScorer(model, num(v.metrics.heldOutAccuracy), v.name, num(v.metrics.denseAccuracyOnSameData));
  }

  async score(analysis: SongAnalysis, plans: EditPlan[]): Promise<number[]> {
    if (!plans.length) return [];
    return Array.from(await this.model.score(plans.map(planRewardInputs(analysis))));
  }

  dispose(): void {
    this.model.dispose();
  }
}
