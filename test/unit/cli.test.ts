import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import decodeWav from '@audio/decode-wav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../src/engine/audio/synth';
import { encodeWav } from '../../src/engine/audio/wav-encode';
import { simSongSpecs } from '../../src/engine/learning/sim/songs';
import { FEATURE_COLUMNS } from '../../src/shared/feature-columns';

const ROOT = path.resolve(import.meta.dirname, '../..');
let home: string;
let song: string;

function recut(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/recut.mjs'), ...args], {
    env: { ...process.env, RECUT_HOME: home },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-cli-'));
  const track = synthesize({
    name: 'cli test',
    seed: 7,
    sampleRate: 44100,
    channels: 2,
    durationSeconds: 30,
    tempo: 120,
    meter: { beatsPerBar: 4, subdivision: 2 },
    instruments: ['kick', 'snare', 'hats', 'bass', 'pad'],
  });
  song = path.join(home, 'song.wav');
  fs.writeFileSync(song, encodeWav(track.audio, { bitDepth: 16 }));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('recut CLI', () => {
  it('prints help and version', () => {
    const help = recut('--help');
    expect(help.code).toBe(0);
    for (const c of ['serve', 'analyze', 'render', 'import', 'songs']) expect(help.stdout).toContain(c);
    expect(recut('--version', '--json').json()).toEqual({ version: JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version });
  });

  it('fails bad arguments with exit 2 and one line on stderr', () => {
    for (const args of [['bogus'], ['analyze'], ['songs', '--nope'], ['serve', '--port', 'abc'], ['render', song]]) {
      const r = recut(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^recut: /);
    }
  });

  it('analyzes a file: beats, downbeats, meter and the 121 named feature columns', () => {
    const r = recut('analyze', song, '--json', '--features');
    expect(r.code, r.stderr).toBe(0);
    const a = r.json();
    expect(a.tempo).toBeGreaterThan(115);
    expect(a.tempo).toBeLessThan(125);
    expect(a.meter).toMatchObject({ beatsPerBar: 4, subdivision: 2, label: '4/4' });
    expect(a.beats.length).toBeGreaterThan(50);
    expect(a.downbeats.every((d: number) => a.beats.includes(d))).toBe(true);
    expect(a.features.columns).toEqual([...FEATURE_COLUMNS]);
    expect(a.features.columns).toHaveLength(121);
    expect(a.features.rows).toBe(a.beats.length + 1);
    expect(a.features.matrix).toHaveLength(a.features.rows);
    expect(a.features.matrix[0]).toHaveLength(121);
    expect(a.cached).toBe(false);
    expect(recut('analyze', song, '--json').json().cached).toBe(true);
  });

  it('renders the identity plan bit-identically and a cut to the exact planned length', () => {
    const { beats } = recut('analyze', song, '--json').json();
    const B = beats.length;
    const identity = path.join(home, 'identity.json');
    fs.writeFileSync(identity, JSON.stringify({ version: 1, includeIntro: true, segments: [{ from: 0, to: B, repeat: 1 }] }));
    const out = path.join(home, 'identity.wav');
    const r = recut('render', song, '--plan', identity, '-o', out, '--bit-depth', '16', '--json');
    expect(r.code, r.stderr).toBe(0);
    const src = decodeWav(fs.readFileSync(song));
    const got = decodeWav(fs.readFileSync(out));
    expect(got.channelData).toHaveLength(2);
    expect(Buffer.from(got.channelData[0].buffer).equals(Buffer.from(src.channelData[0].buffer))).toBe(true);
    expect(Buffer.from(got.channelData[1].buffer).equals(Buffer.from(src.channelData[1].buffer))).toBe(true);

    const cut = path.join(home, 'cut.json');
    fs.writeFileSync(cut, JSON.stringify({ version: 1, includeIntro: true, segments: [{ from: 0, to: 16, repeat: 1 }, { from: 32, to: B, repeat: 1 }] }));
    const outCut = path.join(home, 'cut.flac');
    const rc = recut('render', song, '--plan', cut, '-o', outCut, '--json');
    expect(rc.code, rc.stderr).toBe(0);
    const removed = Math.round(beats[32] * 44100) - Math.round(beats[16] * 44100);
    expect(Math.abs(rc.json().samples - (src.channelData[0].length - removed))).toBeLessThanOrEqual(1);
  });

  it('suggests edits that hit the target, render to that length, and score the same again', () => {
    const r = recut('suggest', song, '--target', '15', '--count', '3', '--seed', '5', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = r.json();
    expect(s.candidates.length).toBeGreaterThanOrEqual(2);
    for (const c of s.candidates) {
      expect(Math.abs(c.durationSeconds - 15)).toBeLessThanOrEqual(0.05);
      expect(c.actions.length).toBeGreaterThan(10);
      for (const t of Object.values(c.reward.terms) as Array<{ value: number }>) expect(t.value).toBeGreaterThanOrEqual(0);
    }
    expect(recut('suggest', song, '--target', '15', '--count', '3', '--seed', '5', '--json').json().candidates).toEqual(s.candidates);
    const best = s.candidates[0];
    const planFile = path.join(home, 'best.json');
    fs.writeFileSync(planFile, JSON.stringify(best.plan));
    const out = path.join(home, 'best.wav');
    const rendered = recut('render', song, '--plan', planFile, '-o', out, '--json').json();
    expect(Math.abs(rendered.durationSeconds - 15)).toBeLessThanOrEqual(0.05);
    const scored = recut('score', song, '--plan', planFile, '--target', '15', '--json').json();
    expect(scored.combined).toBeCloseTo(best.reward.combined, 9);
    expect(scored.mode).toBe('dense-only');
  });

  it('refuses a plan that does not fit the song with a typed error', () => {
    const bad = path.join(home, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ version: 1, includeIntro: true, segments: [{ from: 0, to: 99999, repeat: 1 }] }));
    const r = recut('render', song, '--plan', bad, '-o', path.join(home, 'x.wav'), '--json');
    expect(r.code).toBe(1);
    expect(r.json().error.kind).toBe('invalid_plan');
    fs.writeFileSync(bad, '{ not json');
    expect(recut('render', song, '--plan', bad, '-o', path.join(home, 'x.wav'), '--json').json().error.kind).toBe('invalid_plan');
    expect(fs.existsSync(path.join(home, 'x.wav'))).toBe(false);
  });
});

