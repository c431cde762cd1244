import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../../src/report/bootstrap.js';
import {
  probabilityOfImprovement, probabilityOfImprovementInterval, taskImprovementProbability,
} from '../../src/report/improvement.js';
import { Random } from '../../src/random/random.js';

/** Mann-Whitney U of x over y from mid-ranks of the pooled sample (the textbook rank-sum route), over n_x·n_y. */
function rankSumProbability(x: number[], y: number[]): number {
  const pooled = [...x.map((v) => ({ v, fromX: true })), ...y.map((v) => ({ v, fromX: false }))].sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(pooled.length);
  for (let i = 0; i < pooled.length;) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1]!.v === pooled[i]!.v) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1; // tied values share the mean of their ranks
    i = j + 1;
  }
  let rankSumX = 0;
  pooled.forEach((p, k) => {
    if (p.fromX) rankSumX += ranks[k]!;
  });
  return (rankSumX - (x.length * (x.length + 1)) / 2) / (x.length * y.length);
}

/** Random scores with many ties (rounded), odd counts, different per side and per task. */
function randomTasks(random: Random, tasks: number): number[][] {
  return Array.from({ length: tasks }, () => Array.from({ length: 1 + random.integer(0, 6) }, () => Math.round(random.uniform() * 8) / 2));
}

describe('probability of improvement', () => {
  it('counts wins and half-ties by hand', () => {
    expect(taskImprovementProbability([12, 13, 14], [11, 12, 13])).toBe(7 / 9);
    expect(taskImprovementProbability([1, 1], [1, 1, 1])).toBe(0.5);
    expect(taskImprovementProbability([0], [5])).toBe(0);
    expect(probabilityOfImprovement([[2], [0]], [[1], [1]])).toBe(0.5);
  });

  it('equals the rank-sum form of the Mann-Whitney U on random inputs, and P(X>Y) + P(Y>X) = 1', () => {
    const random = new Random(Date.now() >>> 0);
    for (let trial = 0; trial < 50; trial++) {
      const tasks = 1 + random.integer(0, 5);
      const x = randomTasks(random, tasks);
      const y = randomTasks(random, tasks);
      const expected = x.reduce((s, xt, t) => s + rankSumProbability(xt, y[t]!), 0) / tasks;
      expect(probabilityOfImprovement(x, y)).toBeCloseTo(expected, 12);
      expect(probabilityOfImprovement(x, y) + probabilityOfImprovement(y, x)).toBeCloseTo(1, 12);
    }
  });

  it('bootstraps each side within each task, independently, as a plain loop does', () => {
    const x = [[3, 4, 5, 5], [10, 12, 9]];
    const y = [[2, 4, 5], [11, 8, 9, 7, 10]];
    const reps = 500;
    const random = new Random(5);
    const replicates: number[] = [];
    for (let r = 0; r < reps; r++) {
      const draw = (side: number[][]) => side.map((task) => task.map(() => task[random.integer(0, task.length)]!));
      const sx = draw(x);
      const sy = draw(y);
      replicates.push(sx.reduce((s, xt, t) => s + rankSumProbability(xt, sy[t]!), 0) / x.length);
    }
    replicates.sort((a, b) => a - b);
    const interval = probabilityOfImprovementInterval(x, y, { reps, seed: 5 });
    expect(interval.point).toBeCloseTo(probabilityOfImprovement(x, y), 12);
    expect(interval.lower).toBeCloseTo(quantileSorted(replicates, 0.025), 12);
    expect(interval.upper).toBeCloseTo(quantileSorted(replicates, 0.975), 12);
    expect(interval.lower).toBeLessThan(interval.point);
    expect(interval.upper).toBeGreaterThan(interval.point);
  });

  it('refuses mismatched or empty inputs in one line', () => {
    expect(() => probabilityOfImprovement([[1]], [[1], [2]])).toThrow('Expected 1 task(s), as many as scoresX for scoresY but received number 2');
    expect(() => probabilityOfImprovement([], [])).toThrow('Expected at least one task for scoresX');
    expect(() => probabilityOfImprovement([[]], [[1]])).toThrow('Expected at least one run on each side for scores of a task');
  });
});
