import { describe, expect, it } from 'vitest';
import { native, type PruneScope } from '../../src/native.js';
import { randomFloat32, randomMask, rng, testSeed, type Rng } from '../helpers/random.js';
import { simdLevels, withSimdLevel } from '../helpers/simd.js';

type PruneFn = typeof native.magnitudePrune;
interface PruneOutcome {
  weights: Float32Array[];
  masks: Uint8Array[];
  thresholds: number[];
  pruned: number;
}

// ---- float64 JavaScript oracle: sort every candidate by (|w|, tensor, index) and prune the first ones ------------

function pruneOracle(weights: Float32Array[], masks: Uint8Array[], sparsity: number, scope: PruneScope): PruneOutcome {
  const out = { weights: weights.map((w) => w.slice()), masks: masks.map((m) => m.slice()), thresholds: [] as number[], pruned: 0 };
  const groups = scope === 'global' ? [weights.map((_, t) => t)] : weights.map((_, t) => [t]);
  for (const group of groups) {
    let n = 0, masked = 0;
    const magnitude: number[] = [], tensor: number[] = [], index: number[] = [];
    for (const t of group) {
      n += weights[t].length;
      for (let i = 0; i < weights[t].length; i++) {
        if (masks[t][i] === 0) masked++;
        else magnitude.push(Math.abs(weights[t][i])), tensor.push(t), index.push(i);
      }
    }
    // Candidates in index order, so sorting by (|w|, position) prunes ties first-come.
    const order = Array.from(magnitude, (_, j) => j).sort((a, b) => magnitude[a] - magnitude[b] || a - b);
    const needed = Math.max(0, Math.round(sparsity * n) - masked);
    for (const j of order.slice(0, needed)) {
      out.weights[tensor[j]][index[j]] = 0;
      out.masks[tensor[j]][index[j]] = 0;
    }
    const threshold = needed > 0 ? magnitude[order[needed - 1]] : 0;
    for (let j = 0; j < group.length; j++) out.thresholds.push(threshold);
    out.pruned += needed;
  }
  return out;
}

function run(fn: PruneFn, weights: Float32Array[], masks: Uint8Array[], sparsity: number, scope: PruneScope): PruneOutcome {
  const w = weights.map((x) => x.slice()), m = masks.map((x) => x.slice());
  const { thresholds, pruned } = fn(w, m, sparsity, scope);
  return { weights: w, masks: m, thresholds, pruned };
}

/** -1 when a and b hold the same values, else the first index where they differ. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function expectSameOutcome(actual: PruneOutcome, expected: PruneOutcome): void {
  expect(actual.pruned).toBe(expected.pruned);
  expect(actual.thresholds).toEqual(expected.thresholds);
  for (let t = 0; t < expected.masks.length; t++) {
    expect(firstDifference(actual.masks[t], expected.masks[t]), `masks[${t}] differs`).toBe(-1);
    expect(firstDifference(actual.weights[t], expected.weights[t]), `weights[${t}] differs`).toBe(-1);
  }
}

/** The contract checked directly on one outcome, without the oracle. */
function expectContract(before: { weights: Float32Array[]; masks: Uint8Array[] }, after: PruneOutcome, sparsity: number, scope: PruneScope): void {
  const groups = scope === 'global' ? [before.weights.map((_, t) => t)] : before.weights.map((_, t) => [t]);
  let prunedTotal = 0;
  // Violations are counted (one expect per element would dominate the run time) and the first one described.
  const violations: string[] = [];
  const violate = (what: string, t: number, i: number) => {
    if (violations.length < 5) violations.push(`${what} at weights[${t}][${i}]`);
  };
  for (const group of groups) {
    let n = 0, maskedBefore = 0, maskedAfter = 0, maxPruned = -1, minKept = Infinity;
    for (const t of group) {
      const [w0, m0, w1, m1] = [before.weights[t], before.masks[t], after.weights[t], after.masks[t]];
      n += w0.length;
      for (let i = 0; i < w0.length; i++) {
        if (m0[i] === 0) maskedBefore++;
        if (m1[i] === 0) maskedAfter++;
        if (m0[i] === 0) {
          if (m1[i] !== 0) violate('an already masked entry was unmasked', t, i);
          if (w1[i] !== w0[i]) violate('a weight under an existing 0 was changed', t, i);
        } else if (m1[i] === 0) {
          if (!Object.is(w1[i], 0)) violate('a newly pruned weight is not +0', t, i);
          maxPruned = Math.max(maxPruned, Math.abs(w0[i]));
        } else {
          if (m1[i] !== m0[i]) violate('a kept mask byte was changed', t, i);
          if (w1[i] !== w0[i]) violate('a kept weight was changed', t, i);
          minKept = Math.min(minKept, Math.abs(w0[i]));
        }
      }
    }
    expect(violations).toEqual([]);
    expect(maskedAfter).toBe(Math.max(maskedBefore, Math.round(sparsity * n)));
    expect(maxPruned, 'every kept |w| ≥ every newly pruned |w|').toBeLessThanOrEqual(minKept);
    const threshold = after.thresholds[group[0]];
    for (const t of group) expect(after.thresholds[t]).toBe(threshold);
    expect(threshold).toBe(maxPruned < 0 ? 0 : maxPruned);
    prunedTotal += maskedAfter - maskedBefore;
  }
  expect(after.pruned).toBe(prunedTotal);
}

