// One writer per run directory and per sweep directory: two `train`s (or two `sweep`s) into the same folder would
// interleave metrics and race on checkpoints. The lock is a file created with O_EXCL holding the owner's pid and
// host; a lock whose pid is gone on this same host is stale (a killed writer) and is taken over. A lock from another
// host cannot be checked from here, so it is honoured and the message says how to remove it.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'prunerl.lock';

interface LockOwner { pid: number; host: string; since: string; command: string }

export interface DirLock {
  readonly path: string;
  /** Removes the lock file if it is still ours; safe to call more than once. */
  release(): void;
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return Number.isSafeInteger(o.pid) && typeof o.host === 'string' ? (o as LockOwner) : null;
  } catch {
    return null; // unreadable or half-written: treated below as held, unless it stays so (see acquireDirLock)
  }
}

/**
 * Takes the exclusive lock of `dir` for `command` ('train', 'sweep'), or throws a one-line error naming the holder.
 * The lock is released by `release()` and, as a backstop, when the process exits.
 */
export function acquireDirLock(dir: string, command: string): DirLock {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(path);
      if (owner === null) {
        // A lock file being written this instant, or garbage: wait briefly once, then treat garbage as stale.
        if (attempt === 0) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); continue; }
        rmSync(path, { force: true });
        continue;
      }
      if (owner.host === me.host && owner.pid !== process.pid && !pidIsAlive(owner.pid)) {
        rmSync(path, { force: true }); // stale: its writer was killed
        continue;
      }
      throw new Error(`Expected no other writer of ${dir} but ${owner.command || 'a prunerl process'} pid ${owner.pid} on ${owner.host} holds ${path} since ${owner.since}; wait for it, or delete the lock file if that process is gone`);
    }
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
    } finally {
      closeSync(fd);
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      process.removeListener('exit', release);
      const owner = readOwner(path);
      if (owner && owner.pid === me.pid && owner.host === me.host && owner.since === me.since) rmSync(path, { force: true });
    };
    process.on('exit', release);
    return { path, release };
  }
  throw new Error(`Expected to take the lock ${path} but it kept changing; is another prunerl writing to ${dir}?`);
}
