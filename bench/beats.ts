/**
 * Beat / downbeat tracking benchmark on the synthesiser's beat test set (exact ground truth).
 * Tracks every piece with Recut's tracker and, as the reference, essentia.js BeatTrackerDegara alone,
 * and reports mir_eval-style scores (F +-70 ms, CMLt, AMLt; first 5 s ignored) and speed as seconds of
 * processing per minute of audio (synthesis time excluded).
 */
import { beatTestSet, synthesize } from '../src/engine/audio/synth/index';
import { pcmDuration } from '../src/engine/audio/pcm';
import { essentiaDegaraBeats } from '../src/engine/analysis/beats/essentiaDegara';
import { trackBeats } from '../src/engine/analysis/beats/trackBeats';
import { evaluateBeats, evaluateDownbeats } from '../src/engine/analysis/eval/beatMetrics';

export interface PieceResult {
  name: string;
  F: number;
  CMLt: number;
  AMLt: number;
  downbeatF: number;
  tempo: number;
  meter: string;
  trueMeter: string;
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
const round = (x: number) => Math.round(x * 1000) / 1000;

export async function run(): Promise<Record<string, unknown>> {
  const perPiece: PieceResult[] = [];
  const degara: Array<{ F: number; CMLt: number; AMLt: number }> = [];
  let audioSeconds = 0, oursSeconds = 0, degaraSeconds = 0;
  for (const spec of beatTestSet()) {
    const track = synthesize(spec);
    audioSeconds += pcmDuration(track.audio);
    let t0 = performance.now();
    const a = trackBeats(track.audio);
    oursSeconds += (performance.now() - t0) / 1000;
    const s = evaluateBeats(track.beats, a.beats);
    perPiece.push({
      name: spec.name,
      F: round(s.F),
      CMLt: round(s.CMLt),
      AMLt: round(s.AMLt),
      downbeatF: round(evaluateDownbeats(track.downbeats, a.downbeats)),
      tempo: Math.round(a.tempo * 10) / 10,
      meter: `${a.meter.beatsPerBar}/${a.meter.subdivision}`,
      trueMeter: `${spec.meter.beatsPerBar}/${spec.meter.subdivision}`,
    });
    t0 = performance.now();
    const d = essentiaDegaraBeats(track.audio);
    degaraSeconds += (performance.now() - t0) / 1000;
    const e = evaluateBeats(track.beats, d);
    degara.push({ F: e.F, CMLt: e.CMLt, AMLt: e.AMLt });
  }
  const minutes = audioSeconds / 60;
  return {
    pieces: perPiece.length,
    audioMinutes: round(minutes),
    beatF: round(mean(perPiece.map((p) => p.F))),
    beatCMLt: round(mean(perPiece.map((p) => p.CMLt))),
    beatAMLt: round(mean(perPiece.map((p) => p.AMLt))),
    downbeatF: round(mean(perPiece.map((p) => p.downbeatF))),
    meterAccuracy: round(mean(perPiece.map((p) => (p.meter === p.trueMeter ? 1 : 0)))),
    beatsSecondsPerAudioMinute: round(oursSeconds / minutes),
    essentiaDegara: {
      F: round(mean(degara.map((d) => d.F))),
      CMLt: round(mean(degara.map((d) => d.CMLt))),
      AMLt: round(mean(degara.map((d) => d.AMLt))),
      secondsPerAudioMinute: round(degaraSeconds / minutes),
    },
    perPiece,
  };
}

// `npx tsx bench/beats.ts` prints the result on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
