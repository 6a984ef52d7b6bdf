/**
 * Songs for the simulated editors: short synthesised pieces (our synthesiser, exact beats) written as
 * WAV files, imported into the library and analysed by the real pipeline, so the learning loop sees
 * exactly what it sees with a user's music. Analyses are cached in a separate SQLite cache (by content
 * hash and analyser version), so repeated evaluations skip the ~1 s per song of analysis.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SongAnalysis } from '../../analysis/analyze';
import { analyzeFile } from '../../analysis/analyze-file';
import { synthesize, type Instrument, type SynthSpec } from '../../audio/synth';
import { deriveSeed, Prng } from '../../audio/synth/prng';
import { encodeWav } from '../../audio/wav-encode';
import { importFiles } from '../../library/import';
import { RecutError } from '../../../shared/errors';
import { AnalysisStore } from '../../store/analyses';
import { openDatabase } from '../../store/db';
import type { SongStore } from '../../store/songs';

export interface SimSong {
  songId: string;
  name: string;
  path: string;
  analysis: SongAnalysis;
}

const LABELS = ['intro', 'verse', 'chorus', 'bridge', 'outro'] as const;
const KITS: Instrument[][] = [
  ['kick', 'snare', 'hats', 'bass', 'pad', 'lead'],
  ['kick', 'snare', 'hats', 'bass', 'piano'],
  ['kick', 'snare', 'hats', 'bass', 'strings', 'arp'],
];

/**
 * `count` varied pieces of 12-16 bars (~20-35 s): 96-140 BPM, 4/4 or 3/4, half of them with a pickup,
 * a quiet intro, verses, a loud chorus and a quiet outro ending on a final hit, so endings, sections
 * and energy differ.
 */
export function simSongSpecs(count: number, seed = 1): SynthSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const rng = new Prng(deriveSeed(seed, i + 1));
    const bpm = Math.round(rng.range(96, 140));
    const beatsPerBar = rng.chance(0.2) ? 3 : 4;
    const sections = [
      { bars: 2, label: LABELS[0], energy: 0.3 },
      { bars: 4, label: LABELS[1], energy: rng.range(0.45, 0.6) },
      { bars: 4, label: LABELS[2], energy: rng.range(0.85, 0.95) },
      ...(rng.chance(0.5) ? [{ bars: 2, label: LABELS[3], energy: 0.4 }] : []),
      { bars: 2, label: LABELS[4], energy: 0.3 },
    ];
    const bars = sections.reduce((n, s) => n + s.bars, 0);
    const spec = {
      name: `sim-${seed}-${i}`,
      seed: deriveSeed(seed, 100 + i),
      sampleRate: 22050,
      channels: 1,
      durationSeconds: 0,
      tempo: bpm,
      meter: { beatsPerBar, subdivision: 2 },
      syncopation: rng.range(0, 0.3),
      instruments: rng.pick(KITS),
      sections,
      key: rng.int(12),
      mode: rng.chance(0.5) ? 'major' : 'minor',
    } satisfies SynthSpec;
    // Half the songs start with a pickup of 1 .. beatsPerBar - 1 beats (drawn last, so the rest of
    // each song is what it was without it): the first downbeat is not always the first beat.
    const pickupBeats = rng.chance(0.5) ? 1 + rng.int(beatsPerBar - 1) : 0;
    const seconds = ((pickupBeats + bars * beatsPerBar) * 60) / bpm + 2.5;
    return { ...spec, pickupBeats, durationSeconds: Math.round(seconds * 100) / 100 };
  });
}

/** Default analysis cache shared by evaluation runs (its own SQLite file). */
export function defaultSimCacheDir(): string {
  return path.join(process.env.RECUT_SIM_CACHE ?? path.join(process.env.TMPDIR ?? '/tmp', 'recut-sim-cache'));
}

/**
 * Synthesises the specs into `dir` (skipping files already there), imports them into `songs` and
 * analyses them, using `cacheDir`'s analysis cache and filling `analyses` (the home's cache) too.
 */
export async function prepareSimSongs(specs: SynthSpec[], dir: string, songs: SongStore, analyses: AnalysisStore, cacheDir = defaultSimCacheDir()): Promise<SimSong[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files = specs.map((spec) => {
    const file = path.join(dir, `${spec.name}.wav`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, encodeWav(synthesize(spec).audio, { bitDepth: 16 }));
    return file;
  });
  return prepareSongFiles(files, songs, analyses, cacheDir);
}

/**
 * Audio files (a user's music, or synthesised songs) imported into `songs` and analysed by the real
 * pipeline, each named by its file name. A file that does not import or analyse fails the whole
 * preparation with the file named: an evaluation on fewer songs than asked would be misread.
 */
export async function prepareSongFiles(files: readonly string[], songs: SongStore, analyses: AnalysisStore, cacheDir = defaultSimCacheDir()): Promise<SimSong[]> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const cacheDb = openDatabase(path.join(cacheDir, 'analyses.sqlite'));
  const cache = new AnalysisStore(cacheDb);
  try {
    const out: SimSong[] = [];
    for (const file of files) {
      const imported = await importFiles([file], songs);
      if (imported.errors.length) throw new RecutError(imported.errors[0].kind, `could not import ${file}: ${imported.errors[0].message}`);
      const songId = imported.songs[0].id;
      const r = await analyzeFile(file, cache);
      if (r.info.contentHash !== songId) throw new RecutError('internal', `content hash of ${file} changed during import`);
      analyses.put(songId, r.analysis);
      out.push({ songId, name: path.basename(file, path.extname(file)), path: file, analysis: r.analysis });
    }
    return out;
  } finally {
    cacheDb.close();
  }
}
