// The local pool with a fake trainer (test/fixtures/fake_trainer.mjs) that keeps the trainer's file contract.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/run_sweep.js';
import { trainCommandPrefix } from '../../src/sweep/train_process.js';
import { repoRoot } from '../helpers/transpiled_src.js';

const fake = join(repoRoot, 'test', 'fixtures', 'fake_trainer.mjs');
const root = mkdtempSync(join(tmpdir(), 'prunerl-pool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function setup(name: string, base: Record<string, unknown>, grid: Record<string, unknown[]>) {
  const dir = join(root, name);
  const file = join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, base, grid }));
  const log = join(root, `${name}.log`);
  const env = { ...process.env, PRUNERL_TRAIN_COMMAND: JSON.stringify([process.execPath, fake]), FAKE_TRAINER_LOG: log };
  const events = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')) : []);
  return { dir, file, env, events };
}

describe('train command', () => {
  it('defaults to bin/prunerl.js and takes PRUNERL_TRAIN_COMMAND as a JSON array', () => {
    expect(trainCommandPrefix({})).toEqual([process.execPath, join(repoRoot, 'bin', 'prunerl.js')]);
    expect(trainCommandPrefix({ PRUNERL_TRAIN_COMMAND: '["nice","node","x.js"]' })).toEqual(['nice', 'node', 'x.js']);
    expect(() => trainCommandPrefix({ PRUNERL_TRAIN_COMMAND: 'node x.js' })).toThrow(
      "Expected a JSON array of strings for PRUNERL_TRAIN_COMMAND but received string 'node x.js'",
    );
  });

  it('checks run options against the trainer\'s schema when the real trainer runs them', async () => {
    const s = setup('typo', { frames: 100 }, { env: ['CartPole-v1'], widht: [1] });
    await expect(runSweep(s.file, { out: s.dir, quiet: true, env: {} })).rejects.toThrow(/Invalid options of run CartPole-v1_widht-1: config: .*widht/);
  });
});

describe('local pool', () => {
  it('trains every run, at most --jobs at once, and skips them all when run again', async () => {
    const s = setup('all', { frames: 400, agent: 'dqn', fakeEvals: 3, fakeEvalMs: 150 }, { env: ['fake/a', 'fake/b'], sparsity: [0, 0.9], seed: [0] });
    const result = await runSweep(s.file, { out: s.dir, jobs: 2, quiet: true, env: s.env, pollMs: 50 });
    expect(result.finished.sort()).toEqual(['fake-a_s0.9_seed0', 'fake-a_s0_seed0', 'fake-b_s0.9_seed0', 'fake-b_s0_seed0']);
    expect(result.failed).toEqual([]);
    for (const id of result.finished) {
      const runDir = join(s.dir, 'runs', id);
      expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
      expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).env).toMatch(/^fake\//);
    }
    // Never more than two trainers alive at once: replay the start/finish log.
    let alive = 0, most = 0;
    for (const [what] of s.events()) {
      alive += what === 'finish' ? -1 : 1;
      most = Math.max(most, alive);
    }
    expect(most).toBe(2);
    const manifest = JSON.parse(readFileSync(join(s.dir, 'sweep.json'), 'utf8'));
    expect(manifest.runs).toHaveLength(4);

    const again = await runSweep(s.file, { out: s.dir, jobs: 2, quiet: true, env: s.env });
    expect(again.finished).toEqual([]);
    expect(again.skipped).toHaveLength(4);
    expect(s.events().filter(([w]) => w === 'start')).toHaveLength(4);
  });

  it('resumes interrupted runs from their checkpoints', async () => {
    const s = setup('resume', { frames: 600, fakeEvals: 6, fakeEvalMs: 100 }, { env: ['fake/a'], seed: [0, 1] });
    const controller = new AbortController();
    const runDir = join(s.dir, 'runs', 'fake-a_seed0');
    const watcher = setInterval(() => {
      if (existsSync(join(runDir, 'checkpoint.prl')) && JSON.parse(readFileSync(join(runDir, 'checkpoint.prl'), 'utf8')).evals >= 2) controller.abort();
    }, 20);
    const first = await runSweep(s.file, { out: s.dir, jobs: 2, quiet: true, env: s.env, signal: controller.signal });
    clearInterval(watcher);
    expect(first.interrupted).toBe(true);
    expect(first.finished).toEqual([]);
    expect(existsSync(join(runDir, 'summary.json'))).toBe(false);
    const withCheckpoint = ['fake-a_seed0', 'fake-a_seed1'].filter((id) => existsSync(join(s.dir, 'runs', id, 'checkpoint.prl')));

    const second = await runSweep(s.file, { out: s.dir, jobs: 2, quiet: true, env: s.env });
    expect(second.finished.sort()).toEqual(['fake-a_seed0', 'fake-a_seed1']);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect(summary.resumedFrom).toBeGreaterThanOrEqual(2);
    // The metrics of both parts make one curve, each evaluation once.
    const frames = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).frames);
    expect(frames).toEqual([100, 200, 300, 400, 500, 600]);
    // Each run that had reached a checkpoint resumed; one that had not started over.
    expect(s.events().filter(([w]) => w === 'resume').map(([, out]) => out!.split('/').pop()).sort()).toEqual(withCheckpoint);
  });

  it('retries a failed run and reports one that keeps failing', async () => {
    const s = setup('retry', { frames: 100, fakeEvals: 1, fakeEvalMs: 10, fakeFailOnce: true }, { env: ['fake/a'] });
    const retried = await runSweep(s.file, { out: s.dir, quiet: true, env: s.env, retries: 1 });
    expect(retried.finished).toEqual(['fake-a']);

    const t = setup('fail', { frames: 100, fakeEvals: 1, fakeEvalMs: 10, fakeFailOnce: true }, { env: ['fake/a'] });
    const failed = await runSweep(t.file, { out: t.dir, quiet: true, env: t.env, retries: 0 });
    expect(failed.failed).toEqual([{ id: 'fake-a', reason: 'exit code 3: fake trainer: failing once on purpose' }]);
  });

  it('gives up when runs keep failing the same way before training a frame, and not when one run fails', async () => {
    const s = setup('broken', { frames: 100, fakeEvals: 1, fakeEvalMs: 10, fakeFailAlways: true }, { env: ['fake/a'], seed: [0, 1, 2, 3, 4, 5] });
    const result = await runSweep(s.file, { out: s.dir, quiet: true, env: s.env, jobs: 1, retries: 1 });
    const reason = 'exit code 4: fake trainer: the native addon is not built (on purpose)';
    expect(result.abandoned).toBe(reason);
    // seed 0: two attempts, seed 1: its first one → three in a row; seeds 2-5 never start.
    expect(result.failed).toEqual([{ id: 'fake-a_seed0', reason }, { id: 'fake-a_seed1', reason }]);
    expect(s.events().filter(([w]) => w === 'start')).toHaveLength(3);

    const { StartupFailureWatch } = await import('../../src/sweep/run_outcome.js');
    const watch = new StartupFailureWatch(2);
    expect(watch.record('a')).toBeNull();
    expect(watch.record('b')).toBeNull(); // a different reason starts a new count
    expect(watch.record(null)).toBeNull(); // a run that trained resets it
    expect(watch.record('b')).toBeNull();
    expect(watch.record('b')).toBe('b');
  });

  it('refuses to reuse a run folder that holds another config, but accepts the trainer\'s resolved one', async () => {
    const s = setup('clash', { frames: 100, fakeEvals: 1, fakeEvalMs: 10 }, { env: ['fake/a'] });
    await runSweep(s.file, { out: s.dir, quiet: true, env: s.env });
    // As the real trainer does: config.json rewritten with every default filled in.
    const configPath = join(s.dir, 'runs', 'fake-a', 'config.json');
    writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(configPath, 'utf8')), gamma: 0.99, batchSize: 32 }));
    expect((await runSweep(s.file, { out: s.dir, quiet: true, env: s.env })).skipped).toEqual(['fake-a']);
    writeFileSync(s.file, JSON.stringify({ name: 'clash', base: { frames: 200, fakeEvals: 1 }, grid: { env: ['fake/a'] } }));
    await expect(runSweep(s.file, { out: s.dir, quiet: true, env: s.env })).rejects.toThrow(/to hold run fake-a with frames 200 but received frames 100; use another output folder$/);
    expect(readdirSync(join(s.dir, 'runs'))).toEqual(['fake-a']);
  });
});

