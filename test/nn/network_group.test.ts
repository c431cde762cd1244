// Several Networks pruned as one model: renumbered layers, per-layer and global pruning across networks.
import { describe, expect, it } from 'vitest';
import { Network } from '../../src/nn/network.js';
import { NetworkGroup } from '../../src/nn/network_group.js';

function linearNet(weights: number[], out: number, inputs: number): Network {
  const net = new Network({ layers: [{ type: 'linear', out }], inputShape: [inputs], seed: 0 });
  net.setWeight(0, Float32Array.from(weights));
  return net;
}

describe('NetworkGroup', () => {
  it('refuses an empty group and an index outside it', () => {
    expect(() => new NetworkGroup([])).toThrow(/networks/);
    const g = new NetworkGroup([linearNet([1, 2], 1, 2)]);
    expect(() => g.getWeight(1)).toThrow(/index/);
    expect(() => g.pruneLayers([0.5, 0.5])).toThrow(/sparsities/);
  });

  it('numbers the layers of all networks in order and prunes each to its own sparsity', () => {
    const a = linearNet([1, -2, 3, -4], 2, 2);
    const b = linearNet([0.5, 6], 1, 2);
    const g = new NetworkGroup([a, b]);
    expect(g.params().map((p) => [p.index, p.size])).toEqual([[0, 4], [1, 2]]);
    expect(Array.from(g.getWeight(1))).toEqual([0.5, 6]);
    g.pruneLayers([0.5, null]);
    expect(Array.from(a.getWeight(0))).toEqual([0, 0, 3, -4]);
    expect(Array.from(b.getWeight(0))).toEqual([0.5, 6]);
  });

  it('ranks magnitudes across networks for global pruning', () => {
    // |w| sorted: 0.5 (b), 1, 2, 3 (a), 4 (a), 6 (b): half of six → 0.5, 1, 2 go.
    const a = linearNet([1, -2, 3, -4], 2, 2);
    const b = linearNet([0.5, 6], 1, 2);
    const g = new NetworkGroup([a, b]);
    const { pruned } = g.pruneGlobal(0.5);
    expect(pruned).toBe(3);
    expect(Array.from(a.getWeight(0))).toEqual([0, 0, 3, -4]);
    expect(Array.from(b.getWeight(0))).toEqual([0, 6]);
    expect(g.sparsity()).toBeCloseTo(0.5, 9);
  });
});
