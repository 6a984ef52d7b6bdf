/** Shared by the learning tests: short synthesised songs analysed by the real pipeline, once per process. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeAudio, type SongAnalysis } from '../analysis/analyze';
import { synthesize } from '../audio/synth';
import { ensureHome, type HomeLayout } from '../paths';
import { AnalysisStore } from '../store/analyses';
import { openDatabase, type Db } from '../store/db';
import { SongStore } from '../store/songs';
import { learningDepsFromDb, type LearningDeps } from './context';
import { prepareSimSongs, simSongSpecs, type SimSong } from './sim/songs';

let cached: SongAnalysis[] | null = null;

/** Analyses of the first `n` simulated songs (synthesised and analysed in memory). */
export function testAnalyses(n = 2): SongAnalysis[] {
  cached ??= simSongSpecs(3, 1).map((s) => analyzeAudio(synthesize(s).audio));
  return cached.slice(0, n);
}

export interface TestHome {
  layout: HomeLayout;
  db: Db;
  deps: LearningDeps;
  songs: SimSong[];
  close(): void;
}

/** A fresh home with `n` simulated songs imported and analysed (analyses cached across runs). */
export async function testHome(n = 3): Promise<TestHome> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-learning-'));
  const layout = ensureHome(root);
  const db = openDatabase(layout.database);
  const songs = await prepareSimSongs(simSongSpecs(n, 1), path.join(root, 'songs'), new SongStore(db), new AnalysisStore(db));
  return {
    layout, db, songs, deps: learningDepsFromDb(db, layout),
    close: () => {
      db.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
