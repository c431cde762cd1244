// A folder of `prunerl train --offline` runs (each subfolder a run: config.json, summary.json, metrics.jsonl), read
// as a report reads a sweep. There is no grid, so a configuration is the agent, the sparsity and every config key
// whose value differs between runs of that agent (the seed, the env and the dataset path excepted). A *task* is an
// env with a dataset — "CartPole-v1 @ cartpole-dqn-100k" — as offline benchmarks treat each dataset as a task: its
// behaviour return (the dataset's mean episode return, in summary.json) is what the normalisation divides by.
// Online runs in the folder (the run that recorded the dataset, say) are left out and listed, not pooled.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runIdFor, stableJson, type RunConfig } from '../sweep/grid.js';
import { configurationLabel, readMetrics, type Configuration, type RunSummary, type SweepResults } from './sweep_results.js';

/** The dataset an offline run trained from, as its summary.json records it. */
export interface OfflineDataset {
  env: string;
  path: string;
  episodes: number;
  steps: number;
  /** Mean episode return of the dataset: the return of the policy that collected it. */
  behaviourReturn: number;
}

/** Keys that never make two runs different configurations. */
const notConfiguration = new Set(['seed', 'env', 'offline']);

/** Subfolders holding a config.json: the runs of a folder of runs. */
export function runSubfolders(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).filter((name) => existsSync(join(dir, name, 'config.json'))).sort();
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Expected JSON in ${path} but it is unreadable (${(err as Error).message.slice(0, 120)}); delete it or rerun that run`);
  }
}

/** Object-valued keys one level down (optimizer.lr), so a label names the field that differs. */
function flatten(config: RunConfig): RunConfig {
  const out: RunConfig = {};
  for (const [k, v] of Object.entries(config)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = v2;
    else out[k] = v;
  }
  return out;
}

interface Finished { id: string; dir: string; config: RunConfig; summary: RunSummary; dataset: OfflineDataset }

/** Folders of offline runs as one result set; `leftOut` names the online runs found beside them. */
export function loadOfflineRuns(dirs: readonly string[], name?: string): SweepResults & { datasets: Record<string, OfflineDataset>; leftOut: string[] } {
  const finished: Finished[] = [];
  const unfinished: string[] = [];
  const leftOut: string[] = [];
  for (const dir of dirs) {
    const runs = runSubfolders(dir);
    let offline = 0;
    for (const id of runs) {
      const runDir = join(dir, id);
      const config = readJson(join(runDir, 'config.json')) as RunConfig;
      if (typeof config.offline !== 'string') {
        leftOut.push(`${id} (an online run)`);
        continue;
      }
      offline++;
      const summaryPath = join(runDir, 'summary.json');
      if (!existsSync(summaryPath)) {
        unfinished.push(id);
        continue;
      }
      const summary = readJson(summaryPath) as RunSummary & { dataset?: Omit<OfflineDataset, 'env'> };
      if (typeof summary.dataset?.behaviourReturn !== 'number') {
        throw new RangeError(`Expected the dataset's behaviourReturn in ${summaryPath} (written by prunerl train --offline) but it has none`);
      }
      finished.push({ id, dir: runDir, config, summary, dataset: { env: String(config.env), ...summary.dataset } });
    }
    if (offline === 0) {
      throw new RangeError(`Expected a sweep folder (with sweep.json) or a folder of \`prunerl train --offline\` runs for sweep-dir but '${dir}' holds ${runs.length} run(s), none of them offline (online runs are reported from a sweep: prunerl sweep)`);
    }
  }
  // One task per env and dataset; two different datasets under one name would mix behaviour returns.
  const datasets: Record<string, OfflineDataset> = {};
  const taskOf = (f: Finished) => `${f.dataset.env} @ ${basename(f.dataset.path)}`;
  for (const f of finished) {
    const task = taskOf(f), known = datasets[task];
    if (known && (known.steps !== f.dataset.steps || known.episodes !== f.dataset.episodes || known.behaviourReturn !== f.dataset.behaviourReturn)) {
      throw new RangeError(`Expected one dataset per name for task ${task} but runs were trained on two (${known.steps} and ${f.dataset.steps} steps, behaviour returns ${known.behaviourReturn} and ${f.dataset.behaviourReturn}); report them separately`);
    }
    datasets[task] = f.dataset;
  }
  // The keys that vary between runs of the same agent make the configurations.
  const varying = new Map<string, Set<string>>();
  for (const agent of new Set(finished.map((f) => String(f.config.agent)))) {
    const configs = finished.filter((f) => f.config.agent === agent).map((f) => flatten(f.config));
    const keys = new Set<string>();
    for (const key of new Set(configs.flatMap((c) => Object.keys(c)))) {
      if (!notConfiguration.has(key) && new Set(configs.map((c) => stableJson(c[key] ?? null))).size > 1) keys.add(key);
    }
    varying.set(agent, keys);
  }
  const configurations = new Map<string, Configuration>();
  for (const f of finished) {
    const flat = flatten(f.config);
    const values: RunConfig = { agent: f.config.agent, sparsity: f.config.sparsity };
    for (const key of varying.get(String(f.config.agent))!) values[key] = flat[key];
    const key = runIdFor(values);
    let c = configurations.get(key);
    if (!c) configurations.set(key, (c = { key, label: configurationLabel(values), values, runs: [] }));
    c.runs.push({ id: f.id, task: taskOf(f), seed: f.config.seed, config: f.config, point: values, summary: f.summary, metrics: readMetrics(join(f.dir, 'metrics.jsonl')) });
  }
  // Agent, then the other settings, then dense before pruned: each pruned row sits under its dense twin.
  const rest = (c: Configuration) => stableJson(Object.fromEntries(Object.entries(c.values).filter(([k]) => k !== 'agent' && k !== 'sparsity')));
  const ordered = [...configurations.values()].sort((a, b) =>
    String(a.values.agent).localeCompare(String(b.values.agent)) || rest(a).localeCompare(rest(b)) || Number(a.values.sparsity) - Number(b.values.sparsity));
  return {
    name: name ?? dirs.map((d) => basename(d)).join(' + '),
    tasks: Object.keys(datasets).sort(), configurations: ordered, unfinished, datasets, leftOut,
  };
}
