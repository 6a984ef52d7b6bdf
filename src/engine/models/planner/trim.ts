/**
 * Sub-beat endings, as the planner uses them. The EditPlan schema carries `fadeOut.trimSeconds` (see
 * src/shared/edit-plan.ts: stop that long before the end of the last unit, the fade ending there), and
 * planPieces / planDurationSeconds / renderPlan honour it. These helpers keep the planner's vocabulary
 * and add the check that needs the beat times (trim shorter than the last output unit).
 */
import { RecutError } from '../../../shared/errors';
import { planDurationSeconds, validatePlan, type EditPlan } from '../../../shared/edit-plan';
import { renderPlan, type RenderOptions } from '../../audio/render';
import type { PcmAudio } from '../../audio/pcm';

export type TrimmedFade = NonNullable<EditPlan['fadeOut']>;

/** The plan's sub-beat trim in seconds (0 when absent). */
export function planTrimSeconds(plan: EditPlan): number {
  return plan.fadeOut?.trimSeconds ?? 0;
}

/** Output duration in seconds, trim included. */
export function trimmedPlanSeconds(plan: EditPlan, beats: readonly number[], duration: number): number {
  return planDurationSeconds(plan, beats, duration);
}

/** The last output unit (source index) of a plan, or -1 for a plan with no units. */
export function lastOutputUnit(plan: EditPlan): number {
  for (let i = plan.segments.length - 1; i >= 0; i--) {
    const s = plan.segments[i];
    if (s.to > s.from) return s.to - 1;
  }
  return -1;
}

/** validatePlan plus the trim's bound: shorter than the last output unit. */
export function validateTrimmedPlan(input: unknown, beats: readonly number[], duration: number): EditPlan {
  const plan = validatePlan(input, beats.length);
  const trim = planTrimSeconds(plan);
  if (trim === 0) return plan;
  const last = lastOutputUnit(plan);
  const t = (k: number) => (k >= beats.length ? duration : beats[k]);
  const lastLen = last < 0 ? 0 : t(last + 1) - t(last);
  if (trim >= lastLen) throw new RecutError('invalid_plan', `fadeOut.trimSeconds (${trim}) must be shorter than the last unit (${lastLen.toFixed(3)} s)`);
  return plan;
}

/** renderPlan, after the trim check (kept for the planner's callers). */
export function renderTrimmedPlan(audio: PcmAudio, beats: number[], input: EditPlan, opts: RenderOptions = {}): PcmAudio {
  const plan = validateTrimmedPlan(input, beats, (audio.channels[0]?.length ?? 0) / audio.sampleRate);
  return renderPlan(audio, beats, plan, opts);
}