// ---- random inputs ---------------------------------------------------------------------------------------------

const generators: Record<string, (r: Rng, n: number) => Float32Array> = {
  uniform: (r, n) => randomFloat32(r, n),
  // Many ties, exact zeros and negative zeros: a handful of magnitudes, both signs.
  fewValues: (r, n) => {
    const values = [0, -0, 0.25, -0.25, 0.5, -0.5, 1, 3];
    return Float32Array.from({ length: n }, () => values[r.int(0, values.length)]);
  },
  // Almost everything ties at one magnitude.
  nearlyConstant: (r, n) => Float32Array.from({ length: n }, () => (r.next() < 0.05 ? r.next() : r.next() < 0.5 ? 0.75 : -0.75)),
  // Magnitudes over many binades, subnormals included, so every digit of the radix select matters.
  wideExponents: (r, n) => Float32Array.from({ length: n }, () => (r.next() < 0.5 ? -1 : 1) * 2 ** (r.next() * 160 - 140)),
};

/** A mask with about `density` kept; kept bytes are 1, or any of 1..255 when `anyByte`. */
function maskFor(r: Rng, n: number, density: number, anyByte: boolean): Uint8Array {
  const mask = randomMask(r, n, density);
  if (anyByte) for (let i = 0; i < n; i++) if (mask[i] !== 0) mask[i] = r.int(1, 256);
  return mask;
}

const SMALL_SIZES = [1, 3, 17, 33, 129, 1000, 4097];
const SPARSITIES = [0, 0.5, 0.9, 0.99, 1];

function randomCase(r: Rng, generator: (r: Rng, n: number) => Float32Array, sizes: number[]) {
  const count = r.int(1, 5);
  const weights = Array.from({ length: count }, () => generator(r, sizes[r.int(0, sizes.length)]));
  const density = [1, 1, 0.8, 0.3][r.int(0, 4)];
  const anyByte = r.next() < 0.3;
  const masks = weights.map((w) => maskFor(r, w.length, density, anyByte));
  return { weights, masks };
}

function checkAll(weights: Float32Array[], masks: Uint8Array[], sparsity: number, scope: PruneScope): void {
  const expected = pruneOracle(weights, masks, sparsity, scope);
  const reference = run(native.magnitudePruneReference, weights, masks, sparsity, scope);
  expectContract({ weights, masks }, reference, sparsity, scope);
  expectSameOutcome(reference, expected);
  for (const level of simdLevels) {
    const fast = withSimdLevel(level, () => run(native.magnitudePrune, weights, masks, sparsity, scope));
    expectSameOutcome(fast, expected);
    const again = withSimdLevel(level, () => run(native.magnitudePrune, weights, masks, sparsity, scope));
    expectSameOutcome(again, fast); // deterministic
  }
}

