// Aggregate scores over runs and tasks, as defined by rliable (Agarwal et al., "Deep RL at the Edge of the
// Statistical Precipice", NeurIPS 2021). Scores come task by task: scores[task][run], runs may differ per task.
//   IQM: the mean of the middle 50% of all run × task scores (a 25% trimmed mean over the pooled scores).
//   mean: the mean over tasks of each task's mean over runs.
//   median: the median over tasks of each task's mean over runs.
//   optimality gap: how far the pooled scores fall short of γ (1: human level), scores above γ counting as γ.
import { rangeError } from '../validate.js';

export type TaskScores = readonly (readonly number[])[];

/**
 * The mean after cutting ⌊p·n⌋ scores from each end of the sorted list — scipy.stats.trim_mean's rule, which
 * rliable's IQM uses (no fractional weighting of the boundary scores).
 */
export function trimmedMean(values: readonly number[], proportion: number): number {
  if (values.length === 0) throw rangeError('at least one score', 'values', values);
  if (!(proportion >= 0 && proportion < 0.5)) throw rangeError('a proportion in [0, 0.5)', 'proportion', proportion);
  const sorted = Float64Array.from(values).sort();
  const cut = Math.floor(proportion * sorted.length);
  let sum = 0;
  for (let i = cut; i < sorted.length - cut; i++) sum += sorted[i]!;
  return sum / (sorted.length - 2 * cut);
}

function pooled(scores: TaskScores): number[] {
  const all: number[] = [];
  for (const task of scores) {
    if (task.length === 0) throw rangeError('at least one run per task', 'scores', task);
    for (const s of task) all.push(s);
  }
  if (all.length === 0) throw rangeError('at least one task', 'scores', scores);
  return all;
}

function taskMeans(scores: TaskScores): number[] {
  pooled(scores); // the same checks: at least one task, at least one run in each
  return scores.map((task) => task.reduce((a, b) => a + b, 0) / task.length);
}

export function interquartileMean(scores: TaskScores): number {
  return trimmedMean(pooled(scores), 0.25);
}

export function meanScore(scores: TaskScores): number {
  const means = taskMeans(scores);
  return means.reduce((a, b) => a + b, 0) / means.length;
}

export function medianScore(scores: TaskScores): number {
  const means = taskMeans(scores).sort((a, b) => a - b);
  const mid = means.length >> 1;
  return means.length % 2 ? means[mid]! : (means[mid - 1]! + means[mid]!) / 2;
}

export function optimalityGap(scores: TaskScores, gamma = 1): number {
  const all = pooled(scores);
  return gamma - all.reduce((sum, s) => sum + Math.min(s, gamma), 0) / all.length;
}
