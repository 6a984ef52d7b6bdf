/**
 * Trains the bootstrap policy by imitation of the planner on our own synthesised songs and writes
 * resources/models/bootstrap-policy.json (~40 KB, committed).
 *
 *   npx tsx scripts/make-bootstrap-policy.ts [--seed 1] [--epochs 40] [--out PATH] [--quick]
 *
 * Songs: the beat test set (31 pieces) and the demo song, plus seeded random song forms; each is
 * analysed by the real pipeline. The last few songs are held out to report generalisation.
 * Reproducible: the tfjs `cpu` backend is forced; the same seed writes the same bytes.
 */
import path from 'node:path';
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { analyzeAudio } from '../src/engine/analysis/analyze';
import { beatTestSet, demoSongSpec, synthesize, type SynthSpec } from '../src/engine/audio/synth';
import { Prng, deriveSeed } from '../src/engine/audio/synth/prng';
import { evaluateAccuracy, imitationExamples, trainBehaviourCloning, type ImitationExample } from '../src/engine/models/policy/bootstrap';
import { POLICY_PARAM_COUNT } from '../src/engine/models/policy/model';
import { savePolicy } from '../src/engine/models/policy/weights';

const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const seed = Number(arg('seed', '1'));
const epochs = Number(arg('epochs', '40'));
const quick = args.includes('--quick');
const out = path.resolve(arg('out', path.join(import.meta.dirname, '../resources/models/bootstrap-policy.json')));

/** A seeded pop-like song form (intro / verse / chorus / bridge / outro), 60-150 BPM. */
export function randomSongSpec(s: number): SynthSpec {
  const rng = new Prng(s);
  const tempo = Math.round(rng.range(70, 150));
  const labels = ['intro', 'verse', 'chorus', 'verse', 'chorus', 'bridge', 'chorus', 'outro'];
  const sections = labels.slice(0, 5 + rng.int(4)).map((label) => ({
    label,
    bars: rng.pick([4, 8, 8, 8]),
    energy: label === 'chorus' ? rng.range(0.8, 1) : label === 'intro' || label === 'outro' ? rng.range(0.2, 0.35) : rng.range(0.4, 0.65),
  }));
  const bars = sections.reduce((n, x) => n + x.bars, 0);
  return {
    name: `random song ${s}`,
    seed: s,
    sampleRate: 44100,
    channels: 2,
    durationSeconds: Math.ceil((bars * 4 * 60) / tempo + 4),
    tempo,
    meter: { beatsPerBar: 4, subdivision: 2 },
    syncopation: rng.range(0, 0.5),
    instruments: ['kick', 'snare', 'hats', 'bass', rng.pick(['pad', 'piano', 'strings'] as const), rng.pick(['lead', 'arp'] as const)],
    sections,
    key: rng.int(12),
    mode: rng.chance(0.5) ? 'major' : 'minor',
    leadInSeconds: rng.range(0, 0.6),
  };
}

async function main() {
  await tf.setBackend('cpu');
  const t0 = performance.now();
  const specs: SynthSpec[] = [...beatTestSet(), demoSongSpec(), ...Array.from({ length: 8 }, (_, i) => randomSongSpec(deriveSeed(seed, 100 + i)))];
  const used = quick ? specs.filter((_, i) => i % 6 === 0) : specs;
  const heldOut = Math.max(1, Math.round(used.length / 8));
  const train: ImitationExample[] = [];
  const test: ImitationExample[] = [];
  for (const [i, spec] of used.entries()) {
    const analysis = analyzeAudio(synthesize(spec).audio);
    let ex: ImitationExample[] = [];
    try {
      ex = imitationExamples(analysis, { seed: deriveSeed(seed, i) });
    } catch (e) {
      console.warn(`skipping ${spec.name}: ${(e as Error).message}`);
    }
    (i >= used.length - heldOut ? test : train).push(...ex);
    console.log(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${spec.name}: ${analysis.beats.length} beats, ${ex.length} demonstrations`);
  }
  const r = trainBehaviourCloning(train, {
    seed,
    epochs,
    onEpoch: (e, loss, acc) => {
      if (e % 5 === 4 || e === epochs - 1) console.log(`epoch ${e + 1}: loss ${loss.toFixed(4)}, train accuracy ${(acc * 100).toFixed(1)} %`);
    },
  });
  const heldOutAccuracy = evaluateAccuracy(r.model, test);
  const meta = {
    kind: 'bootstrap-policy',
    trainedBy: 'scripts/make-bootstrap-policy.ts',
    seed,
    epochs,
    backend: tf.getBackend(),
    parameters: POLICY_PARAM_COUNT,
    songs: used.length,
    demonstrations: train.length,
    trainAccuracy: Number(r.accuracy.toFixed(4)),
    heldOutAccuracy: Number(heldOutAccuracy.toFixed(4)),
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  savePolicy(out, r.model.getWeights(), meta);
  console.log(JSON.stringify({ ...meta, out, seconds: Math.round((performance.now() - t0) / 1000) }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