describe('sweep progress', () => {
  it('counts runs and frames across the sweep and prints one line for all of them', async () => {
    const { SweepProgress } = await import('../../src/sweep/sweep_progress.js');
    let text = '';
    const stream = { write: (s: string) => ((text += s), true), isTTY: false } as unknown as NodeJS.WritableStream;
    const progress = new SweepProgress([{ id: 'a', totalFrames: 100 }, { id: 'b', totalFrames: 300 }, { id: 'c', totalFrames: 100 }], { stream });
    progress.start();
    progress.set('a', 'done');
    progress.set('b', 'running', 150);
    progress.set('c', 'failed', 500); // clamped to the run's own total
    expect(progress.counts()).toEqual({ done: 1, running: 1, failed: 1, pending: 0, frames: 350, totalFrames: 500 });
    progress.stop();
    expect(text).toMatch(/sweep \|.*\| 70% \| 1\/3 runs done, 1 running, 1 failed \| 350\/500 frames/);
  });

  it('estimates the time left from the frames trained in this invocation only', async () => {
    const { SweepProgress, formatDuration } = await import('../../src/sweep/sweep_progress.js');
    let now = 0;
    const progress = new SweepProgress(
      [{ id: 'skipped', totalFrames: 1000 }, { id: 'resumed', totalFrames: 1000 }, { id: 'fresh', totalFrames: 1000 }],
      { silent: true, now: () => now },
    );
    progress.set('skipped', 'done'); // finished before: none of its frames were trained now
    progress.start();
    progress.set('resumed', 'running', 600); // its checkpoint's 600 frames were not trained now either
    progress.set('fresh', 'running', 0);
    now = 2000;
    expect(progress.etaSeconds()).toBeNull(); // no frames trained yet, and too early for a rate
    now = 10_000;
    progress.set('resumed', 'running', 700);
    progress.set('fresh', 'running', 100);
    // 200 frames in 10 s → 20 frames/s; left: 300 + 900 frames → 60 s.
    expect(progress.etaSeconds()).toBeCloseTo(60, 9);
    progress.set('resumed', 'failed', 700); // a failed run's remaining frames will not be trained
    expect(progress.etaSeconds()).toBeCloseTo(45, 9);
    expect([null, Infinity, 45.4, 450, 7530].map(formatDuration)).toEqual(['--', '--', '45s', '7m30s', '2h05m']);
  });
});
