// Which folders hold a run, and a fresh folder name when the default one is taken: `prunerl train` never writes
// over a finished or interrupted run unless told to (--resume continues it, --force overwrites it).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_FILE } from './checkpoint.js';

/**
 * The files whose presence means "a run lives here" (the same rule as a sweep's: finished iff summary.json,
 * resumable iff checkpoint.prl). config.json alone does not count: a sweep writes it before the run's first start.
 */
const runMarkers = [CHECKPOINT_FILE, 'summary.json'];

/** The first marker file found in dir, or undefined when dir holds no run (or does not exist). */
export function runMarkerIn(dir: string): string | undefined {
  return runMarkers.find((name) => existsSync(join(dir, name)));
}

/** dir itself when it holds no run, else the first of dir-2, dir-3, … that does not exist. */
export function freshRunDir(dir: string): string {
  if (!existsSync(dir)) return dir;
  if (runMarkerIn(dir) === undefined) return dir;
  for (let n = 2; ; n++) {
    const candidate = `${dir}-${n}`;
    if (!existsSync(candidate)) return candidate;
  }
}
