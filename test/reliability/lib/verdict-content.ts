/**
 * The verdict a kill-loop child writes for a given uid, derived from the uid alone, so the parent can
 * check every row it finds byte for byte: a row that is there but differs is a partial/corrupt row.
 * Plan sizes vary from a few segments to thousands, so some rows span SQLite overflow pages.
 */
import { createHash } from 'node:crypto';
import type { EditPlan } from '../../../src/shared/edit-plan';
import type { NewPreference, PreferenceRecord } from '../../../src/engine/store/preferences';
import { Rng } from './rng';

function seedOf(uid: string): number {
  return createHash('sha256').update(uid).digest().readUInt32LE(0);
}

function plan(r: Rng): EditPlan {
  const n = r.next() < 0.03 ? r.int(2000, 4000) : r.int(1, 150);
  const segments = [];
  for (let i = 0; i < n; i++) {
    const from = r.int(0, 500);
    segments.push({ from, to: from + r.int(1, 16), repeat: r.int(1, 4) });
  }
  return { version: 1, includeIntro: r.next() < 0.5, segments, fadeOut: r.next() < 0.3 ? { beats: r.int(1, 8) } : null, crossfadeMs: r.int(5, 40) };
}

export function verdictFor(uid: string): NewPreference {
  const r = new Rng(seedOf(uid));
  const songId = createHash('sha256').update(`song-${r.int(0, 7)}`).digest('hex');
  const provenance = {
    uid,
    strength: r.pick([1, 2, 3] as const),
    targetSeconds: r.next() < 0.5 ? null : r.int(10, 300),
    policyVersion: `policy-${r.int(1, 9)}`,
    rewardVersion: r.next() < 0.5 ? null : `reward-${r.int(1, 9)}`,
    seed: r.int(0, 2 ** 31 - 1),
    source: 'test' as const,
    createdAt: new Date(1_700_000_000_000 + r.int(0, 1e9)).toISOString(),
  };
  return r.next() < 0.6
    ? { kind: 'single', songId, plan: plan(r), verdict: r.pick(['accept', 'reject'] as const), ...provenance }
    : { kind: 'pair', songId, planA: plan(r), planB: plan(r), choice: r.pick(['a', 'b', 'tie'] as const), ...provenance };
}

/** Null when the stored record is exactly the verdict its uid stands for, else what differs. */
export function recordMismatch(rec: PreferenceRecord): string | null {
  const want = verdictFor(rec.uid);
  const got = {
    kind: rec.kind,
    songId: rec.songId,
    a: rec.planA,
    b: rec.planB,
    choice: rec.choice,
    verdict: rec.verdict,
    strength: rec.strength,
    targetSeconds: rec.targetSeconds,
    policyVersion: rec.policyVersion,
    rewardVersion: rec.rewardVersion,
    seed: rec.seed,
    createdAt: rec.createdAt,
  };
  const exp = {
    kind: want.kind,
    songId: want.songId,
    a: want.kind === 'pair' ? want.planA : want.plan,
    b: want.kind === 'pair' ? want.planB : null,
    choice: want.kind === 'pair' ? want.choice : null,
    verdict: want.kind === 'single' ? want.verdict : null,
    strength: want.strength,
    targetSeconds: want.targetSeconds,
    policyVersion: want.policyVersion,
    rewardVersion: want.rewardVersion,
    seed: want.seed,
    createdAt: want.createdAt,
  };
  for (const k of Object.keys(exp) as (keyof typeof exp)[]) {
    if (JSON.stringify(got[k]) !== JSON.stringify(exp[k])) return `${k} differs`;
  }
  return null;
}
