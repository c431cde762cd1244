// Every number a report shows, computed once from the sweep's results and written to report.json, so figures,
// tables and anyone re-checking them read the same values.
import { runIdFor } from '../sweep/grid.js';
import { stratifiedBootstrap, stratifiedBootstrapVector, type Interval } from './bootstrap.js';
import { probabilityOfImprovementInterval } from './improvement.js';
import { interquartileMean, meanScore, medianScore, optimalityGap, type TaskScores } from './iqm.js';
import type { Normalizer } from './normalize.js';
import type { ScoreSource } from './score.js';
import { performanceProfile, thresholds, type Profile } from './profiles.js';
import { configurationLabel, runsByTask, type Configuration, type RunRecord, type SweepResults } from './sweep_results.js';
import type { OfflineDataset } from './offline_runs.js';

export interface ReportOptions {
  /** Bootstrap replicates for final scores (rliable uses 50000). */
  reps: number;
  /** Replicates for curves and profiles, which need one interval per point (rliable uses 2000 for profiles). */
  curveReps: number;
  confidence: number;
  seed: number;
  /** Which return is aggregated (final scores and curves). */
  score: ScoreSource;
}

export interface TableRow {
  key: string;
  label: string;
  values: Record<string, unknown>;
  runs: number;
  tasks: number;
  iqm: Interval;
  mean: Interval;
  median: Interval;
  optimalityGap: Interval;
  /** Mean raw final return per task, for readers who want the games' own units. */
  finalReturn: Record<string, number>;
}

export interface CurvePoint {
  frames: number;
  value: Interval;
}

export interface Curve {
  key: string;
  label: string;
  points: CurvePoint[];
}

export interface ReportData {
  name: string;
  normalization: { kind: string; unit: string; constants: Normalizer['constants']; sources?: Normalizer['sources'] };
  /** Which return the scores are: 'train' (finalTrainReturn) or 'eval' (finalEvalReturn). */
  score: { kind: string; label: string };
  options: Omit<ReportOptions, 'score'>;
  tasks: string[];
  unfinished: string[];
  table: TableRow[];
  /** IQM of normalised evaluation returns over tasks × seeds, per configuration. */
  curves: Curve[];
  /** Per task: mean return over seeds, per configuration. */
  taskCurves: { task: string; curves: Curve[] }[];
  /** Final IQM against width, one series per configuration without its width (null if width does not vary). */
  width: { key: string; label: string; sparsity: unknown; points: { width: number; iqm: Interval }[] }[] | null;
  sparsity: Curve[];
  dormant: Curve[];
  /** srank of the penultimate features over training (mean over runs, min–max band). */
  srank: Curve[];
  profiles: ({ key: string; label: string } & Profile)[];
  /** Each pruned configuration against its dense twin (same values, sparsity 0), on the tasks both ran. */
  improvements: Improvement[];
  /** Offline runs: each task's dataset (its behaviour return is the normalisation's 1) and the runs left out. */
  offline?: { datasets: Record<string, OfflineDataset>; leftOut: string[] };
}

export interface Improvement {
  key: string;
  label: string;
  baselineKey: string;
  baselineLabel: string;
  tasks: string[];
  /** P(a run of the pruned configuration beats a run of the dense one on the same task), averaged over tasks. */
  probability: Interval;
}

function finalScores(c: Configuration, tasks: string[], norm: Normalizer, score: ScoreSource): number[][] {
  return runsByTask(c, tasks).map((runs) => runs.map((r) => norm.apply(r.task, score.final(r))));
}

type RowValue = (row: RunRecord['metrics'][number]) => number | null | undefined;

/** Frames at which every run of the group has a value, so each curve point averages the same runs. */
function commonFrames(runs: RunRecord[], value: RowValue): number[] {
  if (runs.length === 0) return [];
  const framesWithValue = (run: RunRecord) => run.metrics.filter((m) => typeof value(m) === 'number').map((m) => m.frames);
  let frames: number[] = framesWithValue(runs[0]!);
  for (const run of runs.slice(1)) {
    const own = new Set(framesWithValue(run));
    frames = frames.filter((f) => own.has(f));
  }
  return frames.sort((a, b) => a - b);
}

function valuesAt(run: RunRecord, frames: number[], field: RowValue): number[] {
  const byFrames = new Map(run.metrics.map((m) => [m.frames, field(m)]));
  return frames.map((f) => byFrames.get(f)!);
}

function aggregateCurve(c: Configuration, tasks: string[], norm: Normalizer, options: ReportOptions): Curve {
  const frames = commonFrames(c.runs, options.score.at);
  const curves = runsByTask(c, tasks).map((runs) => runs.map((r) => valuesAt(r, frames, (m) => norm.apply(r.task, options.score.at(m)!))));
  const iqmAt = (sample: number[][][]) => frames.map((_, k) => interquartileMean(sample.map((task) => task.map((run) => run[k]!))));
  const values = frames.length ? stratifiedBootstrapVector(curves, iqmAt, { reps: options.curveReps, confidence: options.confidence, seed: options.seed }) : [];
  return { key: c.key, label: c.label, points: frames.map((f, k) => ({ frames: f, value: values[k]! })) };
}

function taskCurve(c: Configuration, task: string, options: ReportOptions): Curve | null {
  const runs = c.runs.filter((r) => r.task === task);
  if (runs.length === 0) return null;
  const frames = commonFrames(runs, options.score.at);
  const curves = runs.map((r) => valuesAt(r, frames, options.score.at));
  const meanAt = (sample: number[][][]) => frames.map((_, k) => sample[0]!.reduce((s, run) => s + run[k]!, 0) / sample[0]!.length);
  const values = frames.length ? stratifiedBootstrapVector([curves], meanAt, { reps: options.curveReps, confidence: options.confidence, seed: options.seed }) : [];
  return { key: c.key, label: c.label, points: frames.map((f, k) => ({ frames: f, value: values[k]! })) };
}

