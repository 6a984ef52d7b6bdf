import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecutError } from '../../shared/errors';
import { removeStaleTemps, writeFileAtomic } from './atomic';

const dirs: string[] = [];
const tmpdir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'recut-atomic-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('writeFileAtomic', () => {
  it('writes and replaces a file leaving no temp files behind', () => {
    const dir = tmpdir();
    const file = path.join(dir, 'a.bin');
    writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    writeFileAtomic(file, 'hello');
    expect(fs.readFileSync(file, 'utf8')).toBe('hello');
    expect(fs.readdirSync(dir)).toEqual(['a.bin']);
  });

  it('keeps the previous file intact when the write fails', () => {
    const dir = tmpdir();
    const file = path.join(dir, 'keep.txt');
    writeFileAtomic(file, 'old');
    fs.chmodSync(dir, 0o500); // the folder refuses new files
    try {
      if (process.getuid?.() === 0) {
        // root ignores permissions: make the rename fail instead by targeting a directory
        fs.chmodSync(dir, 0o700);
        fs.mkdirSync(path.join(dir, 'sub'));
        expect(() => writeFileAtomic(path.join(dir, 'sub'), 'new')).toThrow(RecutError);
      } else {
        expect(() => writeFileAtomic(file, 'new')).toThrow(RecutError);
      }
    } finally {
      fs.chmodSync(dir, 0o700);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('removeStaleTemps', () => {
  it('removes temp files of dead writers, keeps those of live ones and other files', () => {
    const dir = tmpdir();
    const dead = 2 ** 22 + 12345; // above the default pid_max: never a live process
    fs.writeFileSync(path.join(dir, `.model.rckpt.${dead}.0123abcd.tmp`), 'torn');
    fs.writeFileSync(path.join(dir, `.model.rckpt.${process.pid}.89abcdef.tmp`), 'in progress');
    fs.writeFileSync(path.join(dir, 'model.rckpt'), 'good');
    expect(removeStaleTemps(dir)).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual([`.model.rckpt.${process.pid}.89abcdef.tmp`, 'model.rckpt']);
    // A write cleans its own target's leftovers.
    fs.writeFileSync(path.join(dir, `.model.rckpt.${dead}.fedcba98.tmp`), 'torn');
    writeFileAtomic(path.join(dir, 'model.rckpt'), 'new');
    expect(fs.readdirSync(dir).filter((f) => f.includes(String(dead)))).toEqual([]);
  });
});
