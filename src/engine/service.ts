import fs from 'node:fs';
import type { z } from 'zod';
import {
  methods,
  type EventName,
  type EventPayload,
  type MethodName,
  type AnalysisSummary,
  type MethodOutput,
  type SongSummary,
} from '../shared/contract';
import { RecutError } from '../shared/errors';
import { parseCall, parseResult } from '../shared/wire';
import { ANALYZER_VERSION, type SongAnalysis } from './analysis/analyze';
import { analyzeFile } from './analysis/analyze-file';
import { scoreForSong, suggestForSong, type ActiveModels } from './suggest-service';
import { exportEdit } from './export-edit';
import { decodeAudioFile } from './audio/decode';
import { computePeaks, type Peaks } from './audio/peaks';
import { JobRunner } from './jobs/runner';
import { createDemoSong, findDemoSong } from './library/demo';
import { importFiles } from './library/import';
import { ensureHome, type HomeLayout } from './paths';
import { openDatabase, schemaVersion, type Db } from './store/db';
import { PreferenceService } from './prefs/preference-service';
import { AnalysisStore } from './store/analyses';
import { PreferenceStore } from './store/preferences';
import { ModelStore, type ModelVersion } from './store/models';
import { SettingsStore } from './store/settings';
import { JobStore } from './store/jobs';
import { SongStore } from './store/songs';
import { APP_VERSION } from './version';
import { removeStaleTemps } from './fs/atomic';
import { startAutoRetrain, type AutoRetrain } from './learning/auto-retrain';
import { RewardScorer } from './learning/reward-scorer';
import { PolicyModel } from './models/policy/model';
import { loadPolicy } from './models/policy/weights';

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

