/**
 * The preference exchange format (import and export), pure: JSON records validated with zod.
 *
 *   {"preferences": [
 *     {"song": PATH|songId, "a": EditPlan, "b": EditPlan, "choice": "a"|"b"|"tie", "strength": 1-3},
 *     {"song": PATH|songId, "plan": EditPlan, "verdict": "accept"|"reject", "strength": 1-3}
 *   ]}
 *
 * Optional on every record: targetSeconds, policyVersion, rewardVersion, seed, uid (dedupes
 * re-imports), createdAt. Records in the shape of the original system's feedback files
 * (song_id, candidate_a_id, candidate_b_id, preference, strength) name candidates but carry no edit,
 * so they are refused as a whole with a message that says so.
 */
import { z } from 'zod';
import { EditPlanSchema } from './edit-plan';
import { RecutError } from './errors';

/** What a verdict records besides the plans: strength and what produced the candidates (shared with the contract). */
export const preferenceProvenance = {
  strength: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  targetSeconds: z.number().positive().max(36_000).nullable().optional(),
  policyVersion: z.string().max(64).nullable().optional(),
  rewardVersion: z.string().max(64).nullable().optional(),
  seed: z.number().int().nullable().optional(),
};
const fileOnly = {
  uid: z.string().min(1).max(128).optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
};
const provenance = { ...preferenceProvenance, ...fileOnly };

const song = z.string().min(1).max(4096);

export const PairRecord = z.object({ song, a: EditPlanSchema, b: EditPlanSchema, choice: z.enum(['a', 'b', 'tie']), ...provenance }).strict();
export const SingleRecord = z.object({ song, plan: EditPlanSchema, verdict: z.enum(['accept', 'reject']), ...provenance }).strict();
export const PreferenceRecordSchema = z.union([PairRecord, SingleRecord]);
export type PreferenceFileRecord = z.infer<typeof PreferenceRecordSchema>;

export const PreferenceFile = z.object({ preferences: z.array(z.unknown()).max(1_000_000) }).passthrough();

const LEGACY_KEYS = ['candidate_a_id', 'candidate_b_id'];
export const MAX_IMPORT_RECORDS = 1_000_000;

export function isLegacyRecord(r: unknown): boolean {
  return typeof r === 'object' && r !== null && LEGACY_KEYS.some((k) => k in r) && !('a' in r) && !('plan' in r);
}

export const LEGACY_MESSAGE =
  "these records are in the original system's shape (song_id, candidate_a_id, candidate_b_id, preference, strength): " +
  'they name candidates by id but carry no edit, so there is nothing to learn from. Export the edit plans themselves ' +
  '("a"/"b" or "plan" per record); nothing was imported.';

/**
 * Validates every record of an import; any bad record refuses the whole file (nothing half-imported),
 * with the record's index and the first problem in the message.
 */
export function parsePreferenceRecords(records: unknown[]): PreferenceFileRecord[] {
  if (records.length > MAX_IMPORT_RECORDS) throw new RecutError('invalid_import', `too many records (${records.length}); the limit is ${MAX_IMPORT_RECORDS}`);
  if (records.some(isLegacyRecord)) throw new RecutError('invalid_import', LEGACY_MESSAGE);
  return records.map((r, i) => {
    const parsed = PreferenceRecordSchema.safeParse(r);
    if (!parsed.success) {
      const issue = pickIssue(r, parsed.error);
      throw new RecutError('invalid_import', `record ${i + 1}: ${issue}; nothing was imported`, { record: i + 1 });
    }
    return parsed.data;
  });
}

/** The most useful message: tell which shape the record seemed to aim for. */
function pickIssue(r: unknown, error: z.ZodError): string {
  const shape = typeof r === 'object' && r !== null ? ('plan' in r ? SingleRecord : 'a' in r || 'b' in r ? PairRecord : null) : null;
  if (shape === null) return 'a record needs "song" and either "a", "b", "choice" (a pair) or "plan", "verdict" (a single verdict)';
  const specific = shape.safeParse(r);
  const issues = specific.success ? error.issues : specific.error.issues;
  const i = issues[0];
  return `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`;
}
