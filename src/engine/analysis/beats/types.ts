/** Result of beat, downbeat, tempo and meter tracking. All times in seconds from the start of the audio. */
export interface BeatAnalysis {
  beats: number[];
  /** Bar starts: a subset of `beats`. */
  downbeats: number[];
  /** Global tempo in BPM (from the median inter-beat interval); 0 when fewer than two beats were found. */
  tempo: number;
  /** Local tempo at each beat (from the surrounding inter-beat intervals). */
  tempoCurve: Array<{ time: number; bpm: number }>;
  meter: { beatsPerBar: number; subdivision: 2 | 3 };
  /** 0..1: how clearly the beats stand out from the onset envelope (0 for silence or no beats). */
  confidence: number;
}

export interface TrackBeatsOptions {
  /** Centre of the tempo prior (BPM). Default 110. */
  priorCentreBpm?: number;
  /** Force a meter (beats per bar) instead of inferring it. */
  beatsPerBar?: number;
}

export function emptyAnalysis(): BeatAnalysis {
  return { beats: [], downbeats: [], tempo: 0, tempoCurve: [], meter: { beatsPerBar: 4, subdivision: 2 }, confidence: 0 };
}
