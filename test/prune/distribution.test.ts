import { describe, expect, it } from 'vitest';
import {
  erkDistribution, layerSparsities, sparsityDistributions, uniformDistribution, type LayerDescriptor,
} from '../../src/prune/distribution.js';
import { rng, testSeed } from '../helpers/random.js';

const r = rng(testSeed);

function linear(out: number, inp: number): LayerDescriptor {
  return { kind: 'linear', shape: [out, inp], size: out * inp };
}
function conv(outC: number, k: number, inC: number): LayerDescriptor {
  return { kind: 'conv2d', shape: [outC, k, k, inC], size: outC * k * k * inC };
}

/** The MinAtar DQN net on a 10×10×4 input: conv 3×3×16, linear 1024 → 128, linear 128 → 6. */
const minatar = [conv(16, 3, 4), linear(128, 1024), linear(6, 128)];

function randomNet(): LayerDescriptor[] {
  const layers: LayerDescriptor[] = [];
  const count = 2 + r.int(0, 5);
  for (let i = 0; i < count; i++) {
    layers.push(r.next() < 0.5 ? conv(1 + r.int(0, 48), 1 + 2 * r.int(0, 3), 1 + r.int(0, 32)) : linear(1 + r.int(0, 300), 1 + r.int(0, 300)));
  }
  return layers;
}

/** Kept weights Σ (1 − s_l)·n_l over the layers with a sparsity. */
function kept(layers: LayerDescriptor[], sparsities: (number | null)[]): number {
  return layers.reduce((sum, layer, i) => (sparsities[i] === null ? sum : sum + (1 - sparsities[i]!) * layer.size), 0);
}

/** ERK by water-filling, solved independently by bisection: density_l = min(1, ε·Σshape/Πshape). */
function erkByBisection(layers: LayerDescriptor[], target: number): number[] {
  const raw = layers.map((l) => l.shape.reduce((a, b) => a + b, 0) / l.size);
  const budget = layers.reduce((sum, l) => sum + l.size - Math.floor(target * l.size), 0);
  const keptAt = (eps: number) => layers.reduce((sum, l, i) => sum + Math.min(1, eps * raw[i]) * l.size, 0);
  let low = 0;
  let high = 1;
  while (keptAt(high) < budget && high < 1e12) high *= 2;
  for (let iteration = 0; iteration < 200; iteration++) {
    const mid = (low + high) / 2;
    if (keptAt(mid) < budget) low = mid;
    else high = mid;
  }
  return raw.map((v) => 1 - Math.min(1, high * v));
}

describe('distributions: bad calls', () => {
  it('refuses targets outside [0, 1), naming target', () => {
    expect(() => erkDistribution(minatar, 1)).toThrow(/\[0, 1\) for target but received number 1/);
    expect(() => uniformDistribution(minatar, -0.5)).toThrow(RangeError);
    expect(() => erkDistribution(minatar, NaN)).toThrow(/target/);
    expect(() => erkDistribution(minatar, '0.9' as never)).toThrow(TypeError);
  });
  it('refuses malformed layer lists and dense indices', () => {
    expect(() => erkDistribution([], 0.9)).toThrow(/layers.length/);
    expect(() => erkDistribution([{ kind: 'linear', shape: [3, 4], size: 11 }], 0.9)).toThrow(/product of the shape \(12\) for layers\[0\].size/);
    expect(() => erkDistribution([{ kind: 'conv2d', shape: [3, 4], size: 12 }], 0.9)).toThrow(/layers\[0\].shape/);
    expect(() => erkDistribution([{ kind: 'lstm' as never, shape: [3, 4], size: 12 }], 0.9)).toThrow(/linear, conv2d for layers\[0\].kind/);
    expect(() => uniformDistribution([linear(2, 0)], 0.9)).toThrow(/layers\[0\].shape\[1\]/);
    expect(() => erkDistribution(minatar, 0.9, { dense: [3] })).toThrow(/\[0, 2\] for dense\[0\]/);
    expect(() => erkDistribution(minatar, 0.9, { dense: 0 as never })).toThrow(TypeError);
  });
  it("layerSparsities refuses 'global' (the pruner ranks globally) and unknown kinds", () => {
    expect(() => layerSparsities('global' as never, minatar, 0.9)).toThrow(/global/);
    expect(() => layerSparsities('random' as never, minatar, 0.9)).toThrow(/uniform, erk for kind/);
  });
});

