import { describe, expect, it } from 'vitest';
import { quantileSorted, stratifiedBootstrap, stratifiedBootstrapVector } from '../../src/report/bootstrap.js';
import { interquartileMean, meanScore } from '../../src/report/iqm.js';
import { scoreDistribution } from '../../src/report/profiles.js';
import { Random } from '../../src/random/random.js';

/**
 * A second, deliberately plain implementation: loops, explicit index draws task by task and run by run (the
 * order the library documents), an explicit sort, and numpy's linear-interpolation percentile written out.
 */
function referenceInterval(scores: number[][], statistic: (s: number[][]) => number, reps: number, seed: number, confidence: number) {
  const random = new Random(seed);
  const replicates: number[] = [];
  for (let r = 0; r < reps; r++) {
    const sample: number[][] = [];
    for (let t = 0; t < scores.length; t++) {
      const row: number[] = [];
      for (let i = 0; i < scores[t]!.length; i++) row.push(scores[t]![random.integer(0, scores[t]!.length)]!);
      sample.push(row);
    }
    replicates.push(statistic(sample));
  }
  replicates.sort((a, b) => a - b);
  const percentile = (p: number) => {
    const h = (replicates.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.ceil(h);
    return replicates[lo]! + (h - lo) * (replicates[hi]! - replicates[lo]!);
  };
  return { point: statistic(scores), lower: percentile((1 - confidence) / 2), upper: percentile(1 - (1 - confidence) / 2) };
}

describe('stratified bootstrap', () => {
  it('rejects bad options', () => {
    expect(() => stratifiedBootstrap([[1]], meanScore, { reps: 0 })).toThrow('Expected an integer in [1, 10000000] for reps but received number 0');
    expect(() => stratifiedBootstrap([[1]], meanScore, { confidence: 2 })).toThrow('for confidence but received number 2');
  });

  it('equals a plain second implementation for IQM and mean with a fixed seed', () => {
    const scores = [[0.1, 0.5, 0.9, 1.3, 0.2], [2.0, 2.5, 1.1], [0.0, 0.05, 0.3, 0.7]];
    for (const [stat, seed, conf] of [[interquartileMean, 7, 0.95], [meanScore, 123, 0.9]] as const) {
      const ours = stratifiedBootstrap(scores, stat, { reps: 3000, seed, confidence: conf });
      const reference = referenceInterval(scores, stat, 3000, seed, conf);
      expect(ours.point).toBe(reference.point);
      expect(ours.lower).toBeCloseTo(reference.lower, 12);
      expect(ours.upper).toBeCloseTo(reference.upper, 12);
      expect(ours.lower).toBeLessThan(ours.point);
      expect(ours.upper).toBeGreaterThan(ours.point);
    }
  });

  it('resamples runs within each task only, keeping each task\'s run count', () => {
    const scores = [[1, 2, 3], [100, 200], [-5]];
    stratifiedBootstrap(scores, (sample) => {
      expect(sample.map((t) => t.length)).toEqual([3, 2, 1]);
      sample.forEach((task, t) => task.forEach((s) => expect(scores[t]).toContain(s)));
      return 0;
    }, { reps: 200 });
    // A task with one run never varies, so neither does a statistic of it alone.
    const fixed = stratifiedBootstrap([[4]], meanScore, { reps: 100 });
    expect(fixed).toEqual({ point: 4, lower: 4, upper: 4 });
  });

  it('gives a mean interval close to the normal approximation on many runs', () => {
    const random = new Random(5);
    const runs = Array.from({ length: 400 }, () => random.normal(10, 2));
    const m = runs.reduce((a, b) => a + b, 0) / runs.length;
    const sd = Math.sqrt(runs.reduce((a, b) => a + (b - m) ** 2, 0) / (runs.length - 1));
    const ci = stratifiedBootstrap([runs], meanScore, { reps: 4000, seed: 1 });
    const half = 1.96 * sd / Math.sqrt(runs.length);
    expect(Math.abs(ci.upper - ci.lower - 2 * half) / (2 * half)).toBeLessThan(0.1);
    expect(Math.abs((ci.upper + ci.lower) / 2 - m)).toBeLessThan(0.1 * half);
  });

  it('vector statistics share replicates and match the scalar version pointwise', () => {
    const scores = [[0.1, 0.6, 0.9], [0.4, 0.2]];
    const taus = [0, 0.3, 0.5];
    const profile = stratifiedBootstrapVector(scores, (s) => scoreDistribution(s, taus), { reps: 500, seed: 3 });
    expect(profile.map((p) => p.point)).toEqual([1, 0.6, 0.4]);
    for (let k = 0; k < taus.length; k++) {
      const scalar = stratifiedBootstrap(scores, (s) => scoreDistribution(s, [taus[k]!])[0]!, { reps: 500, seed: 3 });
      expect(profile[k]).toEqual(scalar);
    }
  });

  it('interpolates quantiles like numpy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
    expect(quantileSorted([7], 0.975)).toBe(7);
  });
});
