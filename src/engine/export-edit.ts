import fs from 'node:fs';
import path from 'node:path';
import type { SongSummary } from '../shared/contract';
import { planJoins, type EditPlan } from '../shared/edit-plan';
import { writeFileAtomic } from './fs/atomic';
import type { SongAnalysis } from './analysis/analyze';
import { decodeAudioFile } from './audio/decode';
import { exportAudio, exportCueList } from './audio/export';
import { renderPlan } from './audio/render';
import { validateTrimmedPlan } from './models/planner/trim';

export interface ExportRequest {
  plan: EditPlan;
  format: 'wav' | 'flac';
  bitDepth: 16 | 24;
  cueFormat: 'json' | 'csv';
  path?: string;
}

/** A file name from the song's title: letters, digits, dashes; never a path. */
export function exportFileName(title: string, seconds: number, format: string): string {
  const base = title.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-').slice(0, 80) || 'recut-edit';
  return `${base}-${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s.${format}`;
}

/**
 * Renders the chosen edit at the song's native rate and channels, writes it (WAV or FLAC, written
 * atomically) and a cue list of its joins beside it for a picture editor.
 */
export async function exportEdit(song: SongSummary, analysis: SongAnalysis, req: ExportRequest, exportsDir: string) {
  const plan = validateTrimmedPlan(req.plan, analysis.beats, analysis.durationSeconds);
  const { audio } = await decodeAudioFile(song.path);
  const rendered = renderPlan(audio, analysis.beats, plan);
  const seconds = rendered.channels[0].length / rendered.sampleRate;
  fs.mkdirSync(exportsDir, { recursive: true });
  const target = req.path ? path.resolve(req.path) : path.join(exportsDir, exportFileName(song.title, seconds, req.format));
  const written = await exportAudio(rendered, target, { format: req.format, bitDepth: req.bitDepth });
  const joins = planJoins(plan, analysis.beats, audio.sampleRate, audio.channels[0].length);
  const cuePath = target.replace(/\.(wav|flac)$/i, '') + `.cues.${req.cueFormat}`;
  writeFileAtomic(cuePath, exportCueList(joins, req.cueFormat));
  return { path: written.path, fileName: path.basename(written.path), cuePath, durationSeconds: seconds, bytes: written.bytes, joins: joins.filter((j) => !j.contiguous).length };
}
