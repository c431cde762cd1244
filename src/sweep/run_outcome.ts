// What became of a run, and why it failed when it did: the last line the trainer printed is usually the error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SweepOutcome {
  /** Runs that finished during this invocation. */
  finished: string[];
  /** Runs already finished before it (skipped). */
  skipped: string[];
  failed: { id: string; reason: string }[];
  /** True when the sweep was stopped (Ctrl-C) before every run ended. */
  interrupted: boolean;
  /** Set when the sweep gave up because its runs kept failing the same way before training a frame. */
  abandoned?: string;
}

export function emptyOutcome(): SweepOutcome {
  return { finished: [], skipped: [], failed: [], interrupted: false };
}

/**
 * Attempts that fail before training a frame, all with the same last line, point at the setup (an addon not built,
 * a bad preset), not at one run: after `limit` of them in a row the sweep stops rather than fail every other run
 * too (a sweep of 60 runs once lost 25 of them in two minutes that way). An attempt that trained resets the count.
 */
export class StartupFailureWatch {
  #reason: string | null = null;
  #count = 0;

  constructor(readonly limit = 3) {}

  /**
   * Records an attempt's end: `startupFailure` is its reason when it failed before training a frame, else null.
   * Returns the shared reason once `limit` attempts in a row failed with it at start-up.
   */
  record(startupFailure: string | null): string | null {
    if (startupFailure === null) {
      this.#reason = null;
      this.#count = 0;
      return null;
    }
    this.#count = startupFailure === this.#reason ? this.#count + 1 : 1;
    this.#reason = startupFailure;
    return this.#count >= this.limit ? startupFailure : null;
  }
}

export function lastLogLine(runDir: string): string {
  try {
    const lines = readFileSync(join(runDir, 'train.log'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    return lines.at(-1)?.trim().slice(0, 300) ?? 'no output';
  } catch {
    return 'no output';
  }
}