describe('uniformDistribution', () => {
  it('gives every layer the target, and null to layers left dense', () => {
    expect(uniformDistribution(minatar, 0.95)).toEqual([0.95, 0.95, 0.95]);
    expect(uniformDistribution(minatar, 0.9, { dense: [0, 2] })).toEqual([null, 0.9, null]);
    expect(layerSparsities('uniform', minatar, 0.5)).toEqual([0.5, 0.5, 0.5]);
    expect(sparsityDistributions).toEqual(['uniform', 'erk', 'global']);
  });
});

describe('erkDistribution (Evci et al. 2020, as in JaxPruner)', () => {
  it('keeps (1 − s) of the weights in total, within rounding, on random networks', () => {
    for (let trial = 0; trial < 50; trial++) {
      const layers = randomNet();
      const target = [0.5, 0.9, 0.95, 0.99][trial % 4];
      const sparsities = erkDistribution(layers, target);
      const total = layers.reduce((sum, l) => sum + l.size, 0);
      // JaxPruner counts each layer's zeros as floor(s·n): at most one weight per layer of rounding.
      expect(Math.abs(kept(layers, sparsities) - (1 - target) * total)).toBeLessThanOrEqual(layers.length);
      for (const s of sparsities) expect(s! >= 0 && s! < 1).toBe(true);
    }
  });

  it('matches the water-filling solution min(1, ε·Σdims/Πdims) found by bisection', () => {
    for (let trial = 0; trial < 50; trial++) {
      const layers = randomNet();
      const target = [0.5, 0.8, 0.9, 0.95, 0.99][trial % 5];
      const expected = erkByBisection(layers, target);
      erkDistribution(layers, target).forEach((s, i) => expect(Math.abs(s! - expected[i])).toBeLessThan(1e-9));
    }
  });

  it("reproduces JaxPruner's get_sparsities_erdos_renyi on the MinAtar and Nature CNN nets", () => {
    // Values printed by JaxPruner's function (numpy only) for these shapes; they agree to the last bit.
    expect(erkDistribution(minatar, 0.95)).toEqual([0.7721724678184282, 0.9556393507050305, 0.11935896214430908]);
    const nature = [conv(32, 8, 4), conv(64, 4, 32), conv(64, 3, 64), linear(512, 3136), linear(18, 512)];
    expect(erkDistribution(nature, 0.9)).toEqual([0.7420091992286694, 0.8710045996143347, 0.8522616781907765, 0.9076579237427577, 0]);
  });

  it('makes small layers denser: density ∝ Σdims/Πdims, conv kernel dims included', () => {
    const sparsities = erkDistribution(minatar, 0.95) as number[];
    const [convS, hiddenS, headS] = sparsities;
    expect(convS).toBeLessThan(hiddenS);
    expect(headS).toBeLessThan(hiddenS);
    const raw = minatar.map((l) => l.shape.reduce((a, b) => a + b, 0) / l.size);
    // Uncapped layers keep densities in the ratio of their raw ERK scores.
    const uncapped = sparsities.map((s, i) => [s, i] as const).filter(([s]) => s > 0);
    for (const [s, i] of uncapped) for (const [t, j] of uncapped) expect((1 - s) / (1 - t)).toBeCloseTo(raw[i] / raw[j], 9);
    expect(raw[0]).toBeCloseTo((16 + 3 + 3 + 4) / 576, 15);
  });

  it('caps layers that would exceed density 1 at sparsity 0 and re-solves the rest', () => {
    // A tiny head next to a huge hidden layer: at 50% sparsity the head's ERK density exceeds 1.
    const layers = [linear(2, 3), linear(1000, 1000)];
    const [head, hidden] = erkDistribution(layers, 0.5) as number[];
    expect(head).toBe(0);
    expect(kept(layers, [head, hidden])).toBeCloseTo(0.5 * 1_000_006, 6);
    expect(erkDistribution(minatar, 0)).toEqual([0, 0, 0]);
  });

  it('leaves `dense` layers out: null for them, the target over the others', () => {
    const sparsities = erkDistribution(minatar, 0.9, { dense: [0] });
    expect(sparsities[0]).toBeNull();
    const rest = minatar.slice(1);
    expect(kept(rest, sparsities.slice(1))).toBeCloseTo(0.1 * (rest[0].size + rest[1].size), -1);
    expect(sparsities.slice(1)).toEqual(erkDistribution(rest, 0.9));
    expect(erkDistribution(minatar, 0.9, { dense: [0, 1, 2] })).toEqual([null, null, null]);
    expect(layerSparsities('erk', minatar, 0.9, { dense: [0] })).toEqual(sparsities);
  });
});
