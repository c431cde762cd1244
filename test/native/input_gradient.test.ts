// Network.backward(dOut, dInput): dLoss/dInput from the network's own backward pass, checked against the TypeScript
// rebuild from the layer weights (nn/input_gradient.ts) on linear/relu stacks — bit for bit dense and masked (the
// same gemm and reluBackward kernels), ≤ 1e-5 relative when a layer is CSR (its fused backward sums in another
// order) — and against central finite differences on a conv / pool / residual network the rebuild cannot handle.
import { describe, expect, it } from 'vitest';
import { linearStackInputGradient } from '../../src/nn/input_gradient.js';
import { Network } from '../../src/nn/network.js';
import type { LayerSpec } from '../../src/native.js';
import { expectClose } from '../helpers/compare.js';
import { randomFloat32, rng, testSeed } from '../helpers/random.js';

const r = rng(testSeed);

function mlp(): LayerSpec[] {
  return [{ type: 'linear', out: r.int(5, 40) }, { type: 'relu' }, { type: 'linear', out: r.int(3, 30) }, { type: 'relu' },
    { type: 'linear', out: r.int(1, 9) }];
}

describe(`Network.backward's input gradient (seed ${testSeed})`, () => {
  it('refuses a dInput of the wrong length or type, naming it', () => {
    const net = new Network({ layers: mlp(), inputShape: [7], seed: 1 });
    net.forward(randomFloat32(r, 3 * 7), 3);
    const dOut = randomFloat32(r, 3 * net.outputSize);
    expect(() => net.backward(dOut, new Float32Array(20))).toThrow(/dInput.*21|21.*dInput/);
    expect(() => net.backward(dOut, [1, 2] as unknown as Float32Array)).toThrow(/dInput/);
    net.dispose();
  });

  // A small MLP pruned to 95% can have no surviving path from input to output (an all-zero gradient, which would
  // compare equal to anything): draw networks until one has a non-zero input gradient.
  function prunedCase(sparsity: number) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const inputs = r.int(3, 50), batch = r.int(1, 40);
      const net = new Network({ layers: mlp(), inputShape: [inputs], seed: r.int(0, 1000) });
      if (sparsity > 0) net.pruneLayers(net.params().map(() => sparsity));
      net.forward(randomFloat32(r, batch * inputs), batch);
      const dOut = randomFloat32(r, batch * net.outputSize);
      const rebuilt = linearStackInputGradient(net, dOut, batch);
      if (rebuilt.some((v) => v !== 0)) return { net, inputs, batch, dOut, rebuilt };
      net.dispose();
    }
    throw new Error(`no MLP at sparsity ${sparsity} with a non-zero input gradient in 50 draws`);
  }

  for (const sparsity of [0, 0.5, 0.95])
    it(`matches the TypeScript rebuild on a random odd-sized MLP at sparsity ${sparsity}`, () => {
      const { net, inputs, batch, dOut, rebuilt } = prunedCase(sparsity);
      const kinds = net.params().map((p) => p.representation);
      const dInput = new Float32Array(batch * inputs).fill(Number.NaN);  // every entry must be overwritten
      net.backward(dOut, dInput);
      if (kinds.includes('csr')) expectClose(dInput, rebuilt, 1e-5);
      else expect(Array.from(dInput)).toEqual(Array.from(rebuilt));
      net.dispose();
    });

  it('the weight gradients are the same with and without dInput (dense)', () => {
    const layers = mlp();
    const a = new Network({ layers, inputShape: [9], seed: 3 }), b = new Network({ layers, inputShape: [9], seed: 3 });
    const x = randomFloat32(r, 5 * 9), dOut = randomFloat32(r, 5 * a.outputSize);
    a.forward(x, 5); a.backward(dOut);
    b.forward(x, 5); b.backward(dOut, new Float32Array(5 * 9));
    for (let i = 0; i < a.params().length; i++) expect(Array.from(b.getWeightGrad(i))).toEqual(Array.from(a.getWeightGrad(i)));
    a.dispose(); b.dispose();
  });

  it('matches central finite differences through conv, max-pool and a residual block', () => {
    const layers: LayerSpec[] = [
      { type: 'conv2d', out: 4, kernel: 3, padding: 1 }, { type: 'relu' }, { type: 'maxpool2d', kernel: 2, stride: 2 },
      { type: 'residual', body: [{ type: 'relu' }, { type: 'conv2d', out: 4, kernel: 3, padding: 1 }] },
      { type: 'flatten' }, { type: 'linear', out: 3 },
    ];
    const shape = [5, 7, 2], size = 70, batch = 2;
    const net = new Network({ layers, inputShape: shape, seed: r.int(0, 1000) });
    const x = randomFloat32(r, batch * size);
    const c = randomFloat32(r, batch * 3);
    const loss = (input: Float32Array) => {
      const y = net.forward(input, batch);
      let s = 0;
      for (let i = 0; i < y.length; i++) s += c[i] * y[i];
      return s;
    };
    loss(x);
    const dInput = new Float32Array(batch * size);
    net.backward(c, dInput);
    expect(Math.max(...Array.from(dInput, Math.abs))).toBeGreaterThan(1e-3);
    const h = 1e-2;
    for (const i of [0, 13, 69, 70, 101, 139]) {
      const up = Float32Array.from(x); up[i] += h;
      const down = Float32Array.from(x); down[i] -= h;
      const numeric = (loss(up) - loss(down)) / (2 * h);
      // A max-pool or ReLU kink inside ±h would break the difference; random inputs make that rare, and the
      // tolerance is the finite difference's own error at h = 1e-2 in float32.
      expect(Math.abs(dInput[i] - numeric)).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
    }
    net.dispose();
  });
});
