// `prunerl worker`: takes runs from the queue and trains them here, one at a time by default. A run's files live
// in <work-dir>/<sweep>/<run-id>, so a run this machine had started resumes from its checkpoint when it comes
// back (after a crash or a Ctrl-C); workers that share a disk share checkpoints too.
import { readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { connectRedis, queueName, resultFiles, resultKey, type RunJobData, type RunResult } from './queue.js';
import { lastLogLine } from './run_outcome.js';
import { checkRunJob } from './run_job.js';
import { outageLog } from './outage_log.js';
import { runState, writeRunConfig } from './sweep_dir.js';
import { framesReached } from './sweep_progress.js';
import { startTrain } from './train_process.js';
import { expectInteger } from '../validate.js';

export interface QueueWorkerOptions {
  url: string;
  workDir: string;
  /** Runs trained at once by this worker. */
  concurrency?: number;
  /** Replaces `node bin/prunerl.js` in the trainer's command (see train_process.ts). */
  prefix?: string[];
  env?: NodeJS.ProcessEnv;
  /** A job whose worker stops renewing its lock for this long is given to another worker. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How often progress is reported and the result record checked while a run trains. */
  pollMs?: number;
  log?: (line: string) => void;
}

export interface QueueWorker {
  /** Stops taking jobs; running trainers are stopped and their jobs put back in the queue to resume later. */
  close(): Promise<void>;
}

const tailBytes = 64 * 1024;

function readResultFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of resultFiles) {
    try {
      const text = readFileSync(join(dir, name), 'utf8');
      files[name] = name === 'train.log' && text.length > tailBytes ? text.slice(-tailBytes) : text;
    } catch {
      // metrics.csv or train.log may be missing; summary.json is there (the run is finished)
    }
  }
  return files;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const concurrency = expectInteger(options.concurrency ?? 1, 'concurrency', 1, 256);
  const pollMs = options.pollMs ?? 2000;
  const workDir = resolve(options.workDir);
  const log = options.log ?? ((line: string) => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`));
  const me = `${hostname()}:${process.pid}`;
  // As in the local pool: trainers running side by side share the cores instead of each taking all of them.
  const baseEnv = options.env ?? process.env;
  const env = concurrency > 1 && baseEnv.PRUNERL_THREADS === undefined
    ? { ...baseEnv, PRUNERL_THREADS: String(Math.max(1, Math.floor(availableParallelism() / concurrency))) }
    : baseEnv;
  const results = await connectRedis(options.url);
  const workerConnection = await connectRedis(options.url);
  let closing = false;
  const stopping = new Set<() => void>();

  const processRun = async (job: Job<RunJobData>, token?: string, signal?: AbortSignal): Promise<{ runId: string; recorded: boolean }> => {
    let checked: ReturnType<typeof checkRunJob>;
    try {
      checked = checkRunJob(job.data, workDir, { checkConfig: !env.PRUNERL_TRAIN_COMMAND });
    } catch (err) {
      // Retrying cannot fix a malformed job: fail it now, with the reason, having written nothing.
      throw new UnrecoverableError((err as Error).message);
    }
    const { runId, config } = checked.job;
    const key = resultKey(job.id!);
    if (await results.exists(key)) {
      log(`${runId}: already finished elsewhere, not run again`);
      return { runId, recorded: false };
    }
    const dir = checked.dir;
    writeRunConfig(dir, { id: runId, config, point: {} });
    if (runState(dir) !== 'finished') {
      const resume = runState(dir) === 'resumable';
      log(`${runId}: ${resume ? 'resuming from checkpoint' : 'starting'} (attempt ${job.attemptsMade + 1})`);
      const trainer = startTrain(dir, { resume, prefix: options.prefix, env });
      let why: 'finished elsewhere' | 'shutdown' | 'lock lost' | null = null;
      const stop = (reason: typeof why) => {
        why ??= reason;
        trainer.stop();
      };
      const onShutdown = () => stop('shutdown');
      const onAbort = () => stop('lock lost');
      stopping.add(onShutdown);
      signal?.addEventListener('abort', onAbort);
      const timer = setInterval(() => {
        void job.updateProgress({ frames: framesReached(dir) }).catch(() => {});
        void results.exists(key).then((n) => n && stop('finished elsewhere'), () => {});
      }, pollMs);
      const { code } = await trainer.exited;
      clearInterval(timer);
      stopping.delete(onShutdown);
      signal?.removeEventListener('abort', onAbort);
      if (why === 'finished elsewhere') return { runId, recorded: false };
      // Ctrl-C reaches the trainer too (one process group), which may exit before we hear of it: closing counts.
      if ((why === 'shutdown' || (closing && runState(dir) !== 'finished')) && token) {
        // Back to the queue without spending an attempt: the run resumes from its checkpoint later.
        await job.moveToDelayed(Date.now() + 1000, token);
        throw new DelayedError();
      }
      if (runState(dir) !== 'finished') throw new Error(`run ${runId} exited with code ${code}: ${lastLogLine(dir)}`);
    }
    const result: RunResult = { runId, worker: me, finishedAt: new Date().toISOString(), files: readResultFiles(dir) };
    const recorded = (await results.set(key, JSON.stringify(result), 'NX')) === 'OK';
    log(`${runId}: finished${recorded ? '' : ' but another worker had recorded it first; this result is discarded'}`);
    return { runId, recorded };
  };

  const worker = new Worker<RunJobData>(queueName, processRun, {
    connection: workerConnection,
    concurrency,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    // A run whose worker died is handed on; one that keeps killing workers is failed after a few tries.
    maxStalledCount: 3,
  });
  worker.on('failed', (job, err) => {
    if (job && !(err instanceof DelayedError)) log(`${job.data.runId}: attempt failed: ${err.message}`);
  });
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const id of jobIds) worker.cancelJob(id, 'lock lost');
  });
  const outage = outageLog('worker', log);
  worker.on('error', (err) => outage.error(err));
  for (const connection of [results, workerConnection]) {
    connection.on('error', (err: Error) => outage.error(err));
    connection.on('ready', () => outage.ready());
  }
  await worker.waitUntilReady();
  log(`worker ${me} is taking runs from ${options.url} (concurrency ${concurrency}, work dir ${workDir})`);

  return {
    async close() {
      if (closing) return;
      closing = true;
      const done = worker.close();
      for (const stop of stopping) stop();
      await done;
      await Promise.all([results.quit().catch(() => {}), workerConnection.quit().catch(() => {})]);
    },
  };
}
