// Comparing float32 kernel outputs with float64 references.
import { expect } from 'vitest';

/** max |a−b| / max(1, max|b|): the error relative to the reference's scale. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let maxDiff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return maxDiff / scale;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  const err = relativeError(actual, expected);
  expect(err, `relative error ${err} > ${tolerance}`).toBeLessThanOrEqual(tolerance);
}
