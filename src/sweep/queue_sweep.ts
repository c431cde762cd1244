// `prunerl sweep --queue redis://…`: puts every unfinished run on the queue (once: the job id is derived from the
// run), then waits, showing progress, and writes each result into the sweep folder as it is recorded. Stopping
// it does not stop the workers; running it again enqueues nothing new and collects whatever has finished since.
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { PlannedRun } from './grid.js';
import { connectRedis, jobIdFor, queueName, resultKey, type RunJobData, type RunResult } from './queue.js';
import { emptyOutcome, type SweepOutcome } from './run_outcome.js';
import { runDirOf, runState, writeFileAtomic } from './sweep_dir.js';
import type { SweepProgress } from './sweep_progress.js';
import { expectInteger } from '../validate.js';
import { outageLog } from './outage_log.js';

export interface QueuedSweepOptions {
  url: string;
  /** Tries per run before it is reported failed (BullMQ `attempts`); each retry resumes from a checkpoint. */
  attempts?: number;
  /** Wait before the first retry, doubling after each (BullMQ's exponential backoff). */
  retryDelayMs?: number;
  progress?: SweepProgress;
  pollMs?: number;
  /** Enqueue and return without waiting for results. */
  detach?: boolean;
  /** Aborting stops waiting; the workers go on. */
  signal?: AbortSignal;
  /** Where one-line notices go (Redis outages, re-queued jobs); default stderr. */
  log?: (line: string) => void;
}

/** Writes a recorded result into the run's folder; summary.json goes last because it marks the run finished. */
export function unpackResult(runDir: string, result: RunResult): void {
  for (const [name, text] of Object.entries(result.files)) if (name !== 'summary.json') writeFileAtomic(join(runDir, name), text);
  writeFileAtomic(join(runDir, 'worker.txt'), `${result.worker} ${result.finishedAt}\n`);
  if (result.files['summary.json'] === undefined) throw new Error(`the result of run ${result.runId} has no summary.json`);
  writeFileAtomic(join(runDir, 'summary.json'), result.files['summary.json']);
}

export async function runQueuedSweep(sweepDir: string, sweep: string, runs: PlannedRun[], options: QueuedSweepOptions): Promise<SweepOutcome> {
  const attempts = expectInteger(options.attempts ?? 3, 'attempts', 1, 100);
  const { progress, signal } = options;
  const outcome = emptyOutcome();
  const redis = await connectRedis(options.url);
  const queue = new Queue<RunJobData>(queueName, { connection: redis });
  const say = options.log ?? ((line: string) => console.error(line));
  const outage = outageLog('sweep', say);
  queue.on('error', (err) => outage.error(err));
  redis.on('error', (err: Error) => outage.error(err));
  redis.on('ready', () => outage.ready());
  let started = false;
  try {
    const outstanding = new Map<string, { run: PlannedRun; jobId: string }>();
    for (const run of runs) {
      if (runState(runDirOf(sweepDir, run.id)) === 'finished') {
        outcome.skipped.push(run.id);
        progress?.set(run.id, 'done');
      } else {
        outstanding.set(run.id, { run, jobId: jobIdFor(sweep, run) });
      }
    }
    const collect = async (): Promise<void> => {
      const entries = [...outstanding.values()];
      if (entries.length === 0) return;
      const recorded = await redis.mget(...entries.map((e) => resultKey(e.jobId)));
      entries.forEach((e, i) => {
        if (recorded[i] == null) return;
        unpackResult(runDirOf(sweepDir, e.run.id), JSON.parse(recorded[i]!) as RunResult);
        outcome.finished.push(e.run.id);
        progress?.set(e.run.id, 'done');
        outstanding.delete(e.run.id);
      });
    };
    await collect();
    for (const { run, jobId } of outstanding.values()) {
      const job = await queue.getJob(jobId);
      const state = job ? await job.getState() : 'unknown';
      if (job && state === 'failed') {
        await job.retry('failed', { resetAttemptsMade: true });
      } else if (job && state === 'completed') {
        // Completed without a recorded result (its finish was discarded as a duplicate whose winner then lost
        // the record, or the record was deleted): run it again.
        await job.remove();
        await queue.add(run.id, { sweep, runId: run.id, config: run.config }, jobOptions(jobId, attempts, options.retryDelayMs ?? 5000));
      } else if (!job) {
        await queue.add(run.id, { sweep, runId: run.id, config: run.config }, jobOptions(jobId, attempts, options.retryDelayMs ?? 5000));
      }
    }
    if (options.detach) return outcome;

    progress?.start();
    started = true;
    while (outstanding.size > 0 && !signal?.aborted) {
      await collect();
      const requeued: string[] = [];
      for (const { run, jobId } of outstanding.values()) {
        // The state first, then the job: read the other way round, a job that fails in between reads as failed
        // with the hash fetched while it was still active, so without its failedReason.
        const state = await queue.getJobState(jobId);
        const job = await queue.getJob(jobId);
        const frames = job && typeof job.progress === 'object' ? Number((job.progress as { frames?: number }).frames ?? 0) : 0;
        if (state === 'unknown') {
          // Neither a job nor a result: Redis lost its data (restarted without persistence, flushed). Waiting
          // would never end, so the run is queued again; a worker resumes it from its checkpoint if it has one.
          await queue.add(run.id, { sweep, runId: run.id, config: run.config }, jobOptions(jobId, attempts, options.retryDelayMs ?? 5000));
          requeued.push(run.id);
          progress?.set(run.id, 'pending', 0);
        } else if (state === 'failed') {
          outcome.failed.push({ id: run.id, reason: job?.failedReason ?? 'failed' });
          progress?.set(run.id, 'failed', frames);
          outstanding.delete(run.id);
        } else {
          progress?.set(run.id, state === 'active' ? 'running' : 'pending', frames);
        }
      }
      if (requeued.length > 0) {
        say(`sweep: ${requeued.length} job(s) missing from Redis (was it restarted without persistence?); queued again: ${requeued.slice(0, 5).join(', ')}${requeued.length > 5 ? ', …' : ''}`);
      }
      progress?.render();
      if (outstanding.size > 0) await sleep(options.pollMs ?? 1000, signal);
    }
    if (outstanding.size > 0) outcome.interrupted = true;
    return outcome;
  } finally {
    if (started) progress?.stop();
    await queue.close();
    await redis.quit().catch(() => {});
  }
}

function jobOptions(jobId: string, attempts: number, retryDelayMs: number) {
  return {
    jobId,
    attempts,
    backoff: { type: 'exponential' as const, delay: retryDelayMs },
    // Kept so a later `prunerl sweep` can tell a failed run from one never queued.
    removeOnComplete: false,
    removeOnFail: false,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolveSleep();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolveSleep();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
