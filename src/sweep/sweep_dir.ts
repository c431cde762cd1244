// The on-disk layout of a sweep, which is also its resume state:
//   <sweep-dir>/sweep.json            the spec and the list of runs (what `prunerl report` reads)
//   <sweep-dir>/runs/<id>/config.json the run's train options (written once; a different one is refused)
//   <sweep-dir>/runs/<id>/metrics.jsonl, metrics.csv, checkpoint.prl, summary.json   written by the trainer
//   <sweep-dir>/runs/<id>/train.log   the trainer's stdout and stderr
// A run is finished iff summary.json exists; it resumes iff checkpoint.prl exists.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeTextFileAtomic } from '../export/atomic_file.js';
import { dirname, join } from 'node:path';
import { stableJson, type PlannedRun } from './grid.js';
import type { SweepSpec } from './sweep_spec.js';

export type RunState = 'finished' | 'resumable' | 'fresh';

export const manifestName = 'sweep.json';

export interface SweepManifest {
  name: string;
  description?: string;
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  runs: { id: string; point: Record<string, unknown> }[];
}

export function runDirOf(sweepDir: string, id: string): string {
  return join(sweepDir, 'runs', id);
}

/** Written to a temp file, fsynced and renamed, so a reader never sees half a file (nothing is lost). */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeTextFileAtomic(path, text);
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function runState(runDir: string): RunState {
  if (existsSync(join(runDir, 'summary.json'))) return 'finished';
  if (existsSync(join(runDir, 'checkpoint.prl'))) return 'resumable';
  return 'fresh';
}

/**
 * Writes a run's config.json, or checks that the one already there is the same run. The trainer rewrites the
 * file with its fully resolved config (defaults and preset filled in), so the check is that every option the
 * sweep sets still has the sweep's value.
 */
export function writeRunConfig(runDir: string, run: PlannedRun): void {
  const path = join(runDir, 'config.json');
  if (existsSync(path)) {
    let existing: Record<string, unknown>;
    try {
      existing = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`Expected ${path} to hold run ${run.id}'s config as JSON but it is unreadable (${(err as Error).message.slice(0, 120)}); delete it to start that run afresh`);
    }
    for (const [key, value] of Object.entries(run.config)) {
      if (stableJson(existing[key]) !== stableJson(value)) {
        // Resuming a run under other options would mix two experiments in one folder.
        throw new RangeError(
          `Expected ${path} to hold run ${run.id} with ${key} ${stableJson(value)} but received ${key} ${stableJson(existing[key]) ?? 'unset'}; use another output folder`,
        );
      }
    }
    return;
  }
  writeJsonAtomic(path, run.config);
}

/** Creates the sweep folder, its manifest and every run's config.json. */
export function prepareSweepDir(sweepDir: string, spec: SweepSpec, runs: PlannedRun[]): void {
  for (const run of runs) writeRunConfig(runDirOf(sweepDir, run.id), run);
  const manifest: SweepManifest = {
    name: spec.name,
    ...(spec.description ? { description: spec.description } : {}),
    base: spec.base,
    grid: spec.grid,
    runs: runs.map((r) => ({ id: r.id, point: r.point })),
  };
  writeJsonAtomic(join(sweepDir, manifestName), manifest);
}

export function readManifest(sweepDir: string): SweepManifest {
  const path = join(sweepDir, manifestName);
  if (!existsSync(path)) throw new RangeError(`Expected a sweep folder (with ${manifestName}) for sweep-dir but received '${sweepDir}'`);
  return JSON.parse(readFileSync(path, 'utf8')) as SweepManifest;
}
