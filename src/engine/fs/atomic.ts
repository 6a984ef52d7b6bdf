import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RecutError } from '../../shared/errors';

/**
 * Writes a file so that a crash at any moment leaves either the old file or the new one, never a torn
 * one: temp file in the same folder, fsync, rename over the target, fsync the folder (so the rename
 * itself is durable). On failure the temp file is removed and the old file is untouched.
 */
export function writeFileAtomic(target: string, data: Uint8Array | string): void {
  const dir = path.dirname(target);
  removeStaleTemps(dir, path.basename(target));
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'w', 0o644);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, target);
    fsyncDir(dir);
  } catch (e) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw new RecutError('io', `could not write ${target}: ${(e as Error).message}`, { code: (e as NodeJS.ErrnoException).code });
  }
}

const TEMP_RE = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes temp files that writers killed mid-write left behind (for `name`, or every one in `dir`),
 * skipping those of processes still alive (they may be writing right now).
 */
export function removeStaleTemps(dir: string, name?: string): number {
  let removed = 0;
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const f of entries) {
    const m = TEMP_RE.exec(f);
    if (!m || (name !== undefined && m[1] !== name) || processAlive(Number(m[2]))) continue;
    try {
      fs.rmSync(path.join(dir, f), { force: true });
      removed++;
    } catch {
      // best effort: the next write tries again
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fsyncDir(dir: string): void {
  // Windows cannot open a directory for fsync; its rename is already metadata-journalled by NTFS.
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
