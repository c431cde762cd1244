// The queue when Redis misbehaves (issue 15 item 7): an outage is one line, not one per retry or a stack trace;
// a sweep whose Redis lost its data (restarted without persistence) queues the missing jobs again instead of
// waiting forever. The Redis-backed case needs redis-server and is skipped with the reason when it is absent.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outageLog } from '../../src/sweep/outage_log.js';
import { expandGrid } from '../../src/sweep/grid.js';
import { jobIdFor, queueName } from '../../src/sweep/queue.js';
import { startQueueWorker } from '../../src/sweep/queue_worker.js';
import { runQueuedSweep } from '../../src/sweep/queue_sweep.js';
import { parseSweepSpec } from '../../src/sweep/sweep_spec.js';
import { redisSkipReason, startRedisServer, type RedisServer } from '../helpers/redis_server.js';

describe('Redis outages', () => {
  it('print one line per outage, however many errors it brings', () => {
    const lines: string[] = [];
    const outage = outageLog('worker', (l) => lines.push(l));
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379\n    at TCPConnectWrap…'), { code: 'ECONNREFUSED' });
    for (let i = 0; i < 50; i++) outage.error(refused);
    outage.ready();
    outage.ready();
    outage.error(new Error('Connection is closed.'));
    expect(lines).toEqual([
      'worker: lost the connection to Redis (ECONNREFUSED); retrying until it is back',
      'worker: Redis is back',
      'worker: lost the connection to Redis (Connection is closed.); retrying until it is back',
    ]);
  });
});

describe.skipIf(redisSkipReason !== undefined)('a sweep whose Redis lost its data', () => {
  let redis: RedisServer;
  const root = mkdtempSync(join(tmpdir(), 'prunerl-lost-'));
  beforeAll(async () => { redis = await startRedisServer(); });
  afterAll(async () => {
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('has the worker fail a job whose run id would leave --work-dir, at once and with the reason', async () => {
    const workDir = join(root, 'work');
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(queueName, { connection });
    const worker = await startQueueWorker({ url: redis.url, workDir, log: () => {}, pollMs: 50 });
    try {
      await queue.add('evil', { sweep: 'lost', runId: '../../escape', config: { frames: 5000 } }, { jobId: 'evil-job', attempts: 3 });
      let state = 'waiting';
      for (let i = 0; i < 200 && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        state = await queue.getJobState('evil-job');
      }
      const job = await queue.getJob('evil-job');
      expect(state).toBe('failed');
      expect(job?.failedReason).toMatch(/^Expected job.runId to be a single path segment .* it contains a path separator/);
      expect(job?.attemptsMade).toBe(1); // not retried: no attempt can make the job safe
      expect(existsSync(join(root, 'escape'))).toBe(false);
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  }, 30_000);

  it('queues the missing jobs again and says so in one line', async () => {
    const spec = parseSweepSpec({ name: 'lost', base: { frames: 5000 }, grid: { seed: [0, 1] } }, 'lost.json');
    const runs = expandGrid(spec);
    const lines: string[] = [];
    const abort = new AbortController();
    const sweeping = runQueuedSweep(root, 'lost', runs, { url: redis.url, pollMs: 50, signal: abort.signal, log: (l) => lines.push(l) });
    const client = new Redis(redis.url);
    const waitingJobs = async () => (await client.keys('bull:prunerl-runs:*')).filter((k) => runs.some((r) => k.endsWith(jobIdFor('lost', r)))).length;
    try {
      for (let i = 0; i < 100 && (await waitingJobs()) < 2; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await waitingJobs()).toBe(2);
      await client.flushall(); // what a restart without persistence leaves (this server is ours alone)
      const noticed = () => lines.some((l) => /^sweep: 2 job\(s\) missing from Redis .*queued again: seed0, seed1$/.test(l));
      for (let i = 0; i < 200 && !noticed(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(noticed()).toBe(true);
      expect(await waitingJobs()).toBe(2);
    } finally {
      abort.abort();
      const outcome = await sweeping;
      expect(outcome.interrupted).toBe(true);
      client.disconnect();
    }
  }, 30_000);
});
