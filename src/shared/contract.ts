/**
 * The one typed contract between the UI and the engine.
 *
 * Every call and every event that crosses a process boundary is named here with a zod schema.
 * Two transports carry it (Electron IPC through the preload, and the `recut serve` WebSocket); the
 * engine host validates every request with these schemas, whichever transport it came from, and the
 * renderer only ever sees the `RecutApi` interface below.
 */
import { z } from 'zod';
import { ERROR_KINDS } from './errors';
import { EditPlanSchema } from './edit-plan';
import { SettingsPatch, SettingsSchema } from './settings';
import { preferenceProvenance as provenance } from './preference-file';

const id = z.string().min(1).max(128);
const songId = z.string().regex(/^[0-9a-f]{64}$/, 'a song id is a 64-digit hex content hash');

export const SongSummary = z.object({
  id: songId,
  title: z.string(),
  artist: z.string().nullable(),
  path: z.string(),
  format: z.string(),
  sampleRate: z.number().int().positive(),
  channels: z.number().int().positive(),
  durationSeconds: z.number().nonnegative(),
  tempo: z.number().positive().nullable(),
  isDemo: z.boolean(),
  addedAt: z.string(),
  openedAt: z.string().nullable(),
});
export type SongSummary = z.infer<typeof SongSummary>;

export const JobState = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export const JobInfo = z.object({
  id,
  kind: z.string(),
  title: z.string(),
  state: JobState,
  progress: z.number().min(0).max(1),
  message: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** The song the job works on (analysis), so the library can show its progress. */
  songId: z.string().nullable(),
});
export type JobInfo = z.infer<typeof JobInfo>;

