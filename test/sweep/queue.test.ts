// A sweep distributed through BullMQ on a real redis-server: two `prunerl worker` processes, one killed with
// SIGKILL while it trains. Every run must finish exactly once, results must land in the sweep folder, and the
// killed worker's trainer must not live on.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGrid } from '../../src/sweep/grid.js';
import { jobIdFor, resultKey, type RunResult } from '../../src/sweep/queue.js';
import { runSweep } from '../../src/sweep/run_sweep.js';
import { parseSweepSpec } from '../../src/sweep/sweep_spec.js';
import { redisSkipReason, startRedisServer, type RedisServer } from '../helpers/redis_server.js';
import { repoRoot, transpileSrc } from '../helpers/transpiled_src.js';

const fake = join(repoRoot, 'test', 'fixtures', 'fake_trainer.mjs');
const root = mkdtempSync(join(tmpdir(), 'prunerl-queue-'));
const log = join(root, 'trainer.log');
const env = { ...process.env, PRUNERL_TRAIN_COMMAND: JSON.stringify([process.execPath, fake]), FAKE_TRAINER_LOG: log };
let redis: RedisServer;
let compiled: { dir: string; dispose(): void };
const workers: ChildProcess[] = [];
let workerB: ReturnType<typeof startWorker> | undefined;

