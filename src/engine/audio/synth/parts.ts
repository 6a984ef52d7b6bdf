/** Pitched parts: bass, pad, strings, piano, arpeggio and lead, one bar at a time. */
import type { Arranger, Bar, Motif } from './arranger';
import { voicing } from './harmony';
import { Prng, deriveSeed, hashString } from './prng';

export function playBass(a: Arranger, bar: Bar): void {
  if (!a.has.has('bass')) return;
  const { energy: e, startBeat: b0 } = bar;
  const root = bassRootOf(a, bar);
  const next = a.nextBarAnticipated(bar);
  const barEnd = next ? a.offBeatBefore(b0 + a.bpb) : b0 + a.bpb;
  if (e < 0.45) {
    if (!bar.anticipated) a.note('bass', b0, Math.min(a.bpb, barEnd - b0) * 0.95, root, 0.9, 0);
    const mid = Math.floor(a.bpb / 2);
    if (a.bpb >= 4 && a.rng.chance(0.5)) a.note('bass', b0 + mid, (barEnd - b0 - mid) * 0.9, root, 0.7, 0);
  } else {
    const pattern = bassPattern(a, bar.label, e);
    pattern.forEach((step, s) => {
      if (!step || (s === 0 && bar.anticipated)) return;
      const beat = Math.floor(s / a.sub);
      const pos = b0 + beat + a.stepOffset(s % a.sub);
      if (pos >= barEnd) return;
      const len = Math.min(step.len / a.sub, barEnd - pos) * 0.9;
      a.note('bass', pos, len, root + step.interval, s === 0 ? 1 : s % a.sub === 0 ? 0.8 : 0.65, 0);
    });
  }
  if (next) a.note('bass', barEnd, b0 + a.bpb + 1 - barEnd, bassRootOf(a, next), 0.9, 0);
}

function bassRootOf(a: Arranger, bar: Bar): number {
  return a.pitchIn(36, bar.root);
}

function bassPattern(a: Arranger, label: string, e: number): Array<{ interval: number; len: number } | null> {
  const cacheKey = `${label}:${e >= 0.7 ? 'busy' : 'plain'}`;
  const cached = a.bassPatterns.get(cacheKey);
  if (cached) return cached;
  const rng = new Prng(deriveSeed(a.spec.seed, hashString(cacheKey)));
  const steps = a.bpb * a.sub;
  const onsets: boolean[] = [];
  for (let s = 0; s < steps; s++) {
    const onBeat = s % a.sub === 0;
    const p = s === 0 ? 1 : onBeat ? 0.7 : (e >= 0.7 ? 0.35 : 0.1) + 0.3 * a.sync;
    onsets.push(rng.chance(p));
  }
  const pattern = onsets.map((on, s) => {
    if (!on) return null;
    let len = 1;
    while (s + len < steps && !onsets[s + len]) len++;
    return { interval: s === 0 ? 0 : rng.pick([0, 0, 7, 12, 10]), len };
  });
  a.bassPatterns.set(cacheKey, pattern);
  return pattern;
}

export function playPad(a: Arranger, bar: Bar): void {
  const notes = voicing(a.key, a.chord(bar.root, bar.energy >= 0.7), 55);
  const start = a.chordStart(bar);
  const len = a.chordEnd(bar) - start;
  notes.forEach((m, i) => {
    const pan = notes.length > 1 ? -0.45 + (0.9 * i) / (notes.length - 1) : 0;
    a.note('pad', start, len * 0.98, m, 0.55 + 0.35 * bar.energy, pan);
  });
}

export function playStrings(a: Arranger, bar: Bar): void {
  const notes = [a.pitchIn(43, bar.root), ...voicing(a.key, a.chord(bar.root, false), 57)];
  const pans = (i: number) => -0.6 + (1.2 * i) / (notes.length - 1);
  if (bar.energy >= 0.5) {
    for (let beat = 0; beat < a.bpb; beat++) {
      const pos = beat === 0 ? a.chordStart(bar) : bar.startBeat + beat;
      notes.forEach((m, i) => a.note('strings', pos, 0.7, m, beat === 0 ? 0.95 : 0.6, pans(i), { variant: 1 }));
    }
  } else {
    const start = a.chordStart(bar);
    notes.forEach((m, i) => a.note('strings', start, (a.chordEnd(bar) - start) * 0.98, m, 0.7, pans(i), { variant: 0 }));
  }
}

