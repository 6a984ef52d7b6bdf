/**
 * Sub-beat endings: the one EditPlan extension the planner needs to hit a target duration exactly.
 *
 * Why: an EditPlan plays whole beat units, so its length is a sum of beat lengths (~0.5 s steps at
 * 120 BPM). Choosing among bar combinations, the intro and the tail gets within 50 ms only by luck.
 * So an edit may end *inside* its last unit: `fadeOut.trimSeconds = t` means "stop t seconds before the
 * end of the last output unit; the fade (the last `fadeOut.beats` units) ends there, at silence".
 * Constraints: a fade of at least one beat is present, 0 <= t < length of the last output unit.
 * Output length = planDurationSeconds(plan) - t.
 *
 * The shared schema (src/shared/edit-plan.ts) does not know the field yet: `validatePlan` strips it.
 * Until it does, use `validateTrimmedPlan`, `trimmedPlanSeconds` and `renderTrimmedPlan` from here.
 * Requested change: add `trimSeconds: z.number().min(0).optional()` to the `fadeOut` object, subtract
 * it in planDurationSeconds / planLengthSamples / planPieces, and end renderPlan's fade there.
 */
import { RecutError } from '../../../shared/errors';
import { planDurationSeconds, planPieces, unitStartSample, validatePlan, type EditPlan } from '../../../shared/edit-plan';
import { renderPlan, type RenderOptions } from '../../audio/render';
import { pcmLength, type PcmAudio } from '../../audio/pcm';

export interface TrimmedFade {
  beats: number;
  trimSeconds?: number;
}

/** The plan's sub-beat trim in seconds (0 when absent). */
export function planTrimSeconds(plan: EditPlan): number {
  const t = (plan.fadeOut as TrimmedFade | null)?.trimSeconds;
  return typeof t === 'number' && Number.isFinite(t) && t > 0 ? t : 0;
}

/** Output duration in seconds, trim included. */
export function trimmedPlanSeconds(plan: EditPlan, beats: readonly number[], duration: number): number {
  return planDurationSeconds(plan, beats, duration) - planTrimSeconds(plan);
}

/** The last output unit (source index) of a plan, or -1 for a plan with no units. */
export function lastOutputUnit(plan: EditPlan): number {
  for (let i = plan.segments.length - 1; i >= 0; i--) {
    const s = plan.segments[i];
    if (s.to > s.from) return s.to - 1;
  }
  return -1;
}

/** validatePlan plus the trim: keeps `fadeOut.trimSeconds` when it is valid, invalid_plan otherwise. */
export function validateTrimmedPlan(input: unknown, beats: readonly number[], duration: number): EditPlan {
  const plan = validatePlan(input, beats.length);
  const raw = (input as { fadeOut?: { trimSeconds?: unknown } } | null)?.fadeOut?.trimSeconds;
  if (raw === undefined || raw === 0) return plan;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
    throw new RecutError('invalid_plan', `fadeOut.trimSeconds must be a finite number >= 0, got ${String(raw)}`);
  }
  if (!plan.fadeOut || plan.fadeOut.beats < 1) throw new RecutError('invalid_plan', 'a trimmed ending needs a fade-out of at least one beat');
  const last = lastOutputUnit(plan);
  const t = (k: number) => (k >= beats.length ? duration : beats[k]);
  const lastLen = last < 0 ? 0 : t(last + 1) - t(last);
  if (raw >= lastLen) {
    throw new RecutError('invalid_plan', `fadeOut.trimSeconds (${raw}) must be shorter than the last unit (${lastLen.toFixed(3)} s)`);
  }
  return { ...plan, fadeOut: { beats: plan.fadeOut.beats, trimSeconds: raw } as TrimmedFade };
}

/**
 * Renders a plan that may carry a trim: renderPlan without its fade, cut to length, then the
 * equal-power fade over the last `fadeOut.beats` units ending at the new end. Without a trim this is
 * exactly renderPlan.
 */
export function renderTrimmedPlan(audio: PcmAudio, beats: number[], input: EditPlan, opts: RenderOptions = {}): PcmAudio {
  const duration = pcmLength(audio) / audio.sampleRate;
  const plan = validateTrimmedPlan(input, beats, duration);
  const trim = planTrimSeconds(plan);
  if (trim === 0) return renderPlan(audio, beats, plan, opts);
  const sr = audio.sampleRate;
  const full = renderPlan(audio, beats, { ...plan, fadeOut: null }, opts);
  const fullLen = pcmLength(full);
  const outLen = Math.max(0, fullLen - Math.round(trim * sr));
  const start = fadeStartSample(plan, beats, sr, pcmLength(audio), plan.fadeOut!.beats);
  const channels = full.channels.map((ch) => {
    const c = ch.slice(0, outLen);
    const n = outLen - start;
    for (let k = 0; k < n; k++) c[start + k] *= Math.cos(((k + 1) / n) * (Math.PI / 2));
    return c;
  });
  return { sampleRate: sr, channels };
}

function fadeStartSample(plan: EditPlan, beats: number[], sr: number, len: number, fadeBeats: number): number {
  const starts: number[] = [];
  const pieces = planPieces(plan, beats, sr, len);
  for (const p of pieces) {
    if (p.kind === 'intro') continue;
    const s = plan.segments[p.segment];
    for (let k = s.from; k < s.to; k++) starts.push(p.outStart + unitStartSample(beats, k, sr, len) - p.srcStart);
  }
  return starts.length ? starts[Math.max(0, starts.length - fadeBeats)] : 0;
}
