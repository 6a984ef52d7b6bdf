import fs from 'node:fs';
import path from 'node:path';
import { RecutError } from '../../shared/errors';
import type { Command } from '../command';
import { withStore } from '../engine-session';

const meterLabel = (m: { beatsPerBar: number; subdivision: 2 | 3 }) => (m.subdivision === 3 ? `${m.beatsPerBar * 3}/8` : `${m.beatsPerBar}/4`);
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'Find beats, downbeats, tempo and meter, and compute the 121 per-beat features',
  usage: 'recut analyze FILE [--features] [--json]',
  options: { features: { type: 'boolean' } },
  positionals: [1, 1],
  run: (args, io) =>
    withStore(async ({ analyses }) => {
      const { analyzeFile } = await import('../../engine/analysis/analyze-file');
      const file = path.resolve(args.positionals[0]);
      if (!fs.existsSync(file)) throw new RecutError('not_found', `no such file: ${args.positionals[0]}`);
      const r = await analyzeFile(file, analyses);
      const a = r.analysis;
      const f = a.features;
      const features: Record<string, unknown> = { columns: f.columns, rows: f.rows };
      if (args.values.features) {
        const matrix: number[][] = [];
        for (let i = 0; i < f.rows; i++) matrix.push(Array.from(f.matrix.subarray(i * f.columns.length, (i + 1) * f.columns.length), (v) => round(v, 6)));
        features.matrix = matrix;
        features.rowOrder = 'row k < beats.length: [beat_k, beat_k+1) (the last one is the tail, to the end of the file); row beats.length: the intro [0, beat_0)';
      }
      io.print(
        `${path.basename(file)}: ${round(a.tempo, 1)} BPM, ${meterLabel(a.meter)}, ${a.beats.length} beats, ${a.downbeats.length} bars` +
          `, ${f.rows} feature rows${r.cached ? ' (cached)' : ''} in ${r.timings.totalSeconds.toFixed(2)} s`,
      );
      return {
        file,
        songId: r.info.contentHash,
        durationSeconds: round(a.durationSeconds),
        tempo: round(a.tempo, 2),
        // Microsecond precision: finer than a sample at any rate, so plans built from these render exactly.
        beats: a.beats.map((b) => round(b, 6)),
        downbeats: a.downbeats.map((b) => round(b, 6)),
        meter: { ...a.meter, label: meterLabel(a.meter) },
        tempoCurve: a.tempoCurve.map((p) => ({ time: round(p.time), bpm: round(p.bpm, 2) })),
        confidence: round(a.confidence),
        analyzerVersion: a.analyzerVersion,
        featureVersion: f.featureVersion,
        features,
        cached: r.cached,
        timings: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, round(v)])),
        peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      };
    }),
};
