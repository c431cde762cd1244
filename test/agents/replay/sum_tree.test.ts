import { describe, expect, it } from 'vitest';
import { SumTree } from '../../../src/agents/replay/sum_tree.js';
import { Random } from '../../../src/random/random.js';
import { rng, testSeed } from '../../helpers/random.js';

const r = rng(testSeed);

/** The leaf a linear scan finds: the first i with Σ_{j≤i} v_j > prefix. */
function scan(values: number[], prefix: number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (prefix < sum) return i;
  }
  return -1;
}

describe('SumTree: bad calls', () => {
  it('refuses capacities < 1, bad indices and values, and searching an empty tree', () => {
    expect(() => new SumTree(0)).toThrow(/for capacity/);
    expect(() => new SumTree(2.5)).toThrow(RangeError);
    const tree = new SumTree(5);
    expect(() => tree.find(0)).toThrow(/positive total/);
    expect(() => tree.set(5, 1)).toThrow(/\[0, 4\] for index/);
    expect(() => tree.set(-1, 1)).toThrow(/index/);
    expect(() => tree.set(0, -1)).toThrow(/≥ 0 for value/);
    expect(() => tree.set(0, NaN)).toThrow(/value/);
    expect(() => tree.set(0, Infinity)).toThrow(/value/);
    expect(() => tree.set(0, '1' as never)).toThrow(TypeError);
    tree.set(0, 1);
    expect(() => tree.find(-0.5)).toThrow(/prefix/);
    expect(() => tree.find(NaN)).toThrow(/prefix/);
    expect(() => tree.load(new Float64Array(6))).toThrow(/values.length/);
    expect(() => tree.load(Float64Array.of(1, -2))).toThrow(/values\[1\]/);
    expect(() => tree.load([1, 2] as never)).toThrow(TypeError);
  });
});

describe('SumTree', () => {
  for (const capacity of [1, 3, 8, 17, 33, 129]) {
    it(`keeps the total and finds the same leaf as a linear scan (capacity ${capacity})`, () => {
      const tree = new SumTree(capacity);
      const values = new Array(capacity).fill(0);
      for (let update = 0; update < 4 * capacity; update++) {
        const index = r.int(0, capacity);
        values[index] = r.next() < 0.2 ? 0 : r.next() * 10;
        tree.set(index, values[index]);
      }
      values[r.int(0, capacity)] = 3.5;
      values.forEach((v, i) => tree.set(i, v));
      const total = values.reduce((a, b) => a + b, 0);
      expect(tree.total).toBeCloseTo(total, 10);
      for (let k = 0; k < 200; k++) {
        const prefix = r.next() * total * (1 - 1e-12);
        const found = tree.find(prefix);
        expect(values[found]).toBeGreaterThan(0);
        const cumulativeBefore = values.slice(0, found).reduce((a, b) => a + b, 0);
        // The tree and the scan may disagree only when the prefix sits within rounding of a boundary.
        if (Math.abs(prefix - cumulativeBefore) > 1e-9 && Math.abs(prefix - cumulativeBefore - values[found]) > 1e-9) {
          expect(found).toBe(scan(values, prefix));
        }
      }
      expect(Array.from(tree.leaves())).toEqual(values);
    });
  }

  it('on exact boundaries goes to the next positive leaf, and never lands on a zero', () => {
    const tree = new SumTree(6);
    [1, 0, 2, 0, 0, 3].forEach((v, i) => tree.set(i, v));
    expect([0, 0.999, 1, 2.999, 3, 5.999].map((p) => tree.find(p))).toEqual([0, 0, 2, 2, 5, 5]);
    expect(tree.find(6)).toBe(5); // at the total (rounding): the last positive leaf
    expect(tree.find(100)).toBe(5);
    tree.set(5, 0);
    expect(tree.find(2.5)).toBe(2);
    expect(tree.find(3)).toBe(2);
  });

  it('samples leaves in proportion to their values (chi-square, fixed seed)', () => {
    const values = [1, 2, 3, 4, 0, 5, 0.5, 7, 2.5];
    const tree = new SumTree(values.length);
    values.forEach((v, i) => tree.set(i, v));
    const random = new Random(2024);
    const draws = 200_000;
    const counts = new Array(values.length).fill(0);
    for (let k = 0; k < draws; k++) counts[tree.find(random.uniform() * tree.total)]++;
    expect(counts[4]).toBe(0);
    const total = values.reduce((a, b) => a + b, 0);
    let chiSquare = 0;
    values.forEach((v, i) => {
      if (v > 0) chiSquare += (counts[i] - (draws * v) / total) ** 2 / ((draws * v) / total);
    });
    expect(chiSquare).toBeLessThan(24.32); // p = 0.001 for 7 degrees of freedom
  });

  it('load() rebuilds the sums from saved leaves', () => {
    const tree = new SumTree(10);
    for (let i = 0; i < 10; i++) tree.set(i, r.next());
    const copy = new SumTree(10);
    copy.load(tree.leaves(7));
    expect(copy.total).toBeCloseTo(Array.from(tree.leaves(7)).reduce((a, b) => a + b, 0), 14);
    expect(copy.get(8)).toBe(0);
    copy.load(tree.leaves());
    expect(copy.total).toBe(tree.total);
  });
});
