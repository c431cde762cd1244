// Writes a file so that a reader sees either the old file or the whole new one, never a truncated one: the bytes
// go to a temp file in the same folder (same file system, so the rename is atomic), are fsynced, then renamed over
// the target and the folder is fsynced. This is the rule src/train/archive.ts follows for archives, for raw bytes.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The temp file writeFileAtomic uses for `path` (hidden, next to it, unique per process). */
export function atomicTempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files that writers of `path` killed mid-write left behind (`.<name>.<pid>.tmp` whose pid is no
 * longer running), so that they do not pile up across kills. A live writer's temp file is left alone.
 */
export function removeStaleTemps(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pidText = name.slice(prefix.length, -'.tmp'.length);
    if (!/^\d+$/.test(pidText)) continue;
    const pid = Number(pidText);
    if (pid !== process.pid && processIsAlive(pid)) continue;
    rmSync(join(dirname(path), name), { force: true });
  }
}

/**
 * Writes `chunks` to `path` atomically. If anything throws before the rename (a failed write, a chunk producer
 * that throws), the temp file is removed and `path` is left as it was. A process killed mid-write leaves only the
 * hidden temp file behind, which the next writer of `path` removes.
 */
export function writeFileAtomic(path: string, chunks: Iterable<Uint8Array>): void {
  removeStaleTemps(path);
  const temp = atomicTempPath(path);
  const fd = openSync(temp, 'w');
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.byteLength) written += writeSync(fd, chunk, written);
    }
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  try {
    closeSync(fd);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  try {
    const dirFd = openSync(dirname(path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Some file systems do not allow fsync on a directory; the rename itself is still atomic.
  }
}

/** Writes a text file atomically (config.json, summary.json, metrics logs rebuilt on resume). */
export function writeTextFileAtomic(path: string, text: string): void {
  writeFileAtomic(path, [Buffer.from(text, 'utf8')]);
}