// ---- bad calls ---------------------------------------------------------------------------------------------------

const pruneFns = [
  ['magnitudePrune', native.magnitudePrune],
  ['magnitudePruneReference', native.magnitudePruneReference],
] as const;

describe(`magnitude pruning: bad calls (seed ${testSeed})`, () => {
  const w = (n: number) => new Float32Array(n).fill(0.5);
  const m = (n: number) => new Uint8Array(n).fill(1);

  it.each(pruneFns)('%s rejects weights and masks that are not arrays of the right TypedArray', (_, fn) => {
    expect(() => fn(w(3) as never, [m(3)], 0.5, 'layer')).toThrow(TypeError);
    expect(() => fn(w(3) as never, [m(3)], 0.5, 'layer')).toThrow(/an array of Float32Array for weights but received Float32Array/);
    expect(() => fn([w(3)], m(3) as never, 0.5, 'layer')).toThrow(/an array of Uint8Array for masks/);
    expect(() => fn([w(3), new Float64Array(3) as never], [m(3), m(3)], 0.5, 'layer')).toThrow(TypeError);
    expect(() => fn([w(3), new Float64Array(3) as never], [m(3), m(3)], 0.5, 'layer')).toThrow(/for weights\[1\] but received Float64Array/);
    expect(() => fn([w(3)], [new Uint8ClampedArray(3) as never], 0.5, 'layer')).toThrow(/Uint8Array for masks\[0\] but received Uint8ClampedArray/);
    expect(() => fn([w(3)], [[1, 1, 1] as never], 0.5, 'layer')).toThrow(/for masks\[0\] but received an array/);
  });
  it.each(pruneFns)('%s rejects an empty list, different counts and mismatched lengths', (_, fn) => {
    expect(() => fn([], [], 0.5, 'global')).toThrow(RangeError);
    expect(() => fn([], [], 0.5, 'global')).toThrow(/at least one tensor for weights/);
    expect(() => fn([w(3), w(4)], [m(3)], 0.5, 'layer')).toThrow(RangeError);
    expect(() => fn([w(3), w(4)], [m(3)], 0.5, 'layer')).toThrow(/masks to have 2 entries/);
    expect(() => fn([w(3), w(4), w(5)], [m(3), m(4), m(6)], 0.5, 'layer')).toThrow(RangeError);
    expect(() => fn([w(3), w(4), w(5)], [m(3), m(4), m(6)], 0.5, 'layer')).toThrow(/masks\[2\] to have 5 elements \(weights\[2\]\.length\) but received 6/);
  });
  it.each(pruneFns)('%s rejects a sparsity outside [0, 1] or NaN, and an unknown scope', (_, fn) => {
    for (const bad of [Number.NaN, -0.1, 1.5, Infinity]) {
      expect(() => fn([w(3)], [m(3)], bad, 'layer')).toThrow(RangeError);
      expect(() => fn([w(3)], [m(3)], bad, 'layer')).toThrow(/in \[0, 1\] for sparsity/);
    }
    expect(() => fn([w(3)], [m(3)], '0.5' as never, 'layer')).toThrow(TypeError);
    expect(() => fn([w(3)], [m(3)], '0.5' as never, 'layer')).toThrow(/sparsity/);
    expect(() => fn([w(3)], [m(3)], 0.5, 'local' as never)).toThrow(RangeError);
    expect(() => fn([w(3)], [m(3)], 0.5, 'local' as never)).toThrow(/layer, global for scope but received string 'local'/);
    expect(() => fn([w(3)], [m(3)], 0.5, undefined as never)).toThrow(TypeError);
  });
  it.each(pruneFns)('%s rejects NaN/Inf weights, naming tensor and index, before changing anything', (_, fn) => {
    for (const scope of ['layer', 'global'] as const) {
      const first = Float32Array.from([3, 1, 2]), second = Float32Array.from([1, 2, 3, Number.NaN, 5]);
      const masks = [m(3), m(5)];
      expect(() => fn([first, second], masks, 0.5, scope)).toThrow(RangeError);
      expect(() => fn([first, second], masks, 0.5, scope)).toThrow(/finite values in weights\[1\] but received NaN at index 3/);
      expect(Array.from(first)).toEqual([3, 1, 2]);
      expect(Array.from(masks[0])).toEqual([1, 1, 1]);
      second[3] = -Infinity;
      expect(() => fn([first, second], masks, 0.5, scope)).toThrow(/weights\[1\] but received -Infinity at index 3/);
    }
    // masked or not, a NaN weight is an error
    expect(() => fn([Float32Array.from([1, Infinity])], [Uint8Array.from([1, 0])], 0.5, 'layer')).toThrow(/weights\[0\].*index 1/);
  });
  it.each(pruneFns)('%s rejects tensors that share memory', (_, fn) => {
    const buffer = new ArrayBuffer(64);
    const a = new Float32Array(buffer, 0, 8), b = new Float32Array(buffer, 16, 8);
    expect(() => fn([a, b], [m(8), m(8)], 0.5, 'global')).toThrow(RangeError);
    expect(() => fn([a, b], [m(8), m(8)], 0.5, 'global')).toThrow(/weights\[1\].*overlaps weights\[0\]/);
    expect(() => fn([a], [new Uint8Array(buffer, 0, 8)], 0.5, 'layer')).toThrow(/overlaps/);
  });

  it('kthSmallestAbs rejects a bad array, a k outside [0, n−1] and NaN', () => {
    expect(() => native.kthSmallestAbs(new Float64Array(3) as never, 0)).toThrow(TypeError);
    expect(() => native.kthSmallestAbs(new Float64Array(3) as never, 0)).toThrow(/Float32Array for w/);
    expect(() => native.kthSmallestAbs(new Float32Array(0), 0)).toThrow(RangeError);
    expect(() => native.kthSmallestAbs(new Float32Array(0), 0)).toThrow(/non-empty Float32Array for w/);
    expect(() => native.kthSmallestAbs(w(3), 3)).toThrow(RangeError);
    expect(() => native.kthSmallestAbs(w(3), 3)).toThrow(/in \[0, 2\] for k/);
    expect(() => native.kthSmallestAbs(w(3), -1)).toThrow(/for k/);
    expect(() => native.kthSmallestAbs(w(3), 1.5)).toThrow(/for k/);
    expect(() => native.kthSmallestAbs(w(3), '1' as never)).toThrow(TypeError);
    expect(() => native.kthSmallestAbs(Float32Array.from([1, Number.NaN]), 0)).toThrow(RangeError);
    expect(() => native.kthSmallestAbs(Float32Array.from([1, Number.NaN]), 0)).toThrow(/NaN for w but received NaN at index 1/);
  });
});

