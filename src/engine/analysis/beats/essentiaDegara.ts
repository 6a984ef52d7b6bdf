import { createRequire } from 'node:module';
import { RecutError } from '../../../shared/errors';
import type { PcmAudio } from '../../audio/pcm';
import { toMono } from '../../audio/pcm';
import { decimate } from '../../dsp/resample';

/**
 * essentia.js BeatTrackerDegara, as a reference tracker (bench) and a fallback.
 *
 * essentia.js registers process-wide `uncaughtException` / `unhandledRejection` handlers when its
 * Emscripten module loads; they would swallow our own crashes, so we remove exactly the listeners the
 * import added. The WASM module is loaded once and reused.
 */
interface EssentiaVector {
  delete(): void;
}
interface EssentiaInstance {
  arrayToVector(a: Float32Array): EssentiaVector;
  vectorToArray(v: EssentiaVector): Float32Array;
  BeatTrackerDegara(signal: EssentiaVector, maxTempo?: number, minTempo?: number): { ticks: EssentiaVector };
}

let instance: EssentiaInstance | null = null;

function loadEssentia(): EssentiaInstance {
  if (instance) return instance;
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  type Listener = (...args: unknown[]) => void;
  const listeners = (e: (typeof events)[number]) => process.listeners(e as 'uncaughtException') as unknown as Listener[];
  const before = new Map(events.map((e) => [e, new Set(listeners(e))]));
  try {
    const require = createRequire(import.meta.url);
    const mod = require('essentia.js') as { Essentia: new (wasm: unknown) => EssentiaInstance; EssentiaWASM: unknown };
    instance = new mod.Essentia(mod.EssentiaWASM);
  } catch (e) {
    throw new RecutError('engine_unavailable', `essentia.js failed to load: ${(e as Error).message}`);
  } finally {
    for (const e of events) {
      for (const l of listeners(e)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
  }
  return instance;
}

/** Beat times (s) from essentia's Degara tracker. It assumes 44.1 kHz input; other rates are resampled approximately. */
export function essentiaDegaraBeats(audio: PcmAudio): number[] {
  const ess = loadEssentia();
  let mono = toMono(audio);
  let rate = audio.sampleRate;
  if (rate > 44100) {
    const d = decimate(mono, rate, 44100);
    mono = d.signal;
    rate = d.sampleRate;
  }
  // Degara reads the signal as 44.1 kHz; for other rates scale its ticks back to real time.
  const vec = ess.arrayToVector(mono);
  try {
    const out = ess.BeatTrackerDegara(vec);
    const ticks = Array.from(ess.vectorToArray(out.ticks));
    out.ticks.delete();
    return ticks.map((t) => (t * 44100) / rate);
  } finally {
    vec.delete();
  }
}
