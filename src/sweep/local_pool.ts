// Runs a sweep on this machine: at most `size` trainers at once (one per core by default), each a child process.
// Finished runs are skipped and interrupted ones resume from their checkpoint, so running the same sweep again
// after a crash or Ctrl-C only does the work that is left. A failed run is retried from its checkpoint.
import { availableParallelism } from 'node:os';
import type { PlannedRun } from './grid.js';
import { emptyOutcome, lastLogLine, StartupFailureWatch, type SweepOutcome } from './run_outcome.js';
import { runDirOf, runState } from './sweep_dir.js';
import { framesReached, type SweepProgress } from './sweep_progress.js';
import { startTrain, trainCommandPrefix, type TrainProcess } from './train_process.js';
import { expectInteger } from '../validate.js';

export interface LocalPoolOptions {
  /** Trainers running at once. */
  size?: number;
  /** Further attempts after a run fails (each resumes from the run's checkpoint). */
  retries?: number;
  /** Replaces `node bin/prunerl.js` in the trainer's command (see train_process.ts). */
  prefix?: string[];
  env?: NodeJS.ProcessEnv;
  progress?: SweepProgress;
  /** How often the progress display re-reads the runs' metrics. */
  pollMs?: number;
  /** Aborting stops the running trainers (they resume next time) and starts no more. */
  signal?: AbortSignal;
  /** Give up after this many runs in a row fail the same way before training a frame (default 3). */
  startupFailureLimit?: number;
}

export async function runLocalPool(sweepDir: string, runs: PlannedRun[], options: LocalPoolOptions = {}): Promise<SweepOutcome> {
  const size = expectInteger(options.size ?? availableParallelism(), 'size', 1, 1024);
  const retries = expectInteger(options.retries ?? 1, 'retries', 0, 100);
  const { progress, signal } = options;
  // Each trainer has a native thread pool; N trainers × N threads on N cores would only add contention.
  const baseEnv = options.env ?? process.env;
  const env = { ...baseEnv, PRUNERL_THREADS: baseEnv.PRUNERL_THREADS ?? String(Math.max(1, Math.floor(availableParallelism() / size))) };
  const prefix = options.prefix ?? trainCommandPrefix(env); // a bad PRUNERL_TRAIN_COMMAND fails before any run starts
  const outcome = emptyOutcome();
  const todo: PlannedRun[] = [];
  for (const run of runs) {
    if (runState(runDirOf(sweepDir, run.id)) === 'finished') {
      outcome.skipped.push(run.id);
      progress?.set(run.id, 'done');
    } else {
      todo.push(run);
    }
  }
  const running = new Map<string, TrainProcess>();
  const startupFailures = new StartupFailureWatch(options.startupFailureLimit ?? 3);
  const stopStarting = () => outcome.interrupted || outcome.abandoned !== undefined;
  const stopAll = () => {
    outcome.interrupted = true;
    for (const p of running.values()) p.stop();
  };
  signal?.addEventListener('abort', stopAll, { once: true });
  if (signal?.aborted) stopAll();
  progress?.start();
  const timer = setInterval(() => {
    for (const id of running.keys()) progress?.set(id, 'running', framesReached(runDirOf(sweepDir, id)));
    progress?.render();
  }, options.pollMs ?? 1000);

  const runOne = async (run: PlannedRun): Promise<void> => {
    const dir = runDirOf(sweepDir, run.id);
    for (let attempt = 0; attempt <= retries && !stopStarting(); attempt++) {
      const trainer = startTrain(dir, { resume: runState(dir) === 'resumable', prefix, env });
      running.set(run.id, trainer);
      progress?.set(run.id, 'running', framesReached(dir));
      const { code } = await trainer.exited;
      running.delete(run.id);
      // summary.json, not the exit code, says a run is finished (the contract with the trainer).
      if (runState(dir) === 'finished') {
        outcome.finished.push(run.id);
        progress?.set(run.id, 'done');
        startupFailures.record(null);
        return;
      }
      if (outcome.interrupted) break;
      const frames = framesReached(dir);
      const reason = `exit code ${code}: ${lastLogLine(dir)}`;
      const given = startupFailures.record(frames === 0 ? reason : null);
      if (given !== null) outcome.abandoned ??= given;
      if (attempt === retries || given !== null) {
        outcome.failed.push({ id: run.id, reason });
        progress?.set(run.id, 'failed', frames);
        return;
      }
    }
    progress?.set(run.id, 'pending', framesReached(dir));
  };

  let next = 0;
  const lane = async () => {
    while (next < todo.length && !stopStarting()) await runOne(todo[next++]!);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(size, todo.length) }, lane));
  } finally {
    clearInterval(timer);
    signal?.removeEventListener('abort', stopAll);
    progress?.stop();
  }
  return outcome;
}
