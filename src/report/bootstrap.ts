// Stratified bootstrap confidence intervals (rliable's default): each replicate resamples, with replacement,
// the runs *within each task* (the task set is fixed; the uncertainty is over seeds), applies the statistic,
// and the interval is the percentile interval of the replicates. Seeded, so a report is reproducible.
import { Random } from '../random/random.js';
import { expectInteger, expectNumberIn } from '../validate.js';
import type { TaskScores } from './iqm.js';

export interface Interval {
  point: number;
  lower: number;
  upper: number;
}

export interface BootstrapOptions {
  /** Replicates (rliable: 50000 for aggregates, 2000 for profiles). */
  reps?: number;
  /** Coverage of the interval. */
  confidence?: number;
  seed?: number;
}

/** The q-quantile of sorted values with linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/** One stratified resample: for each task, as many runs as it has, drawn with replacement from its own runs. */
export function stratifiedResample<T>(runs: readonly (readonly T[])[], random: Random): T[][] {
  return runs.map((task) => Array.from(task, () => task[random.integer(0, task.length)]!));
}

/**
 * Percentile intervals around `point` from `reps` replicates, each drawn by `replicate` from one seeded generator:
 * the part every bootstrap here shares, whatever it resamples.
 */
export function bootstrapIntervals(point: readonly number[], replicate: (random: Random) => readonly number[], options: BootstrapOptions = {}): Interval[] {
  const reps = expectInteger(options.reps ?? 2000, 'reps', 1, 10_000_000);
  const confidence = expectNumberIn(options.confidence ?? 0.95, 'confidence', 0, 1);
  const random = new Random(options.seed ?? 0);
  const replicates = point.map(() => new Float64Array(reps));
  for (let r = 0; r < reps; r++) {
    const values = replicate(random);
    for (let k = 0; k < point.length; k++) replicates[k]![r] = values[k]!;
  }
  const alpha = 1 - confidence;
  return point.map((p, k) => {
    const sorted = replicates[k]!.sort();
    return { point: p, lower: quantileSorted(sorted, alpha / 2), upper: quantileSorted(sorted, 1 - alpha / 2) };
  });
}

/**
 * Intervals for a statistic with several outputs at once (a profile; a learning curve, whose runs are whole
 * curves so that each replicate keeps every run's points together), all from the same replicates.
 */
export function stratifiedBootstrapVector<T>(
  scores: readonly (readonly T[])[],
  statistic: (scores: T[][]) => readonly number[],
  options: BootstrapOptions = {},
): Interval[] {
  const point = statistic(scores.map((task) => [...task]));
  return bootstrapIntervals(point, (random) => statistic(stratifiedResample(scores, random)), options);
}

export function stratifiedBootstrap(scores: TaskScores, statistic: (scores: TaskScores) => number, options: BootstrapOptions = {}): Interval {
  return stratifiedBootstrapVector(scores, (s) => [statistic(s)], options)[0]!;
}
