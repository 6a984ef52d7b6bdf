/** Drum parts: kick, snare, hats, crash per bar, by meter, energy and syncopation. */
import type { Arranger, Bar } from './arranger';

export function playDrums(a: Arranger, bar: Bar): void {
  const { energy: e, startBeat: b0 } = bar;
  const { bpb, sub, rng, sync } = a;
  const roles = drumRoles(bpb);
  const bpm = a.map.bpmAt(b0);
  const fill = bar.leadsIntoSection && e >= 0.5 && a.has.has('snare');

  if (a.has.has('hats') && e >= 0.15) {
    const sixteenths = e >= 0.85 && sub === 2 && a.swing === 0 && bpm < 135;
    for (let beat = 0; beat < bpb; beat++) {
      if (e < 0.35) {
        a.note('hats', b0 + beat, 0.25, 0, beat === 0 ? 0.75 : 0.6, 0.3);
        continue;
      }
      const positions = sixteenths ? [0, 0.25, 0.5, 0.75] : Array.from({ length: sub }, (_, j) => a.stepOffset(j));
      positions.forEach((off, j) => {
        const open = beat === bpb - 1 && j === positions.length - 1 && e >= 0.7 && rng.chance(0.35);
        const vel = j === 0 ? (beat === 0 ? 0.85 : 0.7) : 0.42 + (sync > 0.5 && rng.chance(sync * 0.3) ? 0.3 : 0);
        a.note(open ? 'openhat' : 'hats', b0 + beat + off, 0.25, 0, vel, 0.3);
      });
    }
  }

  if (a.has.has('kick') && e >= 0.25) {
    for (let beat = 0; beat < bpb; beat++) {
      const role = roles[beat];
      if (beat === 0) {
        a.note('kick', b0, 0.5, 0, 1, 0);
        continue;
      }
      const kickHere = role === 'K' || role === 'k' ? e >= 0.45 || beat === Math.floor(bpb / 2) : false;
      if (!kickHere) continue;
      // Syncopation pulls some kicks onto the off-beat before them.
      const pos = rng.chance(sync * 0.6) ? a.offBeatBefore(b0 + beat) : b0 + beat;
      a.note('kick', pos, 0.5, 0, role === 'K' ? 0.9 : 0.8, 0);
    }
    if (e >= 0.6 && bpb >= 4 && rng.chance(0.25 + sync * 0.5)) {
      const beat = 1 + rng.int(bpb - 1);
      a.note('kick', b0 + beat + a.stepOffset(sub - 1), 0.5, 0, 0.7, 0);
    }
  }

  if (a.has.has('snare') && e >= 0.45) {
    for (let beat = 0; beat < bpb; beat++) {
      const role = roles[beat];
      if (fill && beat === bpb - 1) continue; // the fill replaces the last backbeat
      if (role === 'S' || role === 's') {
        const displaced = rng.chance(sync * 0.35);
        const pos = displaced ? b0 + beat + a.stepOffset(sub - 1) : b0 + beat;
        a.note('snare', pos, 0.25, 0, role === 'S' ? 0.85 : 0.5, 0.08);
      }
      // ghost notes on off-beats
      for (let j = 1; j < sub; j++) {
        if (rng.chance(sync * 0.4)) a.note('snare', b0 + beat + a.stepOffset(j), 0.2, 0, 0.22, 0.08);
      }
    }
    if (fill) {
      const steps = sub === 2 ? 4 : 3;
      for (let j = 0; j < steps; j++) a.note('snare', b0 + bpb - 1 + j / steps, 0.2, 0, 0.45 + (0.45 * j) / steps, 0.08);
    }
  }

  const drums = a.has.has('hats') || a.has.has('snare');
  const crash = bar.isSectionStart ? e >= 0.5 : e >= 0.8 && bar.barInSection % 8 === 0;
  if (drums && crash) a.note('crash', b0, 2, 0, 0.8, -0.3);
}

type Role = 'K' | 'k' | 'S' | 's' | '-';

/** Kick/snare roles per beat for a meter: backbeats on the even beats, waltz and 5/4 (3+2) handled. */
export function drumRoles(bpb: number): Role[] {
  switch (bpb) {
    case 1:
      return ['K'];
    case 2:
      return ['K', 'S'];
    case 3:
      return ['K', 's', 's'];
    case 5:
      return ['K', '-', 'S', 'k', 'S'];
    case 7:
      return ['K', '-', 'S', '-', 'k', '-', 'S'];
    default:
      return Array.from({ length: bpb }, (_, i) => (i === 0 ? 'K' : i % 2 === 1 ? 'S' : 'k'));
  }
}
