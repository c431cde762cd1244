// The input gradient of a Linear/ReLU stack against finite differences, dense and pruned.
import { describe, expect, it } from 'vitest';
import { Network } from '../../src/nn/network.js';
import { linearStackInputGradient } from '../../src/nn/input_gradient.js';

describe('linearStackInputGradient', () => {
  it('refuses layers it cannot differentiate', () => {
    const net = new Network({ layers: [{ type: 'flatten' }, { type: 'linear', out: 2 }], inputShape: [2, 2, 1], seed: 0 });
    net.forward(new Float32Array(4), 1);
    expect(() => linearStackInputGradient(net, new Float32Array(2), 1)).toThrow(/flatten/);
    net.dispose();
  });

  it.each([false, true])('matches finite differences (pruned: %s)', (pruned) => {
    const net = new Network({ layers: [{ type: 'linear', out: 7 }, { type: 'relu' }, { type: 'linear', out: 5 }, { type: 'relu' }, { type: 'linear', out: 3 }], inputShape: [4], seed: 3 });
    if (pruned) net.pruneLayers([0.5, 0.5, 0.5]);
    const batch = 2;
    const x = Float32Array.from({ length: batch * 4 }, (_, i) => Math.sin(2 * i + 1));
    const c = Float32Array.from({ length: batch * 3 }, (_, i) => Math.cos(i));
    const lossAt = (input: Float32Array) => net.forward(input, batch).reduce((s, y, i) => s + c[i] * y, 0);
    net.forward(x, batch);
    net.backward(c);
    const analytic = linearStackInputGradient(net, c, batch);
    expect(Math.max(...Array.from(analytic, Math.abs))).toBeGreaterThan(1e-3);
    for (let i = 0; i < x.length; i++) {
      // Small steps: the loss is piecewise linear, and a larger step can cross a ReLU's kink.
      const h = 1e-3;
      const up = Float32Array.from(x); up[i] += h;
      const down = Float32Array.from(x); down[i] -= h;
      expect(analytic[i]).toBeCloseTo((lossAt(up) - lossAt(down)) / (2 * h), 2);
    }
    net.dispose();
  });
});