export function playPiano(a: Arranger, bar: Bar): void {
  const { energy: e, startBeat: b0 } = bar;
  const tones = a.chord(bar.root, e >= 0.7);
  const rh = voicing(a.key, tones, 60);
  const lh = a.pitchIn(40, bar.root);
  const pan = (m: number) => Math.max(-0.5, Math.min(0.5, (m - 60) / 30));
  const start = a.chordStart(bar);
  a.note('piano', start, a.bpb * 0.9, lh, 0.85, pan(lh));
  for (let beat = 0; beat < a.bpb; beat++) {
    const accent = beat === 0 ? 0.9 : 0.5;
    let pos = beat === 0 ? start : b0 + beat;
    if (beat > 0 && a.rng.chance(a.sync * 0.5)) pos = a.offBeatBefore(pos); // anticipate the beat
    if (e >= 0.4 || beat === 0) {
      for (const m of rh) a.note('piano', pos, 0.8, m, accent, pan(m));
    } else {
      const m = rh[beat % rh.length];
      a.note('piano', pos, 0.8, m, accent, pan(m));
    }
    if (a.sub === 3 && e >= 0.6) for (const m of rh) a.note('piano', b0 + beat + 2 / 3, 0.3, m, 0.35, pan(m));
  }
}

export function playArp(a: Arranger, bar: Bar): void {
  const tones = voicing(a.key, a.chord(bar.root, bar.energy >= 0.7), 67);
  const n = tones.length;
  for (let beat = 0; beat < a.bpb; beat++) {
    for (let j = 0; j < a.sub; j++) {
      const i = beat * a.sub + j;
      const m = tones[i % n] + 12 * (Math.floor(i / n) % 2);
      const vel = i === 0 ? 0.8 : j === 0 ? 0.62 : 0.45;
      a.note('arp', bar.startBeat + beat + a.stepOffset(j), 0.85 / a.sub, m, vel, -0.35);
    }
  }
}

export function playLead(a: Arranger, bar: Bar): void {
  const motif = leadMotif(a, bar.label);
  const stepsPerBar = a.bpb * a.sub;
  const half = bar.barInSection % 2;
  const chordPcs = a.chord(bar.root, true).map((t) => (((a.key + t) % 12) + 12) % 12);
  const base = a.register(67);
  for (const n of motif.steps) {
    if (Math.floor(n.step / stepsPerBar) !== half) continue;
    const s = n.step % stepsPerBar;
    const pos = bar.startBeat + Math.floor(s / a.sub) + a.stepOffset(s % a.sub);
    let midi = a.scaleMidi(n.degree, base);
    if (s % a.sub === 0) midi = nearestChordTone(midi, chordPcs);
    a.note('lead', pos, (n.len / a.sub) * 0.92, midi, s === 0 ? 0.9 : 0.7, 0.12);
  }
}

/** A two-bar phrase per section label (choruses repeat their tune), seeded by label. */
function leadMotif(a: Arranger, label: string): Motif {
  const cached = a.motifs.get(label);
  if (cached) return cached;
  const rng = new Prng(deriveSeed(a.spec.seed, hashString(`lead:${label}`)));
  const stepsPerBar = a.bpb * a.sub;
  const total = 2 * stepsPerBar;
  const onsets: number[] = [];
  for (let s = 0; s < total - a.sub; s++) {
    const onBeat = s % a.sub === 0;
    const p = s % stepsPerBar === 0 ? 0.9 : onBeat ? 0.55 - 0.25 * a.sync : 0.2 + 0.35 * a.sync;
    if (rng.chance(p)) onsets.push(s);
  }
  let degree = rng.pick([0, 2, 4, 7]);
  const steps = onsets.map((step, i) => {
    degree = Math.max(-3, Math.min(9, degree + rng.pick([-2, -1, -1, 0, 1, 1, 2])));
    const nextStep = onsets[i + 1] ?? total - a.sub;
    return { step, len: Math.max(1, Math.min(2 * a.sub, nextStep - step)), degree };
  });
  const motif = { steps };
  a.motifs.set(label, motif);
  return motif;
}

function nearestChordTone(midi: number, pcs: number[]): number {
  for (let d = 0; d < 7; d++) {
    if (pcs.includes((((midi - d) % 12) + 12) % 12)) return midi - d;
    if (pcs.includes((((midi + d) % 12) + 12) % 12)) return midi + d;
  }
  return midi;
}
