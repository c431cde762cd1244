// ERK ramps as JaxPruner ramps it: solved once at the final sparsity, each layer scaled by the schedule's fraction;
// global pruning ranks L2-normalised scores by default.
import { describe, expect, it } from 'vitest';
import { Network } from '../../src/nn/network.js';
import { Pruner } from '../../src/prune/pruner.js';
import { constantSchedule, polynomialSchedule } from '../../src/prune/schedule.js';

// Weight layers [10, 10] (100 weights, ERK raw density 20/100 = 0.2), [100, 10] (1000, 0.11), [2, 100] (200, 0.51).
const layers = [
  { type: 'linear' as const, out: 10 }, { type: 'relu' as const },
  { type: 'linear' as const, out: 100 }, { type: 'relu' as const }, { type: 'linear' as const, out: 2 },
];

describe('Pruner with ERK', () => {
  it("gives each layer its final ERK sparsity scaled by the schedule's fraction", () => {
    const net = new Network({ layers, inputShape: [10], seed: 3 });
    try {
      const schedule = polynomialSchedule({ finalSparsity: 0.9, startStep: 0, endStep: 100, frequency: 10 });
      const pruner = new Pruner(net, { schedule, distribution: 'erk' });
      // By hand at s = 0.9: zeros ⌊0.9·n⌋ = 90, 900, 180; kept budget 10 + 100 + 20 = 130;
      // ε = 130 / (0.2·100 + 0.11·1000 + 0.51·200) = 130 / 232; no density exceeds 1 (0.51·ε = 0.286).
      const eps = 130 / 232;
      const final = [1 - 0.2 * eps, 1 - 0.11 * eps, 1 - 0.51 * eps];
      pruner.finalLayerSparsities!.forEach((s, i) => expect(s).toBeCloseTo(final[i]!, 12));
      // Half-way through the ramp the target is 0.45: every layer at half its final sparsity (re-solving ERK at 0.45
      // instead makes the head dense and gives 1 − 0.2·515/130 = 0.208 and 1 − 0.11·515/130 = 0.564: the head
      // would stay dense, then jump to 0.71 at the end).
      const half = pruner.layerSparsitiesAt(0.45);
      half.forEach((s, i) => expect(s).toBeCloseTo(final[i]! / 2, 12));
      pruner.apply(0.45);
      // Pruned: round(0.44397·100) = 44, round(0.46918·1000) = 469, round(0.35711·200) = 71.
      expect(net.params().map((p) => p.size - p.kept)).toEqual([44, 469, 71]);
      pruner.apply(0.9);
      expect(net.params().map((p) => p.size - p.kept)).toEqual(final.map((s, i) => Math.round(s * [100, 1000, 200][i]!)));
    } finally {
      net.dispose();
    }
  });
});

describe('Pruner with global magnitude', () => {
  const setup = () => {
    // Two [10, 10] layers with the same pattern of magnitudes (1..100), the first 1000× larger.
    const net = new Network({ layers: [{ type: 'linear', out: 10 }, { type: 'relu' }, { type: 'linear', out: 10 }], inputShape: [10], seed: 4 });
    const pattern = Float32Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    net.setWeight(0, pattern.map((v) => v * 1000));
    net.setWeight(1, pattern.map((v, i) => (i % 2 ? v : -v)));
    return net;
  };

  it('ranks |w| / ‖W‖₂ by default, so a layer of large weights is not spared (JaxPruner)', () => {
    const net = setup();
    try {
      new Pruner(net, { schedule: constantSchedule({ sparsity: 0.5 }), distribution: 'global' }).apply(0.5);
      expect(net.params().map((p) => p.size - p.kept)).toEqual([50, 50]);
    } finally {
      net.dispose();
    }
  });

  it("ranks raw |w| with globalScores 'raw': the small layer goes first", () => {
    const net = setup();
    try {
      new Pruner(net, { schedule: constantSchedule({ sparsity: 0.5 }), distribution: 'global', globalScores: 'raw' }).apply(0.5);
      expect(net.params().map((p) => p.size - p.kept)).toEqual([0, 100]);
      expect(() => new Pruner(net, { schedule: constantSchedule({ sparsity: 0.5 }), distribution: 'global', globalScores: 'l1' as never })).toThrow(/globalScores/);
    } finally {
      net.dispose();
    }
  });
});
