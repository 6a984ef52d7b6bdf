/**
 * What the learning jobs need from the engine: the home's folders, the stores, and analyses of songs.
 * Built from an Engine (`learningDeps(engine)`) or, in tests and `recut eval`, from the parts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RecutError } from '../../shared/errors';
import { ANALYZER_VERSION, type SongAnalysis } from '../analysis/analyze';
import type { HomeLayout } from '../paths';
import type { Engine } from '../service';
import type { Db } from '../store/db';
import { AnalysisStore } from '../store/analyses';
import { ModelStore } from '../store/models';
import { PreferenceStore } from '../store/preferences';

export interface LearningDeps {
  layout: HomeLayout;
  prefs: PreferenceStore;
  models: ModelStore;
  /** The song's analysis (analysing it first if needed). */
  analysisOf(songId: string): Promise<SongAnalysis>;
}

/** Deps over a database and a home; analyses must already be in the cache. */
export function learningDepsFromDb(db: Db, layout: HomeLayout): LearningDeps {
  const analyses = new AnalysisStore(db);
  return {
    layout,
    prefs: new PreferenceStore(db),
    models: new ModelStore(db),
    analysisOf: async (songId) => {
      const a = analyses.get(songId, ANALYZER_VERSION);
      if (!a) throw new RecutError('not_found', `song ${songId} has no analysis yet: run recut analyze on it first`);
      return a;
    },
  };
}

/** Deps over a running engine: missing analyses are computed through the engine's analysis jobs. */
export function learningDeps(engine: Engine): LearningDeps {
  const base = learningDepsFromDb(engine.db, engine.layout);
  return {
    ...base,
    analysisOf: async (songId) => {
      const hit = engine.analyses.get(songId, ANALYZER_VERSION);
      if (hit) return hit;
      await engine.analyze(songId);
      return base.analysisOf(songId);
    },
  };
}

/** A readable, append-only training log under the home's logs folder. */
export class TrainingLog {
  readonly path: string;

  constructor(layout: HomeLayout, name: string) {
    fs.mkdirSync(layout.logs, { recursive: true });
    this.path = path.join(layout.logs, `${name}.log`);
  }

  line(text: string): void {
    fs.appendFileSync(this.path, `${new Date().toISOString()}  ${text}\n`);
  }
}

/** Progress and cancellation, as the job runner's context provides them (optional outside jobs). */
export interface TrainingControl {
  progress?(fraction: number, message?: string): void;
  throwIfCancelled?(): void;
  jobId?: string;
}