type Handlers = {
  [M in MethodName]: (input: z.output<(typeof methods)[M]['input']>) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

/**
 * The engine: every contract method, over the store, the audio code and the job runner. It knows
 * nothing of Electron or of the transport that brought a call; `call` validates input and output
 * against the contract, so every transport gets the same checks.
 */
export class Engine {
  readonly layout: HomeLayout;
  readonly db: Db;
  readonly songs: SongStore;
  readonly analyses: AnalysisStore;
  readonly prefs: PreferenceService;
  readonly models: ModelStore;
  readonly settings: SettingsStore;
  private readonly analysisJobs = new Map<string, Promise<AnalysisSummary>>();
  readonly jobs: JobRunner;
  private readonly jobStore: JobStore;
  private demoJob: Promise<SongSummary> | null = null;
  private readonly peakCache = new Map<string, Peaks>();
  private backend: { name: string; device: string; preference: string } | null = null;
  private autoRetrain: AutoRetrain | null = null;
  private loaded: { policy?: { id: number; model: PolicyModel }; reward?: { id: number; scorer: RewardScorer } } = {};

  constructor(home: string, private readonly emit: Emit) {
    this.layout = ensureHome(home);
    this.db = openDatabase(this.layout.database);
    this.songs = new SongStore(this.db);
    this.analyses = new AnalysisStore(this.db);
    this.models = new ModelStore(this.db);
    this.settings = new SettingsStore(this.db);
    this.prefs = new PreferenceService({
      prefs: new PreferenceStore(this.db),
      songs: this.songs,
      beatCount: async (songId) => (await this.analyze(songId)).beats.length,
      importSong: async (file) => {
        const r = await importFiles([file], this.songs);
        if (r.errors.length) throw RecutError.fromPayload({ kind: r.errors[0].kind, message: r.errors[0].message });
        this.emit('libraryChanged', { reason: 'imported', songIds: [r.songs[0].id] });
        return r.songs[0];
      },
      onChanged: (added) => {
        this.emit('preferencesChanged', { total: this.prefs.total() });
        if (added > 0) this.autoRetrain?.notify();
      },
    });
    this.jobStore = new JobStore(this.db);
    this.jobs = new JobRunner(this.jobStore, (job) => this.emit('jobUpdate', job));
  }

  /**
   * Called by the engine process (not by one-shot CLI commands, which may run beside it): marks jobs
   * a dead engine left running as interrupted, and starts the work a fresh engine owes the user.
   */
  start(): void {
    this.jobStore.failInterrupted();
    // Writes a killed engine left half-done (checkpoints, exports): their temp files go.
    for (const dir of [this.layout.models, this.layout.exports, this.layout.demo]) {
      removeStaleTemps(dir);
      for (const sub of fs.readdirSync(dir, { withFileTypes: true })) if (sub.isDirectory()) removeStaleTemps(`${dir}/${sub.name}`);
    }
    void this.chooseBackend().then(() => {
      // Always started (it also resumes a run a dead engine left); 0 verdicts = retrain only on request.
      // The settings are read at each decision, so changing them applies to the next job.
      this.autoRetrain = startAutoRetrain(this, () => {
        const s = this.settings.get();
        return { everyVerdicts: s.autoRetrainAfter, backend: s.backend, autoFineTune: s.autoFineTune };
      });
    });
    if (this.songs.count() === 0) void this.ensureDemo().catch(() => undefined);
  }

  async call(method: unknown, params: unknown): Promise<unknown> {
    const call = parseCall(method, params);
    const handler = this.handlers[call.method] as (input: unknown) => unknown;
    const value = await handler(call.params);
    return parseResult(call.method, value);
  }

  close(): void {
    this.autoRetrain?.stop();
    this.db.close();
  }

  private song(songId: string): SongSummary {
    const song = this.songs.get(songId);
    if (!song) throw new RecutError('not_found', `no song ${songId} in the library`);
    return song;
  }

  /** Analyses a song once (cached by content hash); concurrent requests share one job. */
  analyze(songId: string): Promise<AnalysisSummary> {
    const song = this.song(songId);
    const cached = this.analyses.get(songId, ANALYZER_VERSION);
    if (cached) return Promise.resolve(summarise(songId, cached, true));
    const running = this.analysisJobs.get(songId);
    if (running) return running;
    const { done } = this.jobs.start(
      'analysis',
      `Analysing ${song.title}`,
      async (ctx) => {
        ctx.progress(0.05, 'decoding');
        const r = await analyzeFile(song.path, this.analyses, { inWorker: true, signal: ctx.signal });
        ctx.throwIfCancelled();
        if (r.info.contentHash !== songId) throw new RecutError('not_found', `the file of "${song.title}" has changed since it was imported: re-import it`);
        this.songs.setTempo(songId, r.analysis.tempo);
        this.emit('libraryChanged', { reason: 'updated', songIds: [songId] });
        return summarise(songId, r.analysis, r.cached);
      },
      { lane: 'analysis', songId },
    );
    this.analysisJobs.set(songId, done);
    done.catch(() => undefined).finally(() => this.analysisJobs.delete(songId));
    return done;
  }

  /** Makes the user's backend choice (settings, 'auto' by default) tfjs's backend; falls back to auto. */
  async chooseBackend(): Promise<void> {
    const { selectBackend } = await import('./models/backends');
    const preference = this.settings.get().backend;
    try {
      this.backend = { ...(await selectBackend(preference)), preference };
    } catch (e) {
      console.error(`[engine] backend ${preference} unavailable (${(e as Error).message}); using auto`);
      this.backend = { ...(await selectBackend('auto')), preference };
    }
    this.emit('backendChosen', this.backend);
  }

  /** The full analysis (features included) of a library song, analysing it first if needed. */
  async songAnalysis(songId: string): Promise<SongAnalysis> {
    await this.analyze(songId);
    const a = this.analyses.get(songId, ANALYZER_VERSION);
    if (!a) throw new RecutError('internal', `the analysis of ${songId} vanished from the cache`);
    return a;
  }

  /**
   * The policy and reward model suggestions use: the active versions (loaded once each), or the
   * bootstrap policy and the dense reward alone until trained ones exist. A version whose checkpoint
   * no longer loads (deleted, corrupt) is skipped with a logged reason rather than failing suggestions.
   */
  activeModels(): ActiveModels {
    const load = <T>(what: string, f: () => T): T | null => {
      try {
        return f();
      } catch (e) {
        console.error(`[engine] the active ${what} does not load (${(e as Error).message}); falling back`);
        return null;
      }
    };
    const pv = this.models.active('policy');
    const rv = this.models.active('reward');
    if (pv && this.loaded.policy?.id !== pv.id) {
      const model = load(pv.name, () => new PolicyModel(loadPolicy(pv.checkpoint).weights));
      this.loaded.policy = model ? { id: pv.id, model } : undefined;
    }
    if (rv && this.loaded.reward?.id !== rv.id) {
      this.loaded.reward?.scorer.dispose();
      const scorer = load(rv.name, () => RewardScorer.fromVersion(rv));
      this.loaded.reward = scorer ? { id: rv.id, scorer } : undefined;
    }
    const policy = pv && this.loaded.policy?.id === pv.id ? this.loaded.policy : undefined;
    const reward = rv && this.loaded.reward?.id === rv.id ? this.loaded.reward : undefined;
    const { learnedWeight, denseWeight } = this.settings.get();
    return {
      policy: policy?.model,
      policyVersion: policy ? pv!.name : 'bootstrap',
      reward: reward?.scorer,
      rewardVersion: reward ? rv!.name : null,
      weights: { learnedWeight, denseWeight },
    };
  }

  /** Live training curves for the dashboard. */
  emitTrainingMetrics(jobId: string, kind: 'reward' | 'policy', step: number, metrics: Record<string, number>): void {
    this.emit('trainingMetrics', { jobId, kind, point: { step, metrics } });
  }

  modelsChanged(kind: 'reward' | 'policy'): void {
    this.emit('modelsChanged', { kind });
  }

  /** Training reads analyses from the cache: make sure every song with verdicts has one. */
  async analyzeSongsWithVerdicts(): Promise<void> {
    for (const songId of new Set(this.prefs.songIds())) if (this.songs.get(songId)) await this.analyze(songId);
  }

  private ensureDemo(): Promise<SongSummary> {
    const existing = findDemoSong(this.songs);
    if (existing) return Promise.resolve(existing);
    if (!this.demoJob) {
      const { done } = this.jobs.start('demo', 'Preparing the demo song', (ctx) => createDemoSong(this.layout.demo, this.songs, ctx));
      this.demoJob = done.then((song) => {
        this.emit('libraryChanged', { reason: 'imported', songIds: [song.id] });
        void this.analyze(song.id).catch(() => undefined);
        return song;
      });
      this.demoJob.catch(() => undefined).finally(() => (this.demoJob = null));
    }
    return this.demoJob;
  }

  private readonly handlers: Handlers = {
    getAppInfo: () => ({
      name: 'Recut' as const,
      version: APP_VERSION,
      home: this.layout.root,
      schemaVersion: schemaVersion(this.db),
      transport: 'direct' as const,
      engine: { state: 'ready' as const, restarts: 0, pid: process.pid, message: 'engine ready' },
      backend: this.backend,
    }),
    listSongs: ({ query }) => ({ songs: this.songs.list(query) }),
    getSong: ({ songId }) => this.song(songId),
    openSong: ({ songId }) => {
      this.song(songId);
      this.songs.markOpened(songId);
      return this.song(songId);
    },
    importFiles: async ({ paths }) => {
      const { done } = this.jobs.start('import', `Importing ${paths.length} item(s)`, (ctx) =>
        importFiles(paths, this.songs, (n, total) => ctx.progress(n / Math.max(1, total), `${n} of ${total}`)),
      );
      const result = await done;
      if (result.songs.length) this.emit('libraryChanged', { reason: 'imported', songIds: result.songs.map((s) => s.id) });
      // Analyse in the background, one song at a time, so suggestions are ready when the user asks.
      for (const s of result.songs) void this.analyze(s.id).catch(() => undefined);
      return result;
    },
    ensureDemoSong: () => this.ensureDemo(),
    removeSong: ({ songId }) => {
      const removed = this.songs.remove(songId);
      this.peakCache.delete(songId);
      if (removed) this.emit('libraryChanged', { reason: 'removed', songIds: [songId] });
      return { removed };
    },
    getPeaks: async ({ songId, buckets }) => {
      const song = this.song(songId);
      const key = `${songId}:${buckets}`;
      let peaks = this.peakCache.get(key);
      if (!peaks) {
        if (!fs.existsSync(song.path)) throw new RecutError('not_found', `the file of "${song.title}" is gone: ${song.path}`);
        const { audio } = await decodeAudioFile(song.path);
        peaks = computePeaks(audio, buckets);
        this.peakCache.set(key, peaks);
      }
      return peaks;
    },
    analyzeSong: ({ songId }) => this.analyze(songId),
    suggest: async ({ songId, targetSeconds, count, seed, temperature }) =>
      suggestForSong(songId, await this.songAnalysis(songId), this.activeModels(), { targetSeconds, count, seed, temperature }),
    scorePlan: async ({ songId, plan, targetSeconds }) => scoreForSong(await this.songAnalysis(songId), plan, targetSeconds ?? null, this.activeModels()),
    exportEdit: async ({ songId, ...req }) => exportEdit(this.song(songId), await this.songAnalysis(songId), req, this.layout.exports),
    addPreference: (input) => this.prefs.add(input),
    undoPreference: ({ id }) => ({ undone: this.prefs.undo(id) }),
    listPreferences: ({ songId }) => this.prefs.list(songId),
    importPreferences: ({ path }) => this.prefs.importFile(path),
    exportPreferences: ({ path, format }) => this.prefs.exportFile(path, format),
    getSettings: () => this.settings.get(),
    updateSettings: async (patch) => {
      const next = this.settings.update(patch);
      if (patch.backend !== undefined && patch.backend !== this.backend?.preference) await this.chooseBackend();
      // A lower threshold may already be reached.
      if (patch.autoRetrainAfter !== undefined) this.autoRetrain?.notify();
      return next;
    },
    listModels: () => ({ models: this.models.list().map(modelInfo) }),
    activateModel: ({ kind, version }) => {
      const v = this.models.find(kind, version);
      if (!v) throw new RecutError('not_found', `no ${kind} model ${version}`);
      const active = modelInfo(this.models.activate(kind, v.id, 'activated by the user'));
      this.emit('modelsChanged', { kind });
      return active;
    },
    rollbackModel: ({ kind }) => {
      const active = modelInfo(this.models.rollback(kind));
      this.emit('modelsChanged', { kind });
      return active;
    },
    getTrainingMetrics: ({ jobId }) => ({ points: this.models.metrics(jobId) }),
    startTraining: ({ kind }) => {
      if (!this.autoRetrain) throw new RecutError('engine_unavailable', 'the learning loop is still starting; try again in a moment');
      if (this.prefs.total() === 0) throw new RecutError('invalid_argument', 'there are no verdicts to learn from yet');
      return { started: this.autoRetrain.trainNow(kind) };
    },
    listJobs: () => ({ jobs: this.jobs.list() }),
    cancelJob: ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),
  };
}

function summarise(songId: string, a: SongAnalysis, cached: boolean): AnalysisSummary {
  return {
    songId,
    analyzerVersion: a.analyzerVersion,
    featureVersion: a.features.featureVersion,
    durationSeconds: a.durationSeconds,
    tempo: a.tempo,
    meter: a.meter,
    beats: a.beats,
    downbeats: a.downbeats,
    confidence: a.confidence,
    featureRows: a.features.rows,
    cached,
  };
}

function modelInfo(v: ModelVersion) {
  const { checkpoint: _checkpoint, checksum: _checksum, ...info } = v;
  return info;
}