// ---- behaviour ---------------------------------------------------------------------------------------------------

describe(`magnitude pruning: small cases by hand (seed ${testSeed})`, () => {
  it.each(pruneFns)('%s prunes the smallest, ties in index order, and reports the threshold', (_, fn) => {
    const w = Float32Array.from([0.5, -0.1, 0.3, 0.1, -0.1, 2, 0]);
    const m = new Uint8Array(7).fill(1);
    // round(0.5·7) = 4: 0 (index 6), then the three ±0.1 in index order
    expect(fn([w], [m], 0.5, 'layer')).toEqual({ thresholds: [Math.fround(0.1)], pruned: 4 });
    expect(Array.from(m)).toEqual([1, 0, 1, 0, 0, 1, 0]);
    expect(Array.from(w)).toEqual([0.5, 0, Math.fround(0.3), 0, 0, 2, 0]);

    const ties = [Float32Array.from([1, 1, 1]), Float32Array.from([1, 1, 1])];
    const tieMasks = [new Uint8Array(3).fill(1), new Uint8Array(3).fill(1)];
    expect(fn(ties, tieMasks, 0.5, 'global')).toEqual({ thresholds: [1, 1], pruned: 3 });
    expect(tieMasks.map((x) => Array.from(x))).toEqual([[0, 0, 0], [1, 1, 1]]);
  });
  it.each(pruneFns)('%s changes nothing when more than the target is already masked', (_, fn) => {
    const w = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5]);
    const m = Uint8Array.from([0, 0, 0, 7, 1]);
    expect(fn([w], [m], 0.4, 'layer')).toEqual({ thresholds: [0], pruned: 0 });
    expect(Array.from(m)).toEqual([0, 0, 0, 7, 1]);
    expect(Array.from(w)).toEqual(Array.from(Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5])));
  });
  it.each(pruneFns)('%s treats any non-zero mask byte as kept and leaves it as it is', (_, fn) => {
    const w = Float32Array.from([0.4, 0.3, 0.2, 0.1]);
    const m = Uint8Array.from([255, 2, 0, 1]);
    expect(fn([w], [m], 0.75, 'layer')).toEqual({ thresholds: [Math.fround(0.3)], pruned: 2 });
    expect(Array.from(m)).toEqual([255, 0, 0, 0]);
  });
  it.each(pruneFns)('%s prunes a kept weight of exactly 0 first, and everything at sparsity 1', (_, fn) => {
    const w = Float32Array.from([0.2, 0, -0.1]);
    const m = new Uint8Array(3).fill(1);
    expect(fn([w], [m], 1 / 3, 'layer')).toEqual({ thresholds: [0], pruned: 1 });
    expect(Array.from(m)).toEqual([1, 0, 1]);
    expect(fn([w], [m], 1, 'layer')).toEqual({ thresholds: [Math.fround(0.2)], pruned: 2 });
    expect(Array.from(m)).toEqual([0, 0, 0]);
  });
});

