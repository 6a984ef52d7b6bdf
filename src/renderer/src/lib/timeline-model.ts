import type { EditPlan } from '../../../shared/edit-plan';

export type RegionKind = 'kept' | 'cut' | 'loop' | 'moved';

export interface Region {
  start: number;
  end: number;
  kind: RegionKind;
  /** Times the region plays (loops). */
  repeat: number;
}

export interface SourceJoin {
  /** Where the edit leaves the source and where it lands, in source seconds. */
  from: number;
  to: number;
  kind: 'cut' | 'loop';
}

const unitTime = (beats: number[], k: number, duration: number) => (k >= beats.length ? duration : beats[k]);

/**
 * How a plan reads on the source timeline: kept, cut, looped and moved (played out of order)
 * stretches, and the joins drawn between them. Pure, so it is unit-tested without a browser.
 */
export function planRegions(plan: EditPlan, beats: number[], duration: number): { regions: Region[]; joins: SourceJoin[] } {
  const covered: Region[] = [];
  if (plan.includeIntro && beats.length && beats[0] > 0) covered.push({ start: 0, end: beats[0], kind: 'kept', repeat: 1 });
  let furthest = plan.includeIntro && beats.length ? 0 : -1;
  const joins: SourceJoin[] = [];
  let prevEnd: number | null = plan.includeIntro && beats.length ? beats[0] : null;
  for (const s of plan.segments) {
    const start = unitTime(beats, s.from, duration);
    const end = unitTime(beats, s.to, duration);
    const moved = s.from < furthest;
    covered.push({ start, end, kind: s.repeat > 1 ? 'loop' : moved ? 'moved' : 'kept', repeat: s.repeat });
    if (prevEnd !== null && Math.abs(prevEnd - start) > 1e-6) joins.push({ from: prevEnd, to: start, kind: 'cut' });
    if (s.repeat > 1) joins.push({ from: end, to: start, kind: 'loop' });
    prevEnd = end;
    furthest = Math.max(furthest, s.to);
  }
  // Cut = what no segment plays.
  const spans = covered.map((r) => [r.start, r.end] as const).sort((a, b) => a[0] - b[0]);
  const cuts: Region[] = [];
  let t = 0;
  for (const [a, b] of spans) {
    if (a > t + 1e-6) cuts.push({ start: t, end: a, kind: 'cut', repeat: 0 });
    t = Math.max(t, b);
  }
  if (t < duration - 1e-6) cuts.push({ start: t, end: duration, kind: 'cut', repeat: 0 });
  return { regions: [...cuts, ...covered].sort((a, b) => a.start - b.start), joins };
}

/** Output time -> source time for a rendered plan, through its pieces (for the playhead). */
export function outputToSource(pieces: Array<{ srcStart: number; srcEnd: number; outStart: number }>, sampleRate: number, t: number): number | null {
  const s = t * sampleRate;
  for (const p of pieces) {
    const len = p.srcEnd - p.srcStart;
    if (s >= p.outStart && s < p.outStart + len) return (p.srcStart + (s - p.outStart)) / sampleRate;
  }
  return null;
}
