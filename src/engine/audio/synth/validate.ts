/** Checks a SynthSpec before anything is allocated, so bad input is a typed error and never a crash or a hang. */
import { RecutError } from '../../../shared/errors';
import { INSTRUMENTS, type SynthSpec } from './types';

const MAX_SECONDS = 900;

export function validateSpec(spec: SynthSpec): void {
  const fail = (msg: string): never => {
    throw new RecutError('invalid_argument', `synth spec "${String(spec?.name)}": ${msg}`);
  };
  const num = (v: unknown, lo: number, hi: number, what: string, integer = false) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
      fail(`${what} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${String(v)}`);
    }
  };
  if (!spec || typeof spec !== 'object') fail('spec must be an object');
  num(spec.seed, -(2 ** 53), 2 ** 53, 'seed', true);
  num(spec.sampleRate, 8000, 384000, 'sampleRate', true);
  if (spec.channels !== 1 && spec.channels !== 2) fail('channels must be 1 or 2');
  num(spec.durationSeconds, 0.2, MAX_SECONDS, 'durationSeconds');
  if (typeof spec.tempo === 'number') num(spec.tempo, 20, 400, 'tempo');
  else if (Array.isArray(spec.tempo) && spec.tempo.length > 0) {
    const points = spec.tempo;
    points.forEach((p, i) => {
      if (!p || typeof p !== 'object') fail(`tempo[${i}] must be an object`);
      if (p.ramp !== undefined && typeof p.ramp !== 'boolean') fail(`tempo[${i}].ramp must be a boolean`);
      num(p.bpm, 20, 400, `tempo[${i}].bpm`);
      num(p.atBeat, 0, 1e5, `tempo[${i}].atBeat`);
      if (i === 0 && p.atBeat !== 0) fail('the first tempo point must be at beat 0');
      if (i > 0 && p.atBeat <= points[i - 1].atBeat) fail('tempo points must have increasing atBeat');
    });
  } else fail('tempo must be a bpm or a non-empty list of tempo points');
  num(spec.meter?.beatsPerBar, 1, 16, 'meter.beatsPerBar', true);
  if (spec.meter.subdivision !== 2 && spec.meter.subdivision !== 3) fail('meter.subdivision must be 2 or 3');
  if (spec.swing !== undefined) num(spec.swing, 0, 0.5, 'swing');
  if (spec.syncopation !== undefined) num(spec.syncopation, 0, 1, 'syncopation');
  if (!Array.isArray(spec.instruments) || spec.instruments.length === 0) fail('instruments must be a non-empty list');
  for (const i of spec.instruments) if (!INSTRUMENTS.includes(i)) fail(`unknown instrument "${String(i)}"`);
  if (spec.sections !== undefined) {
    if (!Array.isArray(spec.sections) || spec.sections.length === 0) fail('sections must be a non-empty list when given');
    spec.sections.forEach((s, i) => {
      if (!s || typeof s !== 'object') fail(`sections[${i}] must be an object`);
      num(s.bars, 1, 10000, `sections[${i}].bars`, true);
      num(s.energy, 0, 1, `sections[${i}].energy`);
      if (typeof s.label !== 'string' || s.label.length === 0) fail(`sections[${i}].label must be a non-empty string`);
    });
  }
  if (spec.key !== undefined) num(spec.key, 0, 11, 'key', true);
  if (spec.mode !== undefined && spec.mode !== 'major' && spec.mode !== 'minor') fail('mode must be major or minor');
  if (spec.progression !== undefined) {
    if (!Array.isArray(spec.progression) || spec.progression.length === 0) fail('progression must be a non-empty list');
    spec.progression.forEach((r, i) => num(r, -24, 24, `progression[${i}]`, true));
  }
  if (spec.humanize !== undefined) num(spec.humanize, 0, 100, 'humanize (ms)');
  if (spec.pickupBeats !== undefined) num(spec.pickupBeats, 0, 16, 'pickupBeats', true);
  if (spec.leadInSeconds !== undefined) num(spec.leadInSeconds, 0, 60, 'leadInSeconds');
}
