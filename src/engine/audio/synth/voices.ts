/**
 * Sound generators. Each renders one mono note at velocity 1 into a fresh buffer starting at sample 0;
 * the mixer scales, pans and places it, and reuses the buffer when the same note recurs (like a
 * sampler). Plain loops over typed arrays, no per-sample allocation or closures. Noise comes from an
 * inline xorshift32 seeded per note, so output is deterministic.
 */

const TWO_PI = 2 * Math.PI;

/** Per-sample multiplier of an exponential decay with time constant tau seconds. */
function decayFactor(tau: number, sampleRate: number): number {
  return Math.exp(-1 / (tau * sampleRate));
}

/** Scrambles a small seed into a well-mixed xorshift state (small states start with tiny outputs). */
function noiseState(seed: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0 || 1;
}

function onePoleCoef(hz: number, sr: number): number {
  return 1 - Math.exp((-TWO_PI * hz) / sr);
}

export const KICK_SECONDS = 0.55;

/** Kick: sine with a fast downward pitch sweep (160 -> 45 Hz), exponential body decay and a short click. */
export function renderKick(out: Float32Array, sr: number): void {
  const kPitch = decayFactor(0.028, sr);
  const kAmp = decayFactor(0.16, sr);
  const kClick = decayFactor(0.0025, sr);
  const attack = Math.max(1, Math.round(0.0008 * sr));
  let pitchEnv = 1;
  let amp = 1;
  let click = 0.35;
  let phase = 0;
  for (let k = 0; k < out.length; k++) {
    phase += (TWO_PI * (45 + 115 * pitchEnv)) / sr;
    const a = k < attack ? k / attack : 1;
    out[k] = a * (amp * Math.sin(phase) + click * Math.sin(phase * 7.3));
    pitchEnv *= kPitch;
    amp *= kAmp;
    click *= kClick;
  }
}

export const SNARE_SECONDS = 0.4;

/** Snare: two decaying sine modes (body) plus band-passed noise (wires). */
export function renderSnare(out: Float32Array, sr: number, seed: number): void {
  const kTone = decayFactor(0.045, sr);
  const kNoise = decayFactor(0.13, sr);
  const aHp = onePoleCoef(1500, sr);
  const aLp = onePoleCoef(9000, sr);
  const w1 = (TWO_PI * 185) / sr;
  const w2 = (TWO_PI * 330) / sr;
  let tone = 0.55;
  let noiseAmp = 0.8;
  let lpForHp = 0;
  let lp = 0;
  let r = noiseState(seed);
  for (let k = 0; k < out.length; k++) {
    r ^= r << 13;
    r ^= r >>> 17;
    r ^= r << 5;
    const white = r / 2147483648;
    lpForHp += aHp * (white - lpForHp);
    lp += aLp * (white - lpForHp - lp);
    out[k] = tone * (Math.sin(w1 * k) + 0.5 * Math.sin(w2 * k)) + noiseAmp * lp * 1.6;
    tone *= kTone;
    noiseAmp *= kNoise;
  }
}

/** Length of a noise hit: 7 time constants (-60 dB). */
export function noiseHitSeconds(decay: number): number {
  return decay * 7;
}

/** Metallic noise voices (closed hat, open hat, crash): 12 dB/oct high-passed noise with an exponential decay. */
export function renderNoiseHit(out: Float32Array, sr: number, seed: number, decay: number, highpassHz: number): void {
  const k = decayFactor(decay, sr);
  const aHp = onePoleCoef(highpassHz, sr);
  const attack = Math.max(1, Math.round(0.0015 * sr));
  let env = 1;
  let lp1 = 0;
  let lp2 = 0;
  let r = noiseState(seed);
  for (let j = 0; j < out.length; j++) {
    r ^= r << 13;
    r ^= r >>> 17;
    r ^= r << 5;
    const white = r / 2147483648;
    lp1 += aHp * (white - lp1);
    const hp1 = white - lp1;
    lp2 += aHp * (hp1 - lp2);
    out[j] = (hp1 - lp2) * (j < attack ? j / attack : 1) * env;
    env *= k;
  }
}

/** Oscillator shapes for the subtractive voice. */
export const Wave = { Sine: 0, Saw: 1, Square: 2, Triangle: 3 } as const;
export type Wave = (typeof Wave)[keyof typeof Wave];

/** A subtractive patch: unison oscillators -> 2-pole low-pass with its own envelope -> ADSR. */
export interface TonePatch {
  wave: Wave;
  unison: number;
  detuneCents: number;
  attack: number;
  /** Time constant of the decay to the sustain level, seconds. */
  decay: number;
  sustain: number;
  /** Time constant of the release, seconds. */
  release: number;
  cutoffHz: number;
  /** Extra cutoff at the attack peak, decaying with `filterDecay`. */
  filterEnvHz: number;
  filterDecay: number;
  level: number;
}

/** Length of a tone: the gate plus 5 release time constants (-43 dB). */
export function toneSeconds(gate: number, release: number): number {
  return gate + release * 5;
}

