// Numbers that are what they say (issue 15 item 2): NaN or Inf at the network's input is refused (a ReLU would
// turn NaN into a finite 0); optimizer state with NaN is refused as setWeight refuses it; pruneGlobal's and
// pruneLayers' `pruned` equal the change in kept weights; masks other than 0/1 are refused.
import { describe, expect, it } from 'vitest';
import { Network } from '../../src/nn/network.js';

function mlp(): Network {
  return new Network({ layers: [{ type: 'linear', out: 16 }, { type: 'relu' }, { type: 'linear', out: 3 }], inputShape: [4], seed: 1 });
}

function kept(net: Network): number {
  return net.params().reduce((a, p) => a + p.kept, 0);
}

describe('numbers that are what they say', () => {
  it('refuses NaN and ±Infinity in forward inputs, naming the position', () => {
    const net = mlp();
    for (const bad of [NaN, Infinity, -Infinity]) {
      const x = new Float32Array(8).fill(0.5);
      x[6] = bad;
      expect(() => net.forward(x, 2)).toThrow(new RegExp(`^Expected finite numbers for x but received ${bad} at x\\[6\\]`));
    }
    expect(net.forward(new Float32Array(8).fill(0.5), 2).every(Number.isFinite)).toBe(true);
    net.dispose();
  });

  it('refuses optimizer state holding NaN or Inf, and a bad step', () => {
    const net = mlp();
    net.setOptimizer({ type: 'adam', lr: 1e-3 });
    net.forward(new Float32Array(4).fill(1), 1);
    net.backward(new Float32Array(3).fill(1));
    net.step();
    const state = net.getOptimizerState();
    expect(state.tensors.length).toBeGreaterThan(0);
    const poisoned = state.tensors.map((t) => t.slice());
    poisoned[0]![0] = NaN;
    expect(() => net.setOptimizerState({ step: state.step, tensors: poisoned })).toThrow(/^Expected finite numbers for state.tensors\[0\] but received NaN/);
    poisoned[0]![0] = Infinity;
    expect(() => net.setOptimizerState({ step: state.step, tensors: poisoned })).toThrow(/state.tensors\[0\]/);
    expect(() => net.setOptimizerState({ step: -1, tensors: state.tensors })).toThrow(/state.step/);
    net.setOptimizerState(state);
    expect(net.getOptimizerState().step).toBe(state.step);
    net.dispose();
  });

  it("reports pruneGlobal's and pruneLayers' pruned as the change in kept weights, also when some were pruned before", () => {
    const net = mlp();
    const layers = net.params().map((p) => p.index);
    for (const s of [0.5, 0.5, 0.8, 0.3]) {
      const before = kept(net);
      const { pruned } = net.pruneGlobal(s, layers);
      expect(pruned).toBe(before - kept(net));
    }
    // Native code counted a layer listed twice twice (88 reported for 66 removed); repeats are refused.
    expect(() => net.pruneGlobal(0.9, [layers[0]!, layers[0]!, layers[1]!])).toThrow(/^Expected distinct layer indices for layers but received 0 more than once/);
    const other = mlp();
    for (const s of [0.5, 0.5, 0.9]) {
      const before = kept(other);
      const { pruned } = other.pruneLayers([s, s]);
      expect(pruned).toBe(before - kept(other));
    }
    net.dispose();
    other.dispose();
  });

  it('refuses masks other than 0 and 1', () => {
    const net = mlp();
    const p = net.params()[0]!;
    const mask = new Uint8Array(p.size).fill(1);
    mask[5] = 2;
    expect(() => net.setMask(p.index, mask)).toThrow(/^Expected only 0 \(pruned\) and 1 \(kept\) in mask but received 2 at mask\[5\]/);
    mask[5] = 0;
    net.setMask(p.index, mask);
    expect(net.params()[0]!.kept).toBe(p.size - 1);
    net.dispose();
  });
});