describe(`magnitude pruning vs the reference and a float64 sort (seed ${testSeed})`, () => {
  const r = rng(testSeed + 1);
  for (const [name, generator] of Object.entries(generators)) {
    for (const scope of ['layer', 'global'] as const) {
      it(`${name} weights, ${scope} scope, every sparsity, odd sizes, pre-existing masks`, () => {
        for (const sparsity of [...SPARSITIES, r.next()]) {
          for (let repeat = 0; repeat < 3; repeat++) {
            const { weights, masks } = randomCase(r, generator, SMALL_SIZES);
            checkAll(weights, masks, sparsity, scope);
          }
        }
      });
    }
  }

  // Over 2·65536 weights the work is split between threads, and in 'global' scope chunks cross tensor boundaries:
  // ties at the cut then straddle chunks, which must still be pruned in index order.
  for (const [name, generator] of Object.entries(generators)) {
    it(`${name} weights, large tensors split between threads`, () => {
      for (const scope of ['layer', 'global'] as const) {
        for (const sparsity of [0.5, 0.95, r.next()]) {
          const { weights, masks } = randomCase(r, generator, [70001, 150001, 33]);
          checkAll(weights, masks, sparsity, scope);
        }
      }
    });
  }
});

describe(`kthSmallestAbs (seed ${testSeed})`, () => {
  const r = rng(testSeed + 2);
  for (const level of simdLevels) {
    it(`matches a float64 sort at SIMD level ${level}`, () => {
      for (const [name, generator] of Object.entries(generators)) {
        for (const n of [...SMALL_SIZES, 150001]) {
          const w = generator(r, n);
          const sorted = Float64Array.from(w, Math.abs).sort();
          for (const k of [0, n - 1, r.int(0, n), r.int(0, n)]) {
            const got = withSimdLevel(level, () => native.kthSmallestAbs(w, k));
            expect(got, `${name}, n ${n}, k ${k}`).toBe(sorted[k]);
          }
        }
      }
    });
  }
  it('accepts ±Infinity as the largest magnitudes', () => {
    const w = Float32Array.from([-Infinity, 2, -1, Infinity]);
    expect(native.kthSmallestAbs(w, 1)).toBe(2);
    expect(native.kthSmallestAbs(w, 3)).toBe(Infinity);
  });
});
