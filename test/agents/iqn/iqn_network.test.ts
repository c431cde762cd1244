// The implicit quantile network: its split, and that backward() reaches the torso and the τ-embedding with the
// right gradients (checked against finite differences, which exercise the head input gradient rebuilt from gemm).
import { describe, expect, it } from 'vitest';
import { IqnNetwork, splitIqnLayers } from '../../../src/agents/iqn/iqn_network.js';
import type { LayerSpec } from '../../../src/native.js';

const layers: LayerSpec[] = [
  { type: 'linear', out: 6 }, { type: 'relu' }, { type: 'linear', out: 5 }, { type: 'relu' }, { type: 'linear', out: 2 },
];

describe('splitIqnLayers', () => {
  it('refuses a network without a linear, relu, linear head', () => {
    expect(() => splitIqnLayers([{ type: 'linear', out: 2 }])).toThrow(/linear, relu, linear/);
  });
  it('puts the last hidden linear layer in the head, after the product', () => {
    const { torso, head } = splitIqnLayers(layers);
    expect(torso).toEqual(layers.slice(0, 2));
    expect(head).toEqual(layers.slice(2));
  });
});

describe('IqnNetwork', () => {
  const batch = 2, quantiles = 3;
  const obs = Float32Array.from([0.3, -0.8, 0.5, 1.1, 0.2, -0.4]);
  const taus = Float32Array.from([0.1, 0.45, 0.8, 0.3, 0.6, 0.95]);
  // loss = Σ c·Z: dLoss/dZ = c.
  const c = Float32Array.from({ length: batch * quantiles * 2 }, (_, i) => Math.sin(i + 1));
  const lossOf = (net: IqnNetwork): number => {
    const z = net.forward(obs, batch, taus);
    let s = 0;
    for (let i = 0; i < z.length; i++) s += c[i] * z[i];
    return s;
  };

  it('outputs [batch, quantiles, actions] and refuses a ragged τ array', () => {
    const net = new IqnNetwork({ layers, inputShape: [3], seed: 4 });
    expect(net.forward(obs, batch, taus).length).toBe(batch * quantiles * 2);
    expect(() => net.forward(obs, batch, taus.subarray(0, 5))).toThrow(/whole number/);
    net.dispose();
  });

  it('backward gives the torso and embedding weights their finite-difference gradients', () => {
    const net = new IqnNetwork({ layers, inputShape: [3], seed: 4 });
    lossOf(net);
    net.backward(c);
    for (const part of [net.torso, net.embedding, net.head]) {
      const analytic = part.getWeightGrad(0);
      const w = part.getWeight(0);
      const checked = [0, 3, 7, 11];
      // A check on all-zero gradients would prove nothing.
      expect(Math.max(...checked.map((i) => Math.abs(analytic[i])))).toBeGreaterThan(1e-3);
      for (const i of checked) {
        const h = 1e-2;
        const up = Float32Array.from(w); up[i] += h; part.setWeight(0, up);
        const lossUp = lossOf(net);
        const down = Float32Array.from(w); down[i] -= h; part.setWeight(0, down);
        const lossDown = lossOf(net);
        part.setWeight(0, w);
        expect(analytic[i]).toBeCloseTo((lossUp - lossDown) / (2 * h), 2);
      }
    }
    net.dispose();
  });

  it('copyFrom makes a clone compute the same quantiles', () => {
    const a = new IqnNetwork({ layers, inputShape: [3], seed: 4 });
    const b = new IqnNetwork({ layers, inputShape: [3], seed: 9 });
    expect(Array.from(b.forward(obs, batch, taus))).not.toEqual(Array.from(a.forward(obs, batch, taus)));
    b.copyFrom(a);
    expect(Array.from(b.forward(obs, batch, taus))).toEqual(Array.from(a.forward(obs, batch, taus)));
    a.dispose(); b.dispose();
  });
});

describe('IqnNetwork pruned by GMP', () => {
  it('ERK over torso, τ-embedding and head reaches the target, and pruned weights stay zero through updates', async () => {
    const { Pruner } = await import('../../../src/prune/pruner.js');
    const { constantSchedule } = await import('../../../src/prune/schedule.js');
    const net = new IqnNetwork({ layers: [{ type: 'linear', out: 32 }, { type: 'relu' }, { type: 'linear', out: 32 }, { type: 'relu' }, { type: 'linear', out: 2 }], inputShape: [4], seed: 2 });
    net.setOptimizer({ type: 'adam', lr: 1e-2 });
    const pruner = new Pruner(net.group, { schedule: constantSchedule({ sparsity: 0.9, step: 1 }), distribution: 'erk' });
    expect(net.group.params().length).toBe(4); // torso 1, embedding 1, head 2
    pruner.apply(0.9);
    expect(net.sparsity()).toBeCloseTo(0.9, 2);
    const masks = net.group.params().map((p) => net.group.getWeight(p.index).map((w) => (w === 0 ? 0 : 1)));
    const obs = Float32Array.from({ length: 8 }, (_, i) => Math.cos(i));
    const taus = Float32Array.from({ length: 8 }, (_, i) => (i + 0.5) / 8);
    for (let k = 0; k < 5; k++) { net.forward(obs, 2, taus); net.backward(new Float32Array(16).fill(0.1)); net.step(); }
    net.group.params().forEach((p, i) => {
      const w = net.group.getWeight(p.index);
      for (let j = 0; j < w.length; j++) if (masks[i][j] === 0) expect(w[j]).toBe(0);
    });
    net.dispose();
  });
});
