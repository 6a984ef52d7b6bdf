import type { Candidate } from '../../../shared/contract';

export interface AuditionPoint {
  /** Which side the join belongs to (in display terms: the left/right slot). */
  side: 'A' | 'B';
  /** Output time of the join in that side's edit. */
  outSeconds: number;
  /** Where the edit leaves the source and where it lands. */
  fromSeconds: number;
  toSeconds: number;
}

const key = (j: { fromSeconds: number; toSeconds: number }) => `${j.fromSeconds.toFixed(3)}>${j.toSeconds.toFixed(3)}`;

/** Two candidates are the same edit when their plans are equal: such pairs are skipped in A/B. */
export function samePlan(a: Candidate, b: Candidate): boolean {
  return JSON.stringify(a.plan) === JSON.stringify(b.plan);
}

/**
 * The joins worth auditioning in an A/B pair: those one side has and the other does not (shared joins
 * sound the same in both), in source order, so `j`/`k` walk through the song.
 */
export function differingJoins(a: Candidate, b: Candidate): AuditionPoint[] {
  const inA = new Set(a.joins.map(key));
  const inB = new Set(b.joins.map(key));
  const points: AuditionPoint[] = [
    ...a.joins.filter((j) => !inB.has(key(j))).map((j) => ({ side: 'A' as const, outSeconds: j.outSeconds, fromSeconds: j.fromSeconds, toSeconds: j.toSeconds })),
    ...b.joins.filter((j) => !inA.has(key(j))).map((j) => ({ side: 'B' as const, outSeconds: j.outSeconds, fromSeconds: j.fromSeconds, toSeconds: j.toSeconds })),
  ];
  return points.sort((p, q) => p.fromSeconds - q.fromSeconds || p.outSeconds - q.outSeconds);
}

/** The looped window around a join: a few seconds before it, a few after, inside the edit. */
export function auditionWindow(outSeconds: number, editDuration: number, before = 3, after = 3): [number, number] {
  const start = Math.max(0, outSeconds - before);
  const end = Math.min(editDuration, outSeconds + after);
  return end - start < 0.5 ? [0, Math.min(editDuration, Math.max(0.5, editDuration))] : [start, end];
}

/** Which candidate sits on the left: randomised per pair so position never hints at rank. */
export function assignSides<T>(first: T, second: T, random: () => number = Math.random): { A: T; B: T; swapped: boolean } {
  const swapped = random() < 0.5;
  return swapped ? { A: second, B: first, swapped } : { A: first, B: second, swapped };
}

/** Parses "1:30", "90", "90s", "1m30s" into seconds; null when it is not a duration. */
export function parseTarget(text: string): number | null {
  const t = text.trim().toLowerCase();
  let m = /^(\d+):([0-5]?\d(?:\.\d+)?)$/.exec(t);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  m = /^(\d+(?:\.\d+)?)\s*s?$/.exec(t);
  if (m) return Number(m[1]);
  m = /^(\d+)\s*m(?:in)?\s*(?:(\d+(?:\.\d+)?)\s*s)?$/.exec(t);
  if (m) return Number(m[1]) * 60 + Number(m[2] ?? 0);
  return null;
}
