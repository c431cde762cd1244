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
}

export function emptyOutcome(): SweepOutcome {
  return { finished: [], skipped: [], failed: [], interrupted: false };
}

export function lastLogLine(runDir: string): string {
  try {
    const lines = readFileSync(join(runDir, 'train.log'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    return lines.at(-1)?.trim().slice(0, 300) ?? 'no output';
  } catch {
    return 'no output';
  }
}
