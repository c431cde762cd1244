// A queued run as the worker receives it: nothing read from Redis is trusted. Anyone who can write to the Redis
// instance can enqueue a job, so its sweep name and run id must each be one harmless path segment (they become
// <work-dir>/<sweep>/<run-id>) and its config must validate as `prunerl train` would validate it; otherwise the
// job fails with the reason and nothing is written.
import { isAbsolute, join, relative, resolve } from 'node:path';
import { clip, unsafeSegmentReason } from '../config_keys.js';
import { parsePartialConfig, resolveConfig } from '../train/train_config.js';
import type { RunJobData } from './queue.js';

/** The job's run folder under `workDir`, or a one-line RangeError saying what in the job is wrong. */
export function checkRunJob(data: unknown, workDir: string, options: { checkConfig?: boolean } = {}): { job: RunJobData; dir: string } {
  if (typeof data !== 'object' || data === null) throw new RangeError('Expected a job object {sweep, runId, config} but received ' + typeof data);
  const { sweep, runId, config } = data as Record<string, unknown>;
  for (const [name, value] of [['sweep', sweep], ['runId', runId]] as const) {
    const why = unsafeSegmentReason(value);
    if (why) throw new RangeError(`Expected job.${name} to be a single path segment (no '.', '..', separators or control characters) but ${why}: '${clip(String(value))}'`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new RangeError(`Expected job.config to be an object for run '${clip(String(runId))}'`);
  // A custom trainer (PRUNERL_TRAIN_COMMAND) may take other options, so the config check can be turned off.
  if (options.checkConfig !== false) resolveConfig(parsePartialConfig(config, `job.config of run '${clip(String(runId))}'`));
  const root = resolve(workDir);
  const dir = resolve(join(root, sweep as string, runId as string));
  const rel = relative(root, dir);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new RangeError(`Expected run '${clip(String(runId))}' inside --work-dir ${root} but it resolves to ${dir}`);
  return { job: { sweep: sweep as string, runId: runId as string, config: config as RunJobData['config'] }, dir };
}

/** Sweep grids obey the same rule, so a grid value like '..' cannot name a folder outside the sweep. */
export function checkRunId(id: string, source: string): void {
  const why = unsafeSegmentReason(id);
  if (why) throw new RangeError(`Invalid ${source}: run id '${clip(id)}' is not a single path segment (${why}); change the grid values that make it`);
}