export const EngineStatus = z.object({
  state: z.enum(['starting', 'ready', 'restarting', 'failed']),
  restarts: z.number().int().nonnegative(),
  pid: z.number().int().nullable(),
  message: z.string(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const AppInfo = z.object({
  name: z.literal('Recut'),
  version: z.string(),
  home: z.string(),
  schemaVersion: z.number().int(),
  transport: z.enum(['ipc', 'websocket', 'direct']),
  engine: EngineStatus,
  /** The compute backend models run on, once chosen (at engine start, from the settings). */
  backend: z.lazy(() => BackendInUse).nullable(),
});
export const BackendInUse = z.object({ name: z.string(), device: z.string(), preference: z.string() });
export type AppInfo = z.infer<typeof AppInfo>;

export const AnalysisSummary = z.object({
  songId,
  analyzerVersion: z.string(),
  featureVersion: z.number().int(),
  durationSeconds: z.number().nonnegative(),
  tempo: z.number().nonnegative(),
  meter: z.object({ beatsPerBar: z.number().int().positive(), subdivision: z.union([z.literal(2), z.literal(3)]) }),
  beats: z.array(z.number()),
  downbeats: z.array(z.number()),
  confidence: z.number(),
  featureRows: z.number().int().nonnegative(),
  cached: z.boolean(),
});
export type AnalysisSummary = z.infer<typeof AnalysisSummary>;

export const NewPreferenceInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pair'), songId, a: EditPlanSchema, b: EditPlanSchema, choice: z.enum(['a', 'b', 'tie']), ...provenance }).strict(),
  z.object({ kind: z.literal('single'), songId, plan: EditPlanSchema, verdict: z.enum(['accept', 'reject']), ...provenance }).strict(),
]);

export const SavedPreference = z.object({
  id: z.number().int().positive(),
  uid: z.string(),
  songId,
  kind: z.enum(['pair', 'single']),
  choice: z.enum(['a', 'b', 'tie']).nullable(),
  verdict: z.enum(['accept', 'reject']).nullable(),
  strength: z.number().int(),
  createdAt: z.string(),
  deletedAt: z.string().nullable(),
});
export type SavedPreference = z.infer<typeof SavedPreference>;

const unit = z.number().min(0).max(1);
const filePath = z.string().min(1).max(4096);

export const RewardBreakdown = z.object({
  /** The reward model's raw score in [-10, 10], or null while no trusted model exists. */
  learned: z.number().nullable(),
  dense: unit,
  combined: unit,
  mode: z.enum(['combined', 'dense-only']),
  reason: z.string(),
  terms: z.record(z.string(), z.object({ value: unit, weight: z.number() })),
});
export type RewardBreakdown = z.infer<typeof RewardBreakdown>;

export const JoinExplanation = z.object({
  outSeconds: z.number(),
  fromSeconds: z.number(),
  toSeconds: z.number(),
  kind: z.enum(['cut', 'loop']),
  quality: unit,
  scores: z.record(z.string(), z.number()),
});
export type JoinExplanation = z.infer<typeof JoinExplanation>;

export const Candidate = z.object({
  id: z.string(),
  plan: EditPlanSchema,
  durationSeconds: z.number(),
  actions: z.array(z.number().int().min(0).max(9)),
  reward: RewardBreakdown,
  joins: z.array(JoinExplanation),
});
export type Candidate = z.infer<typeof Candidate>;

export const Suggestions = z.object({
  songId,
  targetSeconds: z.number(),
  seed: z.number().int(),
  policyVersion: z.string(),
  rewardVersion: z.string().nullable(),
  candidates: z.array(Candidate),
});
export type Suggestions = z.infer<typeof Suggestions>;

const modelKind = z.enum(['reward', 'policy']);
export const ModelVersionInfo = z.object({
  id: z.number().int(),
  kind: modelKind,
  version: z.number().int(),
  name: z.string(),
  parentId: z.number().int().nullable(),
  algorithm: z.string(),
  backend: z.string(),
  metrics: z.record(z.string(), z.unknown()),
  dataRange: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  active: z.boolean(),
});
export type ModelVersionInfo = z.infer<typeof ModelVersionInfo>;

export const MetricsPoint = z.object({ step: z.number().int(), metrics: z.record(z.string(), z.number()) });

const empty = z.object({}).strict();

/** Method name -> input and output schemas. Inputs are strict: unknown keys are refused. */
export const methods = {
  getAppInfo: { input: empty, output: AppInfo },
  listSongs: {
    input: z.object({ query: z.string().max(200).optional() }).strict(),
    output: z.object({ songs: z.array(SongSummary) }),
  },
  getSong: { input: z.object({ songId }).strict(), output: SongSummary },
  openSong: { input: z.object({ songId }).strict(), output: SongSummary },
  importFiles: {
    input: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
    output: z.object({
      songs: z.array(SongSummary),
      errors: z.array(z.object({ path: z.string(), kind: z.enum(ERROR_KINDS), message: z.string() })),
    }),
  },
  ensureDemoSong: { input: empty, output: SongSummary },
  removeSong: { input: z.object({ songId }).strict(), output: z.object({ removed: z.boolean() }) },
  getPeaks: {
    input: z.object({ songId, buckets: z.number().int().min(16).max(20_000) }).strict(),
    output: z.object({ durationSeconds: z.number(), min: z.array(z.number()), max: z.array(z.number()) }),
  },
  analyzeSong: { input: z.object({ songId }).strict(), output: AnalysisSummary },
  suggest: {
    input: z
      .object({
        songId,
        targetSeconds: z.number().min(1).max(3600),
        count: z.number().int().min(1).max(12).default(4),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
        temperature: z.number().min(0.05).max(5).optional(),
      })
      .strict(),
    output: Suggestions,
  },
  scorePlan: {
    input: z.object({ songId, plan: EditPlanSchema, targetSeconds: z.number().min(1).max(3600).nullable().optional() }).strict(),
    output: z.object({ reward: RewardBreakdown, joins: z.array(JoinExplanation), durationSeconds: z.number() }),
  },
  exportEdit: {
    input: z
      .object({
        songId,
        plan: EditPlanSchema,
        format: z.enum(['wav', 'flac']).default('wav'),
        bitDepth: z.union([z.literal(16), z.literal(24)]).default(24),
        cueFormat: z.enum(['json', 'csv']).default('csv'),
        /** Output path; default: the exports folder in the data folder, named after the song and length. */
        path: filePath.optional(),
      })
      .strict(),
    output: z.object({ path: z.string(), fileName: z.string(), cuePath: z.string(), durationSeconds: z.number(), bytes: z.number().int(), joins: z.number().int() }),
  },
  addPreference: { input: NewPreferenceInput, output: SavedPreference },
  undoPreference: { input: z.object({ id: z.number().int().positive() }).strict(), output: z.object({ undone: z.boolean() }) },
  listPreferences: {
    input: z.object({ songId: songId.optional() }).strict(),
    output: z.object({ preferences: z.array(SavedPreference), total: z.number().int() }),
  },
  importPreferences: {
    input: z.object({ path: filePath }).strict(),
    output: z.object({ imported: z.number().int(), duplicates: z.number().int(), songs: z.array(songId) }),
  },
  exportPreferences: {
    input: z.object({ path: filePath, format: z.enum(['json', 'csv']) }).strict(),
    output: z.object({ path: z.string(), exported: z.number().int() }),
  },
  getSettings: { input: empty, output: SettingsSchema },
  updateSettings: { input: SettingsPatch.strict(), output: SettingsSchema },
  listModels: { input: empty, output: z.object({ models: z.array(ModelVersionInfo) }) },
  activateModel: { input: z.object({ kind: modelKind, version: z.string().min(1).max(32) }).strict(), output: ModelVersionInfo },
  rollbackModel: { input: z.object({ kind: modelKind }).strict(), output: ModelVersionInfo },
  startTraining: { input: z.object({ kind: modelKind }).strict(), output: z.object({ started: z.boolean() }) },
  getTrainingMetrics: { input: z.object({ jobId: id }).strict(), output: z.object({ points: z.array(MetricsPoint) }) },
  listJobs: { input: empty, output: z.object({ jobs: z.array(JobInfo) }) },
  cancelJob: { input: z.object({ jobId: id }).strict(), output: z.object({ cancelled: z.boolean() }) },
} as const;

export type MethodName = keyof typeof methods;
export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<(typeof methods)[M]['output']>;

/** Events the engine pushes to every connected UI. */
export const events = {
  engineStatus: EngineStatus,
  jobUpdate: JobInfo,
  libraryChanged: z.object({ reason: z.enum(['imported', 'removed', 'updated']), songIds: z.array(songId) }),
  preferencesChanged: z.object({ total: z.number().int().nonnegative() }),
  trainingMetrics: z.object({ jobId: id, kind: modelKind, point: MetricsPoint }),
  modelsChanged: z.object({ kind: modelKind }),
  backendChosen: BackendInUse,
} as const;

export type EventName = keyof typeof events;
export const EVENT_NAMES = Object.keys(events) as EventName[];
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What the renderer talks to; it does not know which transport is behind it. */
export type RecutApi = {
  [M in MethodName]: (input: MethodInput<M>) => Promise<MethodOutput<M>>;
} & {
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
};

export function isMethodName(x: unknown): x is MethodName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(methods, x);
}

export function isEventName(x: unknown): x is EventName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(events, x);
}
