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
}

export class SweepProgress {
  readonly #runs = new Map<string, { status: RunStatus; frames: number; total: number }>();
  readonly #bar: cliProgress.SingleBar | null;

  constructor(runs: { id: string; totalFrames: number }[], options: SweepProgressOptions = {}) {
    for (const r of runs) this.#runs.set(r.id, { status: 'pending', frames: 0, total: Math.max(1, r.totalFrames) });
    this.#bar = options.silent
      ? null
      : new cliProgress.SingleBar({
          stream: options.stream ?? process.stderr,
          format: 'sweep |{bar}| {percentage}% | {done}/{runs} runs done, {running} running, {failed} failed | {framesText} frames | ETA {eta_formatted}',
          noTTYOutput: true,
          notTTYSchedule: 5000,
          hideCursor: true,
          etaBuffer: 50,
        });
  }

  start(): void {
    const c = this.counts();
    this.#bar?.start(c.totalFrames, c.frames, this.#payload(c));
  }

  set(id: string, status: RunStatus, frames?: number): void {
    const run = this.#runs.get(id);
    if (!run) return;
    run.status = status;
    if (status === 'done') run.frames = run.total;
    else if (frames !== undefined) run.frames = Math.min(run.total, Math.max(0, frames));
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
    };
  }
}

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}
