/**
 * Beat position <-> time for piecewise tempo: constant steps and linear ramps (bpm linear in beats).
 *
 * Beat 0 is the first beat of the grid (the first pickup beat when there is an anacrusis) and sits at
 * `offsetSeconds`. A point with `ramp: true` is reached by a linear ramp from the previous point;
 * otherwise the tempo steps there. After the last point the tempo stays at its bpm.
 */
export interface TempoPoint {
  atBeat: number;
  bpm: number;
  /** Ramp linearly (in bpm per beat) from the previous point to this one instead of stepping here. */
  ramp?: boolean;
}

interface Segment {
  startBeat: number;
  startTime: number;
  bpm: number;
  /** bpm change per beat inside the segment (0 for constant tempo). */
  slope: number;
}

export class TempoMap {
  private readonly segments: Segment[];

  constructor(tempo: number | readonly TempoPoint[], offsetSeconds = 0) {
    const points = typeof tempo === 'number' ? [{ atBeat: 0, bpm: tempo }] : tempo;
    this.segments = [];
    let time = offsetSeconds;
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const next = points[i + 1] as TempoPoint | undefined;
      const slope = next?.ramp ? (next.bpm - p.bpm) / (next.atBeat - p.atBeat) : 0;
      const seg: Segment = { startBeat: p.atBeat, startTime: time, bpm: p.bpm, slope };
      this.segments.push(seg);
      if (next) time = segmentTime(seg, next.atBeat);
    }
  }

  /** Seconds at a (fractional) beat position. */
  timeAt(beat: number): number {
    return segmentTime(this.segmentAt(beat), beat);
  }

  /** Instantaneous tempo at a beat position. */
  bpmAt(beat: number): number {
    const s = this.segmentAt(beat);
    return s.bpm + s.slope * (beat - s.startBeat);
  }

  private segmentAt(beat: number): Segment {
    const segs = this.segments;
    let i = segs.length - 1;
    while (i > 0 && segs[i].startBeat > beat) i--;
    return segs[i];
  }
}

function segmentTime(s: Segment, beat: number): number {
  const db = beat - s.startBeat;
  if (s.slope === 0) return s.startTime + (60 * db) / s.bpm;
  // dt/db = 60 / (bpm + slope * db)  =>  t = 60/slope * ln(1 + slope * db / bpm)
  return s.startTime + (60 / s.slope) * Math.log1p((s.slope * db) / s.bpm);
}
