// One progress display for a whole sweep: frames trained over frames planned, across every run, with counts of
// runs done, running and failed. Local pools feed it from the runs' metrics.jsonl; queued sweeps from the jobs'
// reported progress. On a terminal it is a cli-progress bar; elsewhere (CI logs) a line every few seconds.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';

/** Frames reached by a run, from the last line of its metrics.jsonl (0 when it has none yet). */
export function framesReached(runDir: string): number {
  const path = join(runDir, 'metrics.jsonl');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 0;
  }
  try {
    // Only the tail is read: metrics files grow with the run, the display polls every second.
    const size = statSync(path).size;
    const length = Math.min(size, 8192);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const frames = (JSON.parse(lines[i]!) as { frames?: unknown }).frames;
        if (typeof frames === 'number' && Number.isFinite(frames)) return frames;
      } catch {
        // a line being written, or cut by the 8 KiB window: try the one before
      }
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}

export type RunStatus = 'pending' | 'running' | 'done' | 'failed';

export interface ProgressCounts {
  done: number;
  running: number;
  failed: number;
  pending: number;
  frames: number;
  totalFrames: number;
}

export interface SweepProgressOptions {
  stream?: NodeJS.WritableStream;
  /** Draw nothing (tests, --quiet). */
  silent?: boolean;
  /** Milliseconds since some origin (tests replace it). */
  now?: () => number;
}

interface RunProgress {
  status: RunStatus;
  frames: number;
  total: number;
  /** Frames the run had when this sweep first saw it (skipped runs: all; resumed ones: their checkpoint's). */
  base?: number;
}

export class SweepProgress {
  readonly #runs = new Map<string, RunProgress>();
  readonly #bar: cliProgress.SingleBar | null;
  readonly #now: () => number;
  #startedAt = 0;

  constructor(runs: { id: string; totalFrames: number }[], options: SweepProgressOptions = {}) {
    for (const r of runs) this.#runs.set(r.id, { status: 'pending', frames: 0, total: Math.max(1, r.totalFrames) });
    this.#now = options.now ?? (() => performance.now());
    this.#bar = options.silent
      ? null
      : new cliProgress.SingleBar({
          stream: options.stream ?? process.stderr,
          format: 'sweep |{bar}| {percentage}% | {done}/{runs} runs done, {running} running, {failed} failed | {framesText} frames | ETA {etaText}',
          noTTYOutput: true,
          notTTYSchedule: 5000,
          hideCursor: true,
        });
  }

  start(): void {
    this.#startedAt = this.#now();
    const c = this.counts();
    this.#bar?.start(c.totalFrames, c.frames, this.#payload(c));
  }

  set(id: string, status: RunStatus, frames?: number): void {
    const run = this.#runs.get(id);
    if (!run) return;
    run.status = status;
    if (status === 'done') run.frames = run.total;
    else if (frames !== undefined) run.frames = Math.min(run.total, Math.max(0, frames));
    run.base ??= run.frames;
  }

  /**
   * Time left at the rate frames were trained since start(), from the frames this invocation trained (not those of
   * skipped or resumed runs, which would make the rate look far higher than it is); null until there is a rate.
   */
  etaSeconds(): number | null {
    let trained = 0;
    let left = 0;
    for (const run of this.#runs.values()) {
      trained += run.frames - (run.base ?? run.frames);
      if (run.status === 'pending' || run.status === 'running') left += run.total - run.frames;
    }
    const seconds = (this.#now() - this.#startedAt) / 1000;
    if (left === 0) return 0;
    if (trained <= 0 || seconds < 5) return null;
    return left / (trained / seconds);
  }

  status(id: string): RunStatus | undefined {
    return this.#runs.get(id)?.status;
  }

  counts(): ProgressCounts {
    const c: ProgressCounts = { done: 0, running: 0, failed: 0, pending: 0, frames: 0, totalFrames: 0 };
    for (const run of this.#runs.values()) {
      c[run.status]++;
      c.frames += run.frames;
      c.totalFrames += run.total;
    }
    return c;
  }

  render(): void {
    const c = this.counts();
    this.#bar?.update(c.frames, this.#payload(c));
  }

  stop(): void {
    this.render();
    this.#bar?.stop();
  }

  #payload(c: ProgressCounts) {
    return {
      done: c.done, running: c.running, failed: c.failed, runs: this.#runs.size,
      framesText: `${compact(c.frames)}/${compact(c.totalFrames)}`,
      etaText: formatDuration(this.etaSeconds()),
    };
  }
}

/** "2h05m", "7m30s", "45s"; "--" while unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}
