import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { RecutError } from '../../shared/errors';
import { LEGACY_MESSAGE, parsePreferenceRecords, type PreferenceFileRecord } from '../../shared/preference-file';
import type { PreferenceRecord } from '../store/preferences';

const MAX_FILE_BYTES = 256 << 20;
const CSV_COLUMNS = ['song', 'a', 'b', 'choice', 'plan', 'verdict', 'strength', 'targetSeconds', 'policyVersion', 'rewardVersion', 'seed', 'uid', 'createdAt'] as const;
const JSON_CELLS = new Set(['a', 'b', 'plan']);
const NUMBER_CELLS = new Set(['strength', 'targetSeconds', 'seed']);

/** Reads a JSON or CSV preference file into validated records; any problem refuses the whole file. */
export function readPreferenceFile(file: string): PreferenceFileRecord[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new RecutError('not_found', `no such file: ${file}`);
  }
  if (!st.isFile()) throw new RecutError('invalid_import', `${file} is not a file`);
  if (st.size > MAX_FILE_BYTES) throw new RecutError('invalid_import', `${file} is ${Math.round(st.size / 2 ** 20)} MB; the import limit is 256 MB`);
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  const records = first === '{' || first === '[' ? jsonRecords(text, file) : csvRecords(text, file);
  return parsePreferenceRecords(records);
}

function jsonRecords(text: string, file: string): unknown[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RecutError('invalid_import', `${path.basename(file)} is not valid JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(data)) return data;
  if (typeof data === 'object' && data !== null && Array.isArray((data as { preferences?: unknown }).preferences)) return (data as { preferences: unknown[] }).preferences;
  throw new RecutError('invalid_import', `${path.basename(file)}: expected {"preferences": [...]} or an array of records`);
}

function csvRecords(text: string, file: string): unknown[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, max_record_size: 16 << 20 });
  } catch (e) {
    throw new RecutError('invalid_import', `${path.basename(file)} is not valid CSV: ${(e as Error).message}`);
  }
  if (rows.length && 'candidate_a_id' in rows[0] && !('a' in rows[0]) && !('plan' in rows[0])) throw new RecutError('invalid_import', LEGACY_MESSAGE);
  return rows.map((row, i) => {
    const rec: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) {
      if (v === '' || v === undefined) continue;
      if (JSON_CELLS.has(k)) {
        try {
          rec[k] = JSON.parse(v);
        } catch {
          throw new RecutError('invalid_import', `record ${i + 1}: column "${k}" must hold an EditPlan as JSON; nothing was imported`, { record: i + 1 });
        }
      } else if (NUMBER_CELLS.has(k)) {
        rec[k] = Number(v);
      } else {
        rec[k] = v;
      }
    }
    return rec;
  });
}

/** A stored verdict as an exchange record; `song` is the song's id (portable across machines with the same audio). */
export function toFileRecord(p: PreferenceRecord): PreferenceFileRecord {
  const common = {
    song: p.songId,
    strength: p.strength,
    targetSeconds: p.targetSeconds,
    policyVersion: p.policyVersion,
    rewardVersion: p.rewardVersion,
    seed: p.seed,
    uid: p.uid,
    createdAt: p.createdAt,
  };
  return p.kind === 'pair' ? { ...common, a: p.planA, b: p.planB!, choice: p.choice! } : { ...common, plan: p.planA, verdict: p.verdict! };
}

export function formatPreferences(records: PreferenceRecord[], format: 'json' | 'csv'): string {
  const out = records.map(toFileRecord);
  if (format === 'json') return JSON.stringify({ preferences: out }, null, 2) + '\n';
  return stringifyCsv(
    out.map((r) => Object.fromEntries(CSV_COLUMNS.map((c) => [c, cell((r as Record<string, unknown>)[c])]))),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

const cell = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