beforeAll(async () => {
  if (redisSkipReason) {
    console.warn(`queue tests skipped: ${redisSkipReason}`);
    return;
  }
  [redis, compiled] = await Promise.all([startRedisServer(), Promise.resolve(transpileSrc(['cli/commands/worker.ts']))]);
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await redis?.stop();
  compiled?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** `prunerl worker` from the transpiled sources, its stderr collected. */
function startWorker(workDir: string): { child: ChildProcess; output: () => string } {
  const entry = `
    import { Command } from 'commander';
    import { registerWorkerCommand } from ${JSON.stringify(join(compiled.dir, 'cli', 'commands', 'worker.js'))};
    const program = new Command('prunerl');
    registerWorkerCommand(program);
    await program.parseAsync(process.argv.slice(1), { from: 'user' });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', entry, 'worker', '--queue', redis.url, '--work-dir', workDir, '--lock-ms', '1000'], {
    cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  child.stderr!.on('data', (d) => (text += d));
  workers.push(child);
  return { child, output: () => text };
}

const events = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')) : []);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('queued sweep', () => {
  it('rejects a bad queue URL in one line', async () => {
    const { expectQueueUrl } = await import('../../src/sweep/queue.js');
    expect(() => expectQueueUrl('localhost:6379')).toThrow("Expected a Redis URL (redis://host:port) for --queue but received 'localhost:6379'");
  });

  it('says so in one line when Redis is not there', async () => {
    const file = join(root, 'nowhere.json');
    writeFileSync(file, JSON.stringify({ name: 'nowhere', grid: { env: ['fake/a'] } }));
    await expect(runSweep(file, { out: join(root, 'nowhere'), queue: 'redis://127.0.0.1:1', quiet: true, env })).rejects.toThrow(
      /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(--queue\): .*ECONNREFUSED/,
    );
  });

  it('runs every run exactly once through two workers, one killed mid-run', async (ctx) => {
    ctx.skip(redisSkipReason !== undefined, redisSkipReason);
    const t0 = performance.now();
    const spec = { name: 'q', base: { frames: 500, agent: 'dqn', fakeEvals: 4, fakeEvalMs: 150 }, grid: { env: ['fake/a', 'fake/b'], seed: [0, 1] } };
    const file = join(root, 'q.json');
    writeFileSync(file, JSON.stringify(spec));
    const sweepDir = join(root, 'sweep');
    const runs = expandGrid(parseSweepSpec(spec, 'q.json'));

    // One run's result is already recorded (as if another worker had finished it): nobody may train it again.
    const preset = runs[3]!;
    const client = new Redis(redis.url);
    const presetResult: RunResult = {
      runId: preset.id, worker: 'elsewhere:1', finishedAt: new Date().toISOString(),
      files: { 'metrics.jsonl': '{"frames":500,"evalReturn":1}\n', 'summary.json': '{"finalEvalReturn":1}' },
    };
    await client.set(resultKey(jobIdFor('q', preset)), JSON.stringify(presetResult));
    await client.quit();

    const a = startWorker(join(root, 'work-a'));
    const b = startWorker(join(root, 'work-b'));
    // Both workers wait on the queue before anything is queued, so each takes a run.
    for (let i = 0; i < 600 && !(a.output().includes('is taking runs') && b.output().includes('is taking runs')); i++) await sleep(50);
    const sweep = runSweep(file, { out: sweepDir, queue: redis.url, quiet: true, env, pollMs: 100 });

    // Kill worker A once its trainer has written an evaluation, i.e. mid-run.
    let victim: { runDir: string; trainerPid: number } | undefined;
    for (let i = 0; i < 300 && !victim; i++) {
      await sleep(50);
      const started = events().find(([what, out]) => what === 'start' && out!.startsWith(join(root, 'work-a')));
      if (started && existsSync(join(started[1]!, 'metrics.jsonl')) && readFileSync(join(started[1]!, 'metrics.jsonl'), 'utf8').length > 0) {
        victim = { runDir: started[1]!, trainerPid: Number(started[2]) };
      }
    }
    expect(victim, 'worker A never started a run').toBeDefined();
    a.child.kill('SIGKILL');

    const result = await sweep;
    const seconds = (performance.now() - t0) / 1000;
    console.log(`queued sweep of ${runs.length} runs with a worker killed: ${seconds.toFixed(1)} s`);

    expect(result.failed).toEqual([]);
    expect(result.finished.sort()).toEqual(runs.map((r) => r.id).sort());
    // Every run finished exactly once, the recorded one never started, and A's trainer died with A.
    const finishes = events().filter(([w]) => w === 'finish').map(([, out]) => out!.split('/').pop());
    expect(finishes.sort()).toEqual(runs.filter((r) => r !== preset).map((r) => r.id).sort());
    expect(events().some(([, out]) => out!.endsWith(preset.id))).toBe(false);
    const victimId = victim!.runDir.split('/').pop()!;
    await sleep(300);
    expect(alive(victim!.trainerPid)).toBe(false);
    expect(existsSync(join(victim!.runDir, 'summary.json'))).toBe(false);
    expect(readFileSync(join(sweepDir, 'runs', victimId, 'worker.txt'), 'utf8')).toMatch(new RegExp(`:${b.child.pid} `));
    // Results were gathered into the sweep folder, from both workers' machines.
    for (const run of runs) {
      const runDir = join(sweepDir, 'runs', run.id);
      expect(existsSync(join(runDir, 'summary.json'))).toBe(true);
      const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(run === preset ? 1 : 4);
    }
    expect(b.output()).toMatch(/already finished elsewhere|finished/);

    // Running the sweep again queues nothing and finds every run done.
    const again = await runSweep(file, { out: sweepDir, queue: redis.url, quiet: true, env });
    expect(again.skipped).toHaveLength(runs.length);
    workerB = b;
  });

  it('retries a failed run on the queue, reports one that fails every attempt, and can enqueue without waiting', async (ctx) => {
    ctx.skip(redisSkipReason !== undefined, redisSkipReason);
    expect(workerB, 'needs the worker left by the test before').toBeDefined();
    const file = join(root, 'r.json');
    writeFileSync(file, JSON.stringify({ name: 'r', base: { frames: 100, fakeEvals: 1, fakeEvalMs: 10, fakeFailOnce: true }, grid: { env: ['fake/a'] } }));
    const detached = await runSweep(file, { out: join(root, 'r'), queue: redis.url, quiet: true, env, attempts: 2, retryDelayMs: 100, detach: true });
    expect(detached.finished).toEqual([]);
    const collected = await runSweep(file, { out: join(root, 'r'), queue: redis.url, quiet: true, env, pollMs: 100 });
    expect(collected.finished).toEqual(['fake-a']);
    expect(workerB!.output()).toContain('fake-a: attempt failed: run fake-a exited with code 3: fake trainer: failing once on purpose');

    try {
      writeFileSync(file, JSON.stringify({ name: 'r1', base: { frames: 100, fakeEvals: 1, fakeEvalMs: 10, fakeFailOnce: true }, grid: { env: ['fake/a'] } }));
      const failed = await runSweep(file, { out: join(root, 'r1'), queue: redis.url, quiet: true, env, attempts: 1, pollMs: 100 });
      expect(failed.failed).toEqual([{ id: 'fake-a', reason: 'run fake-a exited with code 3: fake trainer: failing once on purpose' }]);
    } finally {
      // Stopped even when an assertion fails, so it cannot take the next test's run.
      workerB!.child.kill('SIGTERM');
      await new Promise((r) => workerB!.child.once('exit', r));
    }
  });

  it('puts a run back in the queue when its worker is stopped, and another worker resumes it from the checkpoint', async (ctx) => {
    ctx.skip(redisSkipReason !== undefined, redisSkipReason);
    const file = join(root, 'g.json');
    writeFileSync(file, JSON.stringify({ name: 'g', base: { frames: 600, fakeEvals: 6, fakeEvalMs: 150 }, grid: { env: ['fake/a'] } }));
    const shared = join(root, 'work-shared');
    const c = startWorker(shared);
    const sweep = runSweep(file, { out: join(root, 'g'), queue: redis.url, quiet: true, env, pollMs: 100 });
    const runDir = join(shared, 'g', 'fake-a');
    for (let i = 0; i < 300 && !existsSync(join(runDir, 'checkpoint.prl')); i++) await sleep(50);
    c.child.kill('SIGTERM'); // as Ctrl-C does
    await new Promise((r) => c.child.once('exit', r));
    expect(c.output()).toContain('worker: stopping; running runs go back to the queue');
    const d = startWorker(shared);
    const result = await sweep;
    expect(result.finished).toEqual(['fake-a']);
    expect(d.output()).toContain('fake-a: resuming from checkpoint (attempt 1)');
    const summary = JSON.parse(readFileSync(join(root, 'g', 'runs', 'fake-a', 'summary.json'), 'utf8'));
    expect(summary.resumedFrom).toBeGreaterThanOrEqual(1);
    expect(events().filter(([, out]) => out === runDir).map(([w]) => w)).toEqual(['start', 'resume', 'finish']);
    d.child.kill('SIGTERM');
    await new Promise((r) => d.child.once('exit', r));
  });
});
