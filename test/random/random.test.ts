import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random/random.js';
import { testSeed } from '../helpers/random.js';

/** xoshiro128** written independently with BigInt arithmetic, straight from the published C reference. */
function referenceXoshiro(words: number[]): () => number {
  const mask = 0xffffffffn;
  let [s0, s1, s2, s3] = words.map(BigInt);
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & mask;
  return () => {
    const result = (rotl((s1 * 5n) & mask, 7n) * 9n) & mask;
    const t = (s1 << 9n) & mask;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11n);
    return Number(result);
  };
}

describe('Random: bad calls', () => {
  it('rejects seeds that are not safe integers, naming seed', () => {
    expect(() => new Random('1' as never)).toThrow(TypeError);
    expect(() => new Random(1.5)).toThrow(/for seed/);
    expect(() => new Random(NaN)).toThrow(RangeError);
    expect(() => new Random(2 ** 60)).toThrow(/safe integer for seed/);
  });
  it('rejects empty or oversized integer ranges, naming the bound', () => {
    const random = new Random(1);
    expect(() => random.integer(3, 3)).toThrow(/for high/);
    expect(() => random.integer(0, 2 ** 32 + 1)).toThrow(RangeError);
    expect(() => random.integer(0.5, 3)).toThrow(/for low/);
    expect(() => random.integer(0, '3' as never)).toThrow(TypeError);
  });
  it('rejects malformed states', () => {
    const random = new Random(1);
    expect(() => random.setState(null as never)).toThrow(TypeError);
    expect(() => random.setState({ algorithm: 'mt19937' as never, words: [1, 2, 3, 4] })).toThrow(/state.algorithm/);
    expect(() => random.setState({ algorithm: 'xoshiro128**', words: [1, 2, 3] as never })).toThrow(/state.words/);
    expect(() => random.setState({ algorithm: 'xoshiro128**', words: [1, 2, 3, 2 ** 32] })).toThrow(/state.words\[3\]/);
    expect(() => random.setState({ algorithm: 'xoshiro128**', words: [0, 0, 0, 0] })).toThrow(/non-zero/);
  });
});

describe('Random', () => {
  it('is xoshiro128**: matches an independent BigInt implementation from a known state', () => {
    const random = Random.fromState({ algorithm: 'xoshiro128**', words: [1, 2, 3, 4] });
    const reference = referenceXoshiro([1, 2, 3, 4]);
    const first = random.nextUint32();
    expect(first).toBe(11520); // rotl(2·5, 7)·9, by hand
    expect(first).toBe(reference());
    for (let i = 0; i < 1000; i++) expect(random.nextUint32()).toBe(reference());
  });

  it('the same seed gives the same stream; different seeds differ', () => {
    const a = new Random(testSeed);
    const b = new Random(testSeed);
    const c = new Random(testSeed + 1);
    const sa = Array.from({ length: 50 }, () => a.uniform());
    const sb = Array.from({ length: 50 }, () => b.uniform());
    const sc = Array.from({ length: 50 }, () => c.uniform());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    expect(new Random(-1).nextUint32()).not.toBe(new Random(2 ** 32 - 1).nextUint32());
  });

  it('state() and setState() replay the stream exactly, through JSON', () => {
    const random = new Random(testSeed);
    for (let i = 0; i < 17; i++) random.normal();
    const saved = JSON.parse(JSON.stringify(random.state()));
    const expected = [random.uniform(), random.integer(-5, 5), random.normal(), random.nextUint32()];
    const replay = Random.fromState(saved);
    expect([replay.uniform(), replay.integer(-5, 5), replay.normal(), replay.nextUint32()]).toEqual(expected);
    random.setState(saved);
    expect(random.uniform()).toBe(expected[0]);
  });

  it('uniform(low, high) stays in [low, high) with the right mean and variance', () => {
    const random = new Random(testSeed);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = random.uniform(-0.05, 0.05);
      if (!(u >= -0.05 && u < 0.05)) outside++;
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(outside).toBe(0);
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(0.01 / 12 / n));
    // The sample variance's standard error is sqrt(Var(u²)/n), Var(u²) = 4a⁴/45 for u uniform on [−a, a].
    const a = 0.05;
    expect(Math.abs(variance - (a * a) / 3)).toBeLessThan(5 * Math.sqrt((4 * a ** 4) / 45 / n));
  });

  it('integer(low, high) covers [low, high) evenly (chi-square, fixed seed)', () => {
    const random = new Random(12345);
    const k = 7;
    const n = 70_000;
    const counts = new Array(k).fill(0);
    for (let i = 0; i < n; i++) counts[random.integer(-3, 4) + 3]++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n); // no value outside [-3, 4)
    const expected = n / k;
    const chiSquare = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(22.46); // p = 0.001 for 6 degrees of freedom
    expect(new Random(1).integer(0, 1)).toBe(0);
    const wide = new Random(2).integer(0, 2 ** 32);
    expect(wide >= 0 && wide < 2 ** 32).toBe(true);
  });

  it('normal() has mean 0 and standard deviation 1, and honours mean/std', () => {
    const random = new Random(testSeed);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = random.normal();
      sum += x;
      sumSq += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.sqrt(sumSq / n)).toBeCloseTo(1, 1);
    const shifted = new Random(testSeed);
    const plain = new Random(testSeed);
    expect(shifted.normal(3, 2)).toBeCloseTo(3 + 2 * plain.normal(), 12);
  });
});
