// A sweep from its file to its results: expand the grid, lay out the folder, check every run's options up front
// (a typo in a grid key should fail now, not in the sixtieth run), then train locally or through the queue.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { acquireDirLock } from '../train/dir_lock.js';
import { checkRunId } from './run_job.js';
import { expandGrid, type PlannedRun } from './grid.js';
import { runLocalPool } from './local_pool.js';
import { runQueuedSweep } from './queue_sweep.js';
import type { SweepOutcome } from './run_outcome.js';
import { prepareSweepDir } from './sweep_dir.js';
import { SweepProgress } from './sweep_progress.js';
import { loadSweepSpec, type SweepSpec } from './sweep_spec.js';
import { parsePartialConfig, resolveConfig, type TrainConfigInput } from '../train/train_config.js';

export interface SweepOptions {
  /** The sweep folder; defaults to sweeps/<name>. */
  out?: string;
  /** Local pool size (trainers at once). */
  jobs?: number;
  /** Local: further attempts per failed run. */
  retries?: number;
  /** Distribute through BullMQ on this Redis instead of training locally. */
  queue?: string;
  /** Queue: tries per run, and the wait before the first retry. */
  attempts?: number;
  retryDelayMs?: number;
  detach?: boolean;
  quiet?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  pollMs?: number;
}

export interface SweepResult extends SweepOutcome {
  sweepDir: string;
  runs: PlannedRun[];
}

/** Frames a run will train, for the progress total: its own value or the preset's and defaults'. */
function plannedFrames(run: PlannedRun): number {
  try {
    return resolveConfig(run.config as TrainConfigInput).frames;
  } catch {
    return typeof run.config.frames === 'number' ? run.config.frames : 1;
  }
}

export function planSweep(spec: SweepSpec, env: NodeJS.ProcessEnv): PlannedRun[] {
  const runs = expandGrid(spec);
  for (const run of runs) checkRunId(run.id, `sweep ${spec.name}`);
  // Another trainer (PRUNERL_TRAIN_COMMAND) may take other options; only prunerl's own are checked here.
  if (!env.PRUNERL_TRAIN_COMMAND) for (const run of runs) parsePartialConfig(run.config, `options of run ${run.id}`);
  return runs;
}

export async function runSweep(file: string, options: SweepOptions = {}): Promise<SweepResult> {
  const env = options.env ?? process.env;
  const spec = loadSweepSpec(file);
  const runs = planSweep(spec, env);
  const sweepDir = resolve(options.out ?? `sweeps/${spec.name}`);
  mkdirSync(sweepDir, { recursive: true });
  const lock = acquireDirLock(sweepDir, 'sweep');
  try {
    return await runSweepLocked(spec, runs, sweepDir, options, env);
  } finally {
    lock.release();
  }
}

/** The sweep itself, once this process holds the sweep directory's lock. */
async function runSweepLocked(spec: SweepSpec, runs: PlannedRun[], sweepDir: string, options: SweepOptions, env: NodeJS.ProcessEnv): Promise<SweepResult> {
  prepareSweepDir(sweepDir, spec, runs);
  const progress = new SweepProgress(runs.map((r) => ({ id: r.id, totalFrames: plannedFrames(r) })), { silent: options.quiet });
  const outcome = options.queue
    ? await runQueuedSweep(sweepDir, spec.name, runs, {
        url: options.queue, attempts: options.attempts, retryDelayMs: options.retryDelayMs, progress, detach: options.detach, signal: options.signal, pollMs: options.pollMs,
      })
    : await runLocalPool(sweepDir, runs, {
        size: options.jobs, retries: options.retries, progress, env, signal: options.signal, pollMs: options.pollMs,
      });
  return { ...outcome, sweepDir, runs };
}
