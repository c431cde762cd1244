// Performance profiles (rliable's score distributions): for each threshold τ, the fraction of all run × task
// scores above τ. Unlike a mean, a profile shows the whole distribution, so one outlier game cannot hide.
import { stratifiedBootstrapVector, type BootstrapOptions, type Interval } from './bootstrap.js';
import type { TaskScores } from './iqm.js';

export function scoreDistribution(scores: TaskScores, taus: readonly number[]): number[] {
  let total = 0;
  const above = taus.map(() => 0);
  for (const task of scores) {
    for (const s of task) {
      total++;
      taus.forEach((tau, k) => {
        if (s > tau) above[k]!++;
      });
    }
  }
  return above.map((n) => n / total);
}

export interface Profile {
  taus: number[];
  values: Interval[];
}

export function performanceProfile(scores: TaskScores, taus: readonly number[], options: BootstrapOptions = {}): Profile {
  return { taus: [...taus], values: stratifiedBootstrapVector(scores, (s) => scoreDistribution(s, taus), options) };
}

/** Evenly spaced thresholds from lo to hi inclusive. */
export function thresholds(lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
}