/** Renders one note of a subtractive patch; `gate` is how long the key is held, in seconds. */
export function renderTone(out: Float32Array, sr: number, gate: number, freq: number, patch: TonePatch, seed: number, release: number): void {
  const n = out.length;
  const uni = Math.max(1, patch.unison);
  let r = noiseState(seed);
  // Pass 1: the unison oscillators, one tight loop per oscillator (wave chosen outside the loop).
  for (let u = 0; u < uni; u++) {
    const cents = uni === 1 ? 0 : patch.detuneCents * ((2 * u) / (uni - 1) - 1);
    const inc = (freq * 2 ** (cents / 1200)) / sr;
    r ^= r << 13;
    r ^= r >>> 17;
    r ^= r << 5;
    addOscillator(out, patch.wave, inc, (r >>> 0) / 4294967296);
  }
  // Pass 2: filter (cutoff envelope) and amplitude envelope.
  const norm = patch.level / Math.sqrt(uni);
  const attackN = Math.max(1, Math.round(patch.attack * sr));
  const gateN = Math.max(1, Math.round(gate * sr));
  const kDecay = decayFactor(patch.decay, sr);
  const kRelease = decayFactor(release, sr);
  const kFilter = decayFactor(patch.filterDecay, sr);
  const sus = patch.sustain;
  const wScale = TWO_PI / sr;
  const cutoff = patch.cutoffHz;
  const fRange = patch.filterEnvHz;
  let dec = 1;
  let env = 0;
  let fEnv = 1;
  let y1 = 0;
  let y2 = 0;
  for (let k = 0; k < n; k++) {
    if (k < gateN) {
      if (k < attackN) env = k / attackN;
      else {
        env = sus + (1 - sus) * dec;
        dec *= kDecay;
      }
    } else env *= kRelease;
    const w = (cutoff + fRange * fEnv) * wScale;
    fEnv *= kFilter;
    const a = w / (1 + w);
    y1 += a * (out[k] * norm - y1);
    y2 += a * (y1 - y2);
    out[k] = y2 * env;
  }
}

function addOscillator(out: Float32Array, wave: Wave, inc: number, phase0: number): void {
  const n = out.length;
  let ph = phase0;
  switch (wave) {
    case Wave.Saw:
      for (let k = 0; k < n; k++) {
        ph += inc;
        if (ph >= 1) ph -= 1;
        out[k] += 2 * ph - 1 - polyBlep(ph, inc);
      }
      return;
    case Wave.Square:
      for (let k = 0; k < n; k++) {
        ph += inc;
        if (ph >= 1) ph -= 1;
        const ph2 = ph < 0.5 ? ph + 0.5 : ph - 0.5;
        out[k] += (ph < 0.5 ? 1 : -1) + polyBlep(ph, inc) - polyBlep(ph2, inc);
      }
      return;
    case Wave.Triangle:
      for (let k = 0; k < n; k++) {
        ph += inc;
        if (ph >= 1) ph -= 1;
        out[k] += 1 - 4 * Math.abs(ph - 0.5);
      }
      return;
    default:
      for (let k = 0; k < n; k++) {
        ph += inc;
        if (ph >= 1) ph -= 1;
        out[k] += Math.sin(TWO_PI * ph);
      }
  }
}

/** PolyBLEP residual: removes most of the aliasing of the naive saw/square discontinuity. */
function polyBlep(ph: number, inc: number): number {
  if (ph < inc) {
    const t = ph / inc;
    return t + t - t * t - 1;
  }
  if (ph > 1 - inc) {
    const t = (ph - 1) / inc;
    return t * t + t + t + 1;
  }
  return 0;
}

const PIANO_PARTIALS = 7;
const PIANO_DAMPER = 0.12;

/** Decay time constant of the piano's fundamental: low notes ring longer. */
function pianoTau(freq: number): number {
  return Math.min(3, Math.max(0.5, 1.6 * Math.sqrt(220 / freq)));
}

/** Length of a piano note: held at most 5 decay constants, then 5 damper constants. */
export function pianoSeconds(gate: number, freq: number): number {
  return Math.min(gate, pianoTau(freq) * 5) + PIANO_DAMPER * 5;
}

/**
 * Piano-like tone: additive, slightly inharmonic partials (stiff string), higher partials decaying
 * faster and brighter when hit harder (`vel`), a short hammer thump, and a damper when the key is
 * let go. Each partial is its own loop of recursive rotation (one complex multiply per sample)
 * instead of Math.sin.
 */
export function renderPiano(out: Float32Array, sr: number, gate: number, freq: number, vel: number): void {
  const n = out.length;
  const tau1 = pianoTau(freq);
  const brightness = 0.6 + 0.8 * vel;
  for (let p = 1; p <= PIANO_PARTIALS; p++) {
    const f = p * freq * Math.sqrt(1 + 0.0004 * p * p);
    if (f > sr * 0.4) break;
    const w = (TWO_PI * f) / sr;
    const c = Math.cos(w);
    const s = Math.sin(w);
    const k = decayFactor(tau1 / (1 + 0.7 * (p - 1)), sr);
    let amp = (1 / p ** 1.2) * Math.min(1, brightness / Math.sqrt(p)) * 0.6;
    let re = 1;
    let im = 0;
    for (let i = 0; i < n; i++) {
      const re2 = re * c - im * s;
      im = im * c + re * s;
      re = re2;
      out[i] += amp * im;
      amp *= k;
    }
  }
  const attackN = Math.max(1, Math.round(0.002 * sr));
  const heldN = Math.round(Math.min(gate, tau1 * 5) * sr);
  const kDamper = decayFactor(PIANO_DAMPER, sr);
  const kThump = decayFactor(0.006, sr);
  const wThump = (TWO_PI * Math.min(freq * 0.5, 120)) / sr;
  const thumpN = Math.min(n, Math.round(0.04 * sr));
  let thump = 0.25 * vel;
  for (let i = 0; i < thumpN; i++) {
    out[i] += thump * Math.sin(wThump * i);
    thump *= kThump;
  }
  let damper = 1;
  for (let i = 0; i < n; i++) {
    if (i >= heldN) damper *= kDamper;
    out[i] *= (i < attackN ? i / attackN : 1) * damper;
  }
}
