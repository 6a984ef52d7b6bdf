import { FEATURE_COLUMNS, featureSegments } from '../../shared/feature-columns';
import type { SongAnalysis } from '../analysis/analyze';
import type { Db } from './db';

interface AnalysisRow {
  content_hash: string;
  analyzer_version: string;
  feature_version: number;
  duration_s: number;
  sample_rate: number;
  channels: number;
  tempo: number;
  meter: string;
  beats: string;
  downbeats: string;
  tempo_curve: string;
  confidence: number;
  feature_rows: number;
  feature_cols: number;
  features: Buffer;
}

/** The analysis cache: one row per (content hash, analyser version). */
export class AnalysisStore {
  constructor(private readonly db: Db) {}

  get(contentHash: string, analyzerVersion: string): SongAnalysis | null {
    const r = this.db.prepare('SELECT * FROM analyses WHERE content_hash = ? AND analyzer_version = ?').get(contentHash, analyzerVersion) as AnalysisRow | undefined;
    if (!r || r.feature_cols !== FEATURE_COLUMNS.length) return null;
    // Copy into a fresh, aligned buffer: the SQLite blob's offset need not be 4-byte aligned.
    const matrix = new Float32Array(r.feature_rows * r.feature_cols);
    new Uint8Array(matrix.buffer).set(r.features);
    const beats = JSON.parse(r.beats) as number[];
    return {
      analyzerVersion: r.analyzer_version,
      durationSeconds: r.duration_s,
      sampleRate: r.sample_rate,
      channels: r.channels,
      tempo: r.tempo,
      meter: JSON.parse(r.meter),
      beats,
      downbeats: JSON.parse(r.downbeats),
      tempoCurve: JSON.parse(r.tempo_curve),
      confidence: r.confidence,
      features: {
        featureVersion: r.feature_version,
        columns: FEATURE_COLUMNS,
        rows: r.feature_rows,
        matrix,
        segments: featureSegments(beats, r.duration_s),
      },
    };
  }

  put(contentHash: string, a: SongAnalysis, now = new Date().toISOString()): void {
    const f = a.features;
    this.db
      .prepare(
        `INSERT OR REPLACE INTO analyses (content_hash, analyzer_version, feature_version, duration_s, sample_rate, channels, tempo,
           meter, beats, downbeats, tempo_curve, confidence, feature_rows, feature_cols, features, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        contentHash,
        a.analyzerVersion,
        f.featureVersion,
        a.durationSeconds,
        a.sampleRate,
        a.channels,
        a.tempo,
        JSON.stringify(a.meter),
        JSON.stringify(a.beats),
        JSON.stringify(a.downbeats),
        JSON.stringify(a.tempoCurve),
        a.confidence,
        f.rows,
        f.columns.length,
        Buffer.from(f.matrix.buffer, f.matrix.byteOffset, f.matrix.byteLength),
        now,
      );
  }
}