/** The mean of a metric over all of a configuration's runs, without an interval (a schedule, a diagnostic). */
function meanCurve(c: Configuration, field: 'sparsity' | 'dormantFraction' | 'srank'): Curve {
  const runs = c.runs.filter((r) => r.metrics.some((m) => typeof m[field] === 'number'));
  const frames = commonFrames(runs, (m) => m[field]);
  const points = frames.map((f) => {
    const values = runs.map((r) => r.metrics.find((m) => m.frames === f)![field]).filter((v): v is number => typeof v === 'number');
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return { frames: f, value: { point: mean, lower: Math.min(...values), upper: Math.max(...values) } };
  });
  return { key: c.key, label: c.label, points };
}

/** Pruned vs dense pairs: every configuration with sparsity > 0 whose other grid values have a sparsity-0 run too. */
function improvements(results: SweepResults, norm: Normalizer, options: ReportOptions): Improvement[] {
  const byKey = new Map(results.configurations.map((c) => [c.key, c]));
  const out: Improvement[] = [];
  for (const c of results.configurations) {
    if (!(typeof c.values.sparsity === 'number' && c.values.sparsity > 0)) continue;
    const dense = byKey.get(runIdFor({ ...c.values, sparsity: 0 }));
    if (!dense) continue;
    const tasks = results.tasks.filter((t) => c.runs.some((r) => r.task === t) && dense.runs.some((r) => r.task === t));
    if (tasks.length === 0) continue;
    const probability = probabilityOfImprovementInterval(finalScores(c, tasks, norm, options.score), finalScores(dense, tasks, norm, options.score), {
      reps: options.reps, confidence: options.confidence, seed: options.seed,
    });
    out.push({ key: c.key, label: c.label, baselineKey: dense.key, baselineLabel: dense.label, tasks, probability });
  }
  return out;
}

function widthSeries(results: SweepResults, table: TableRow[]): ReportData['width'] {
  const widths = new Set(results.configurations.map((c) => c.values.width).filter((w) => typeof w === 'number'));
  if (widths.size < 2) return null;
  const groups = new Map<string, NonNullable<ReportData['width']>[number]>();
  for (const row of table) {
    if (typeof row.values.width !== 'number') continue;
    const rest = Object.fromEntries(Object.entries(row.values).filter(([k]) => k !== 'width'));
    const key = runIdFor(rest) || 'all';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, label: configurationLabel(rest), sparsity: rest.sparsity, points: [] }));
    group.points.push({ width: row.values.width, iqm: row.iqm });
  }
  for (const g of groups.values()) g.points.sort((a, b) => a.width - b.width);
  return [...groups.values()];
}

export function computeReport(results: SweepResults, norm: Normalizer, options: ReportOptions): ReportData {
  const { tasks } = results;
  const boot = { reps: options.reps, confidence: options.confidence, seed: options.seed };
  const table: TableRow[] = results.configurations.map((c) => {
    const scores: TaskScores = finalScores(c, tasks, norm, options.score);
    const finalReturn: Record<string, number> = {};
    for (const runs of runsByTask(c, tasks)) finalReturn[runs[0]!.task] = runs.reduce((s, r) => s + options.score.final(r), 0) / runs.length;
    return {
      key: c.key, label: c.label, values: c.values, runs: c.runs.length, tasks: scores.length,
      iqm: stratifiedBootstrap(scores, interquartileMean, boot),
      mean: stratifiedBootstrap(scores, meanScore, boot),
      median: stratifiedBootstrap(scores, medianScore, boot),
      optimalityGap: stratifiedBootstrap(scores, (s) => optimalityGap(s), boot),
      finalReturn,
    };
  });
  const allFinal = results.configurations.flatMap((c) => finalScores(c, tasks, norm, options.score).flat());
  const taus = thresholds(Math.min(0, ...allFinal), Math.max(1, ...allFinal), 41);
  return {
    name: results.name,
    normalization: { kind: norm.kind, unit: norm.unit, constants: norm.constants, sources: norm.sources },
    score: { kind: options.score.kind, label: options.score.label },
    options: { reps: options.reps, curveReps: options.curveReps, confidence: options.confidence, seed: options.seed },
    tasks,
    unfinished: results.unfinished,
    table,
    curves: results.configurations.map((c) => aggregateCurve(c, tasks, norm, options)),
    taskCurves: tasks.map((task) => ({
      task,
      curves: results.configurations.map((c) => taskCurve(c, task, options)).filter((c): c is Curve => c !== null),
    })),
    width: widthSeries(results, table),
    sparsity: results.configurations.map((c) => meanCurve(c, 'sparsity')),
    dormant: results.configurations.map((c) => meanCurve(c, 'dormantFraction')),
    srank: results.configurations.map((c) => meanCurve(c, 'srank')),
    improvements: improvements(results, norm, options),
    ...(results.datasets ? { offline: { datasets: results.datasets, leftOut: results.leftOut ?? [] } } : {}),
    profiles: results.configurations.map((c) => ({
      key: c.key, label: c.label,
      ...performanceProfile(finalScores(c, tasks, norm, options.score), taus, { reps: options.curveReps, confidence: options.confidence, seed: options.seed }),
    })),
  };
}