describe('recut model commands', () => {
  it('model-info counts the reward model parameters', () => {
    const r = recut('model-info', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().rewardModel).toMatchObject({ params: 2_630_273, inputs: 125, layers: 3, heads: 4, dModel: 256 });
  });

  it('backends lists every backend with availability, and refuses to remember one that cannot run', () => {
    const r = recut('backends', '--no-measure', '--json');
    expect(r.code, r.stderr).toBe(0);
    const names = r.json().backends.map((b: { name: string }) => b.name);
    for (const n of ['tensorflow', 'webgpu', 'wasm', 'cpu']) expect(names).toContain(n);
    for (const b of r.json().backends) expect(b.available || typeof b.reason === 'string').toBe(true);
    expect(recut('backends', '--no-measure', '--device', 'wasm', '--json').json().chosen).toBe('wasm');
    const tfNode = r.json().backends.find((b: { name: string; available: boolean }) => b.name === 'tensorflow' && !b.available);
    if (tfNode) expect(recut('backends', '--no-measure', '--device', 'tensorflow').code).toBe(2);
    expect(recut('backends', '--device', 'quantum').code).toBe(2);
  });

  it('eval takes editors from a module and songs from a folder, and names what is wrong with either', () => {
    const music = path.join(home, 'music');
    fs.mkdirSync(music, { recursive: true });
    simSongSpecs(3, 11).forEach((spec, i) => fs.writeFileSync(path.join(music, `song-${i}.wav`), encodeWav(synthesize(spec).audio, { bitDepth: 16 })));
    fs.writeFileSync(path.join(music, 'notes.txt'), 'not audio');
    const module = path.join(home, 'my-editors.mjs');
    fs.writeFileSync(module, 'export const editors = [{ name: "no-fades", description: "never a fade-out", score: (plan) => (plan.fadeOut ? 0 : 1) }];\n');
    const evalHome = path.join(home, 'eval');
    const r = recut('eval', '--editors-module', module, '--songs-dir', music, '--verdicts', '9', '--algorithms', 'none', '--home', evalHome, '--device', 'wasm', '--json');
    expect(r.code, r.stderr).toBe(0);
    const e = r.json().editors;
    expect(e.map((x: { editor: string }) => x.editor)).toEqual(['no-fades']);
    expect(e[0]).toMatchObject({ trainSongs: 2, heldOutSongs: 1, policies: [] });

    const fewSongs = path.join(home, 'few-songs');
    const twice = path.join(home, 'same-song-twice');
    for (const d of [fewSongs, twice]) fs.mkdirSync(d, { recursive: true });
    fs.copyFileSync(path.join(music, 'song-0.wav'), path.join(fewSongs, 'only.wav'));
    for (const n of ['a', 'b']) fs.copyFileSync(path.join(music, 'song-0.wav'), path.join(twice, `${n}.wav`));
    fs.copyFileSync(path.join(music, 'song-1.wav'), path.join(twice, 'c.wav'));
    const bad = path.join(home, 'bad-editors.mjs');
    fs.writeFileSync(bad, 'export const something = 1;\n');
    const cases: Array<[string[], RegExp]> = [
      [['--editors-module', bad, '--songs-dir', music], /exports no editors/],
      [['--editors-module', path.join(home, 'missing.mjs'), '--songs-dir', music], /does not exist/],
      [['--songs-dir', path.join(home, 'no-such-dir')], /cannot read/],
      [['--songs-dir', module], /is not a folder/],
      [['--songs-dir', fewSongs], /has 1 audio file\(s\)/],
      [['--songs-dir', twice], /the same audio appears twice/],
    ];
    for (const [args, message] of cases) {
      const x = recut('eval', ...args, '--algorithms', 'none', '--home', evalHome);
      expect(x.code, args.join(' ')).not.toBe(0);
      expect(x.stderr, args.join(' ')).toMatch(message);
    }
  }, 180_000);
});
