// Probability of improvement (rliable, Agarwal et al. 2021): the chance that a run of X on a task scores higher
// than a run of Y on that task, averaged over tasks. Per task it is the Mann-Whitney U statistic of X over Y
// divided by n_x·n_y (a tie counts one half). Unlike a difference of means it does not care about a task's
// scale, and 0.5 means "no difference". Its interval resamples X's and Y's runs independently within each task.
import { bootstrapIntervals, stratifiedResample, type BootstrapOptions, type Interval } from './bootstrap.js';
import type { TaskScores } from './iqm.js';
import type { Random } from '../random/random.js';
import { rangeError } from '../validate.js';

/** P(X > Y) on one task: the fraction of (x, y) pairs with x > y, ties counting ½. */
export function taskImprovementProbability(x: readonly number[], y: readonly number[]): number {
  if (x.length === 0 || y.length === 0) throw rangeError('at least one run on each side', 'scores of a task', x.length ? y : x);
  let wins = 0;
  for (const a of x) for (const b of y) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return wins / (x.length * y.length);
}

/** The mean over tasks of P(X > Y); scoresX[t] and scoresY[t] are the two sides' runs on the same task t. */
export function probabilityOfImprovement(scoresX: TaskScores, scoresY: TaskScores): number {
  if (scoresX.length === 0) throw rangeError('at least one task', 'scoresX', scoresX);
  if (scoresY.length !== scoresX.length) throw rangeError(`${scoresX.length} task(s), as many as scoresX`, 'scoresY', scoresY.length);
  let sum = 0;
  for (let t = 0; t < scoresX.length; t++) sum += taskImprovementProbability(scoresX[t]!, scoresY[t]!);
  return sum / scoresX.length;
}

export function probabilityOfImprovementInterval(scoresX: TaskScores, scoresY: TaskScores, options: BootstrapOptions = {}): Interval {
  const point = probabilityOfImprovement(scoresX, scoresY);
  const replicate = (random: Random) => [probabilityOfImprovement(stratifiedResample(scoresX, random), stratifiedResample(scoresY, random))];
  return bootstrapIntervals([point], replicate, options)[0]!;
}
