import { describe, expect, it } from 'vitest';
import { interquartileMean, meanScore, medianScore, optimalityGap, trimmedMean } from '../../src/report/iqm.js';

describe('aggregate scores', () => {
  it('rejects empty inputs', () => {
    expect(() => interquartileMean([])).toThrow('Expected at least one task for scores but received an array');
    expect(() => meanScore([[1], []])).toThrow('Expected at least one run per task');
    expect(() => trimmedMean([1, 2], 0.5)).toThrow('Expected a proportion in [0, 0.5) for proportion but received number 0.5');
  });

  it('IQM is the mean of the middle half of all run × task scores, cutting ⌊n/4⌋ from each end', () => {
    // 8 scores: cut 2 from each end, keep 3, 4, 5, 6.
    expect(interquartileMean([[8, 1, 6, 3], [2, 7, 4, 5]])).toBe(4.5);
    // 6 scores: ⌊1.5⌋ = 1 from each end: 12, 13, 21, 22 (scipy's trim_mean rule, no fractional weights).
    expect(interquartileMean([[11, 12, 13], [21, 22, 23]])).toBe(17);
    // 10 scores: ⌊2.5⌋ = 2: the middle six of 0..9 is 2..7.
    expect(interquartileMean([[9, 0, 5], [1, 8, 4, 6], [2, 3, 7]])).toBe(4.5);
    // An outlier moves the mean, not the IQM.
    expect(interquartileMean([[1, 2, 3, 1000]])).toBe(2.5);
    expect(trimmedMean([5], 0.25)).toBe(5);
  });

  it('mean and median are over per-task means; optimality gap clips at γ', () => {
    const scores = [[1, 3], [10], [0, 0, 3]]; // task means 2, 10, 1
    expect(meanScore(scores)).toBeCloseTo(13 / 3, 12);
    expect(medianScore(scores)).toBe(2);
    expect(medianScore([[1], [4]])).toBe(2.5);
    // clipped at 1: [1, 1, 1, 0, 0, 1] → mean 4/6 → gap 1/3
    expect(optimalityGap(scores)).toBeCloseTo(1 / 3, 12);
  });
});
