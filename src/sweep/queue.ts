// What the sweep command and its workers agree on when a sweep is distributed through BullMQ on Redis:
// one queue, one job per run, and one result record per run.
//
// Why a separate result record: BullMQ delivers a job at least once (a worker whose lock expires, say after a
// network partition, can find its job handed to another). The result key is written with SET NX, so exactly one
// completion is ever recorded; a worker checks it before starting and while training, and stops a run that
// someone else has finished. Results travel through Redis, so workers need no shared disk: `prunerl sweep`
// writes them into its sweep folder, the one place they are gathered.
import { Redis } from 'ioredis';
import { shortHash, type PlannedRun, type RunConfig } from './grid.js';

export const queueName = 'prunerl-runs';

export interface RunJobData {
  sweep: string;
  runId: string;
  config: RunConfig;
}

/** The files of a finished run, as the trainer wrote them; summary.json is written last when they are unpacked. */
export interface RunResult {
  runId: string;
  /** host:pid of the worker that finished it. */
  worker: string;
  finishedAt: string;
  files: Record<string, string>;
}

export const resultFiles = ['metrics.jsonl', 'metrics.csv', 'train.log', 'summary.json'] as const;

/** BullMQ forbids ':' in custom ids. The config hash keeps a changed run from reusing another's result. */
export function jobIdFor(sweep: string, run: PlannedRun): string {
  return `${sweep}.${run.id}.${shortHash(run.config)}`;
}

export function resultKey(jobId: string): string {
  return `prunerl:result:${jobId}`;
}

export function expectQueueUrl(value: unknown): string {
  if (typeof value !== 'string' || !/^rediss?:\/\/[^/\s]+/.test(value)) {
    throw new RangeError(`Expected a Redis URL (redis://host:port) for --queue but received ${value === undefined ? 'nothing' : `'${String(value)}'`}`);
  }
  return value;
}

/**
 * A connection that fails fast when Redis is not there at the start (a wrong --queue should be one clear error,
 * not a silent retry loop) and then reconnects patiently, as long-running workers need.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, enableOfflineQueue: true });
  // ioredis reconnects by itself; the error events only matter for the first connect, whose rejection just says
  // "Connection is closed." while the event says why (ECONNREFUSED, ENOTFOUND, ...).
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => (lastError = err));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`Cannot reach Redis at ${url} (--queue): ${(lastError ?? (err as Error)).message}`);
  }
  return redis;
}
