// Reads a sweep folder into runs grouped the way a report compares them: a *task* is an env, a *configuration*
// is everything the grid varies except env and seed (agent, width, sparsity, ...), and the seeds of a
// configuration on a task are its runs. Unfinished runs (no summary.json) are listed but never aggregated.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalKeyOrder, runIdFor, type RunConfig } from '../sweep/grid.js';
import { readManifest, runDirOf } from '../sweep/sweep_dir.js';
import type { OfflineDataset } from './offline_runs.js';

/** One evaluation, as the trainer logs it in metrics.jsonl (fields the report uses; others pass through). */
export interface MetricsRow {
  frames: number;
  evalReturn: number;
  trainReturn?: number | null;
  sparsity?: number;
  dormantFraction?: number;
  srank?: number;
  [key: string]: unknown;
}

export interface RunSummary {
  finalEvalReturn: number;
  /** Absent in runs written before it existed. */
  finalTrainReturn?: number | null;
  [key: string]: unknown;
}

export interface RunRecord {
  id: string;
  task: string;
  seed: unknown;
  config: RunConfig;
  point: RunConfig;
  summary: RunSummary | null;
  /** Ordered by frames, one row per evaluation (a resumed run's repeated rows keep the later one). */
  metrics: MetricsRow[];
}

export interface Configuration {
  /** Stable key (the run-id form of its grid values). */
  key: string;
  /** For legends and tables: "dqn ×3 95%". */
  label: string;
  /** Its grid values, env and seed excluded. */
  values: RunConfig;
  runs: RunRecord[];
}

export interface SweepResults {
  name: string;
  tasks: string[];
  configurations: Configuration[];
  unfinished: string[];
  /** Offline runs (offline_runs.ts): each task's dataset, whose behaviour return normalises its scores. */
  datasets?: Record<string, OfflineDataset>;
  /** Runs found but not reported, with the reason (online runs beside offline ones). */
  leftOut?: string[];
}

export function readMetrics(path: string): MetricsRow[] {
  if (!existsSync(path)) return [];
  const byFrames = new Map<number, MetricsRow>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let row: MetricsRow;
    try {
      row = JSON.parse(line) as MetricsRow;
    } catch {
      continue; // a line cut by a crash mid-write
    }
    if (typeof row.frames === 'number' && typeof row.evalReturn === 'number') byFrames.set(row.frames, row);
  }
  return [...byFrames.values()].sort((a, b) => a.frames - b.frames);
}

/** Parses a run's JSON file; an empty or corrupt one is an error naming that file, not a bare SyntaxError. */
function readJsonNamingFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Expected JSON in ${path} but it is unreadable (${(err as Error).message.slice(0, 120)}); delete it or rerun that run`);
  }
}

export function configurationLabel(values: RunConfig): string {
  return canonicalKeyOrder(Object.keys(values))
    .map((k) => {
      const v = values[k];
      if (k === 'agent') return String(v);
      if (k === 'width') return `×${String(v)}`;
      if (k === 'sparsity') return v === 0 ? 'dense' : `${Math.round(Number(v) * 1000) / 10}%`;
      return `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
    })
    .join(' ') || 'all runs';
}

/**
 * One sweep folder, or several read as one (sweeps of the same study run at different times or on different
 * machines): their runs are pooled, so a run id may appear in only one of them.
 */
export function loadSweepResults(sweepDirs: string | readonly string[], name?: string): SweepResults {
  const dirs = typeof sweepDirs === 'string' ? [sweepDirs] : sweepDirs;
  const configurations = new Map<string, Configuration>();
  const tasks = new Set<string>();
  const unfinished: string[] = [];
  const seen = new Map<string, string>();
  const names: string[] = [];
  const manifests = dirs.map((dir) => readManifest(dir));
  // A key one pooled sweep varies and another fixes in its base (width 1/3 in a grid, width 5 in a base) labels
  // every configuration, so the fixed sweep's runs are not read as the others' configuration without it.
  const varied = new Set(manifests.flatMap((m) => m.runs.flatMap((r) => Object.keys(r.point))).filter((k) => k !== 'env' && k !== 'seed'));
  for (const [index, sweepDir] of dirs.entries()) {
    const manifest = manifests[index];
    names.push(manifest.name);
    for (const { id, point } of manifest.runs) {
      const other = seen.get(id);
      if (other !== undefined) throw new RangeError(`Expected each run in one sweep folder but received run ${id} in both ${other} and ${sweepDir}`);
      seen.set(id, sweepDir);
      const dir = runDirOf(sweepDir, id);
      const configPath = join(dir, 'config.json');
      const config = (existsSync(configPath) ? readJsonNamingFile(configPath) : { ...manifest.base, ...point }) as RunConfig;
      const summaryPath = join(dir, 'summary.json');
      const summary = existsSync(summaryPath) ? (readJsonNamingFile(summaryPath) as RunSummary) : null;
      if (!summary) {
        unfinished.push(id);
        continue;
      }
      const task = String(config.env ?? 'default');
      tasks.add(task);
      const values = Object.fromEntries([...varied].filter((k) => k in point || k in config).map((k) => [k, k in point ? point[k] : config[k]]));
      const key = runIdFor(values) || 'all';
      let configuration = configurations.get(key);
      if (!configuration) {
        configuration = { key, label: configurationLabel(values), values, runs: [] };
        configurations.set(key, configuration);
      }
      configuration.runs.push({ id, task, seed: config.seed, config, point, summary, metrics: readMetrics(join(dir, 'metrics.jsonl')) });
    }
  }
  const ordered = [...configurations.values()].sort((a, b) => compareValues(a.values, b.values));
  return { name: name ?? [...new Set(names)].join(' + '), tasks: [...tasks].sort(), configurations: ordered, unfinished };
}

/** Legends and tables read agent → width → sparsity, numbers in numeric order, whatever the file's order. */
function compareValues(a: RunConfig, b: RunConfig): number {
  for (const key of canonicalKeyOrder([...new Set([...Object.keys(a), ...Object.keys(b)])])) {
    const [x, y] = [a[key], b[key]];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(JSON.stringify(x)).localeCompare(String(JSON.stringify(y)));
    if (order !== 0) return order;
  }
  return 0;
}

/** A configuration's runs task by task (tasks in `tasks` order; a task it has no run on is left out). */
export function runsByTask(configuration: Configuration, tasks: readonly string[]): RunRecord[][] {
  return tasks.map((t) => configuration.runs.filter((r) => r.task === t)).filter((runs) => runs.length > 0);
}
