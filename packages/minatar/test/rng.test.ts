// The default generator: seeded and reproducible, uniform() in [0, 1), integer(low, high) in [low, high) without bias.
import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '../src/rng.js';

describe('Xoshiro128', () => {
  it('refuses seeds that are not safe integers', () => {
    expect(() => new Xoshiro128(1.5)).toThrow(RangeError);
    expect(() => new Xoshiro128('1' as unknown as number)).toThrow(TypeError);
    expect(() => new Xoshiro128(2 ** 60)).toThrow(/safe integer for seed/);
  });

  it('refuses an empty integer range', () => {
    expect(() => new Xoshiro128(0).integer(3, 3)).toThrow(RangeError);
  });

  it('gives the same stream for the same seed, another for another seed, and seed() restarts it', () => {
    const a = new Xoshiro128(7), b = new Xoshiro128(7), c = new Xoshiro128(-7);
    const take = (g: Xoshiro128) => Array.from({ length: 20 }, () => g.uniform());
    const first = take(a);
    expect(take(b)).toEqual(first);
    expect(take(c)).not.toEqual(first);
    a.seed(7);
    expect(take(a)).toEqual(first);
  });

  it('uniform() stays in [0, 1) with mean 1/2 and variance 1/12', () => {
    const g = new Xoshiro128(Math.floor(Math.random() * 1e9));
    const n = 200_000;
    let sum = 0, sumSq = 0, min = 1, max = 0;
    for (let i = 0; i < n; i++) {
      const u = g.uniform();
      sum += u;
      sumSq += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sumSq / n - sum * sum / n / n - 1 / 12)).toBeLessThan(0.002);
  });

  it('integer(low, high) covers [low, high) evenly (chi-square), as numpy randint', () => {
    const g = new Xoshiro128(Math.floor(Math.random() * 1e9));
    for (const [low, high] of [[0, 2], [1, 6], [1, 9], [0, 7], [-3, 4]]) {
      const k = high - low, n = 70_000;
      const counts = new Array(k).fill(0);
      let outside = 0;
      for (let i = 0; i < n; i++) {
        const v = g.integer(low, high);
        if (Number.isInteger(v) && v >= low && v < high) counts[v - low]++;
        else outside++;
      }
      expect(outside).toBe(0);
      const expected = n / k;
      const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
      // Far beyond the 99.99th percentile of chi-square with k − 1 ≤ 7 degrees of freedom (about 29).
      expect(chi2).toBeLessThan(40);
    }
  });
});
