// One writer per run and per sweep (issue 15 item 3): a lock file with the owner's pid and host; a second writer
// refuses in one line naming the holder; a lock left by a killed writer on this host is taken over.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDirLock, LOCK_FILE } from '../../src/train/dir_lock.js';
import { resolveConfig } from '../../src/train/train_config.js';
import { train } from '../../src/train/trainer.js';

const small = { env: 'CartPole-v1', frames: 400, learningStarts: 200, evalEvery: 400, evalEpisodes: 1, checkpointEvery: 400, replayCapacity: 1000 };
const children: ChildProcess[] = [];
afterAll(() => { for (const c of children) c.kill(); });

/** A process that is alive for the test's duration, standing in for another writer. */
function liveProcess(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

/** The pid of a process that has already exited, standing in for a writer killed with SIGKILL. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
}

function writeLock(dir: string, pid: number, host = hostname()): void {
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host, since: '2026-01-01T00:00:00.000Z', command: 'train' }));
}

describe('run directory lock', () => {
  it('refuses a second holder in one line naming the first one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunerl-lock-'));
    const lock = acquireDirLock(dir, 'train');
    expect(() => acquireDirLock(dir, 'train')).toThrow(new RegExp(`^Expected no other writer of .* but train pid ${process.pid} on ${hostname()} holds`));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireDirLock(dir, 'sweep').release();
  });

  it('refuses a lock held by a live process and one from another host; takes over one whose process is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunerl-lock-'));
    const live = liveProcess();
    writeLock(dir, live);
    expect(() => acquireDirLock(dir, 'train')).toThrow(new RegExp(`pid ${live} on ${hostname()}`));
    writeLock(dir, deadPid(), 'some-other-host');
    expect(() => acquireDirLock(dir, 'train')).toThrow(/on some-other-host/);
    writeLock(dir, deadPid());
    const lock = acquireDirLock(dir, 'train');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('makes a second train into a live run directory fail before writing anything, and two at once give one run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunerl-lock-run-'));
    writeLock(dir, liveProcess());
    await expect(train(resolveConfig(small), { out: dir })).rejects.toThrow(/Expected no other writer of/);
    expect(existsSync(join(dir, 'metrics.jsonl'))).toBe(false);

    const both = mkdtempSync(join(tmpdir(), 'prunerl-lock-both-'));
    const results = await Promise.allSettled([train(resolveConfig(small), { out: both }), train(resolveConfig(small), { out: both })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rows = readFileSync(join(both, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1); // one evaluation at 400 frames, not two interleaved runs
    expect(existsSync(join(both, LOCK_FILE))).toBe(false);
  }, 60_000);
});
