import { describe, expect, it } from 'vitest';
import { Network, type LayerSpec } from '../../src/nn/network.js';
import { referenceForward } from '../helpers/reference_network.js';
import { randomFloat32, rng, testSeed } from '../helpers/random.js';
import { expectClose } from '../helpers/compare.js';

const r = rng(testSeed);

const architectures: Record<string, { layers: LayerSpec[]; inputShape: number[] }> = {
  mlp: { inputShape: [5], layers: [{ type: 'linear', out: 7 }, { type: 'relu' }, { type: 'linear', out: 3 }] },
  minatarLike: {
    inputShape: [6, 5, 3],
    layers: [{ type: 'conv2d', out: 4, kernel: 3 }, { type: 'relu' }, { type: 'flatten' }, { type: 'linear', out: 9 }, { type: 'relu' }, { type: 'linear', out: 4 }],
  },
  impalaLike: {
    inputShape: [7, 7, 2],
    layers: [
      { type: 'conv2d', out: 3, kernel: 3, padding: 1 },
      { type: 'maxpool2d', kernel: 3, stride: 2, padding: 1 },
      { type: 'residual', body: [{ type: 'relu' }, { type: 'conv2d', out: 3, kernel: 3, padding: 1 }, { type: 'relu' }, { type: 'conv2d', out: 3, kernel: 3, padding: 1 }] },
      { type: 'relu' }, { type: 'flatten' }, { type: 'linear', out: 5 }, { type: 'relu' }, { type: 'linear', out: 2 },
    ],
  },
  strided: {
    inputShape: [9, 8, 1],
    layers: [{ type: 'conv2d', out: 5, kernel: 3, stride: 2, padding: 2 }, { type: 'relu' }, { type: 'flatten' }, { type: 'linear', out: 3 }],
  },
};

function build(name: string, seed = 1 + r.int(0, 1000)): Network {
  return new Network({ ...architectures[name], seed });
}

function refParams(net: Network) {
  const ps = net.params();
  return {
    weights: ps.map((p) => Float64Array.from(net.getWeight(p.index))),
    biases: ps.map((p) => Float64Array.from(net.getBias(p.index))),
  };
}

describe('Network: bad calls', () => {
  it('rejects unknown layer types, listing the valid ones', () => {
    expect(() => new Network({ layers: [{ type: 'dense' } as never], inputShape: [3], seed: 0 })).toThrow(/linear, conv2d, relu/);
  });
  it('rejects a conv on a flat input and a linear on an image', () => {
    expect(() => new Network({ layers: [{ type: 'conv2d', out: 2, kernel: 3 }], inputShape: [9], seed: 0 })).toThrow(/image input/);
    expect(() => new Network({ layers: [{ type: 'linear', out: 2 }], inputShape: [3, 3, 1], seed: 0 })).toThrow(/flatten/);
  });
  it('rejects a kernel larger than its input and a residual body that changes shape', () => {
    expect(() => new Network({ layers: [{ type: 'conv2d', out: 2, kernel: 5 }], inputShape: [3, 3, 1], seed: 0 })).toThrow(RangeError);
    expect(() => new Network({ layers: [{ type: 'residual', body: [{ type: 'linear', out: 4 }] }], inputShape: [3], seed: 0 })).toThrow(/residual/);
  });
  it('rejects bad seeds, shapes and inputs with errors naming the argument', () => {
    expect(() => new Network({ layers: [], inputShape: [3], seed: -1 })).toThrow(/config.seed/);
    expect(() => new Network({ layers: [], inputShape: [3, 3], seed: 0 })).toThrow(/inputShape/);
    const net = build('mlp');
    expect(() => net.forward(new Float32Array(9), 2)).toThrow(/x to have 10 elements/);
    expect(() => net.forward(new Float64Array(10) as never, 2)).toThrow(TypeError);
    expect(() => net.forward(new Float32Array(10), 0)).toThrow(/batch/);
    expect(() => net.backward(new Float32Array(6))).toThrow(/forward\(\) before backward/);
    net.forward(new Float32Array(10), 2);
    expect(() => net.backward(new Float32Array(5))).toThrow(/dOut/);
    expect(() => net.step()).toThrow(/setOptimizer/);
    expect(() => net.setOptimizer({ type: 'adam', lr: -1 })).toThrow(/lr/);
    expect(() => net.setOptimizer({ type: 'adagrad' } as never)).toThrow(/adam, rmsprop, sgd/);
    expect(() => net.getWeight(2)).toThrow(/index/);
    expect(() => net.setMask(0, new Uint8Array(3))).toThrow(/mask/);
    expect(() => net.setWeight(0, new Float32Array(35).fill(NaN))).toThrow(/finite/);
    expect(() => net.pruneLayers([1.5, null])).toThrow(/sparsities\[0\]/);
    expect(() => net.pruneLayers([0.5])).toThrow(/one per weight layer/);
    expect(() => net.pruneGlobal(NaN)).toThrow(/sparsity/);
    expect(() => net.setRepresentationPolicy('sparse' as never)).toThrow(/auto, dense, masked, csr/);
    expect(() => net.copyFrom(build('minatarLike'))).toThrow(/same layers/);
  });
  it('a disposed network throws a TypeError on use', () => {
    const net = build('mlp');
    net.dispose();
    expect(net.disposed).toBe(true);
    expect(() => net.forward(new Float32Array(5), 1)).toThrow(TypeError);
    net.dispose();
  });
});

describe('Network: initialisation', () => {
  it('is PyTorch-style uniform ±1/√fan_in and reproducible from the seed', () => {
    const a = build('minatarLike', 42), b = build('minatarLike', 42), c = build('minatarLike', 43);
    for (const p of a.params()) {
      const fanIn = p.shape.slice(1).reduce((x, y) => x * y, 1);
      const bound = 1 / Math.sqrt(fanIn);
      const w = a.getWeight(p.index);
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(bound * 0.5);
      expect(Math.max(...a.getBias(p.index).map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(b.getWeight(p.index)).toEqual(w);
      expect(c.getWeight(p.index)).not.toEqual(w);
    }
  });
});

const policies = ['dense', 'masked', 'csr'] as const;

describe.each(Object.keys(architectures))('Network %s', (name) => {
  it.each(policies)('forward matches the float64 reference with %s kernels (half the weights pruned)', (policy) => {
    const net = build(name);
    if (policy !== 'dense') net.pruneLayers(net.params().map(() => 0.5));
    net.setRepresentationPolicy(policy);
    for (const batch of [1, 3]) {
      const x = randomFloat32(r, batch * net.inputSize);
      expectClose(net.forward(x, batch), referenceForward(net.config.layers, net.config.inputShape, refParams(net), x, batch), 2e-5);
    }
  });

  it.each(policies)('backward matches finite differences of the reference with %s kernels', (policy) => {
    const net = build(name);
    if (policy !== 'dense') net.pruneLayers(net.params().map(() => 0.4));
    net.setRepresentationPolicy(policy);
    const batch = 2;
    const x = randomFloat32(r, batch * net.inputSize);
    const c = randomFloat32(r, batch * net.outputSize);
    net.forward(x, batch);
    net.backward(c);
    const params = refParams(net);
    const loss = () => referenceForward(net.config.layers, net.config.inputShape, params, x, batch).reduce((s, y, i) => s + y * c[i], 0);
    const h = 1e-6;
    for (const p of net.params()) {
      const grad = net.getWeightGrad(p.index);
      const mask = net.getMask(p.index);
      const w = params.weights[p.index];
      let scale = 1;
      for (let i = 0; i < grad.length; i++) if (mask[i]) scale = Math.max(scale, Math.abs(grad[i]));
      for (let t = 0; t < 12; t++) {
        const i = r.int(0, w.length);
        if (!mask[i]) continue; // pruned weights never move, their gradient is not used
        const saved = w[i];
        w[i] = saved + h;
        const up = loss();
        w[i] = saved - h;
        const down = loss();
        w[i] = saved;
        expect(Math.abs(grad[i] - (up - down) / (2 * h)) / scale, `layer ${p.index} weight ${i}`).toBeLessThan(1e-4);
      }
      const bias = params.biases[p.index];
      const bgrad = net.getBiasGrad(p.index);
      const j = r.int(0, bias.length);
      const saved = bias[j];
      bias[j] = saved + h;
      const up = loss();
      bias[j] = saved - h;
      const down = loss();
      bias[j] = saved;
      expect(Math.abs(bgrad[j] - (up - down) / (2 * h)) / Math.max(1, Math.abs(bgrad[j]))).toBeLessThan(1e-4);
    }
  });
});

describe('Network: representations and pruning', () => {
  it('auto picks dense, masked and CSR from the density', () => {
    const net = new Network({ layers: [{ type: 'linear', out: 64 }, { type: 'relu' }, { type: 'linear', out: 32 }, { type: 'relu' }, { type: 'linear', out: 4 }], inputShape: [50], seed: 3 });
    net.pruneLayers([0.95, 0.5, null]);
    expect(net.params().map((p) => p.representation)).toEqual(['csr', 'masked', 'dense']);
    expect(net.params().map((p) => p.kept)).toEqual([Math.round(0.05 * 3200), 1024, 128]);
  });

  it('dense-masked and CSR training give the kept weights the same updates, and pruned weights never regrow', () => {
    const spec = architectures.minatarLike;
    const nets = policies.slice(1).map(() => new Network({ ...spec, seed: 11 }));
    for (const [i, net] of nets.entries()) {
      net.pruneLayers(net.params().map(() => 0.7));
      net.setRepresentationPolicy(policies[i + 1]);
      net.setOptimizer({ type: 'adam', lr: 1e-2 });
    }
    const batch = 4;
    for (let step = 0; step < 5; step++) {
      const x = randomFloat32(r, batch * nets[0].inputSize);
      const c = randomFloat32(r, batch * nets[0].outputSize);
      for (const net of nets) {
        net.forward(x, batch);
        net.backward(c);
        net.step();
      }
    }
    for (const p of nets[0].params()) {
      const mask = nets[0].getMask(p.index);
      expect(nets[1].getMask(p.index)).toEqual(mask);
      for (const net of nets) {
        const w = net.getWeight(p.index);
        for (let i = 0; i < w.length; i++) if (!mask[i]) expect(w[i]).toBe(0);
      }
      expectClose(nets[1].getWeight(p.index), nets[0].getWeight(p.index), 1e-5);
    }
  });

  it('global pruning ranks magnitudes across layers and setMask never regrows', () => {
    const net = build('mlp');
    const before = net.params().flatMap((p) => Array.from(net.getWeight(p.index)).map(Math.abs));
    const result = net.pruneGlobal(0.6);
    const total = before.length;
    expect(net.params().reduce((a, p) => a + p.kept, 0)).toBe(total - Math.round(0.6 * total));
    expect(result.pruned).toBe(Math.round(0.6 * total));
    const kept = net.params().flatMap((p) => Array.from(net.getWeight(p.index)).filter((_, i) => net.getMask(p.index)[i]).map(Math.abs));
    const cut = Math.max(...before.filter((v) => !kept.includes(v)));
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(cut);
    const m0 = net.getMask(0);
    net.setMask(0, new Uint8Array(m0.length).fill(1));
    expect(net.getMask(0)).toEqual(m0);
  });

  it('copyFrom reproduces the source network exactly, masks included', () => {
    const a = build('impalaLike'), b = build('impalaLike');
    a.pruneLayers(a.params().map(() => 0.9));
    b.copyFrom(a);
    const x = randomFloat32(r, 2 * a.inputSize);
    expect(b.forward(x, 2)).toEqual(a.forward(x, 2));
    expect(b.params()).toEqual(a.params());
  });

  it('optimizer state round-trips through its dense layout, so a restored network steps identically', () => {
    const a = build('minatarLike', 5);
    a.pruneLayers(a.params().map(() => 0.9));
    a.setOptimizer({ type: 'rmsprop', lr: 1e-3, alpha: 0.95, eps: 0.01, centered: true });
    const batch = 3;
    const x = randomFloat32(r, batch * a.inputSize), c = randomFloat32(r, batch * a.outputSize);
    for (let i = 0; i < 3; i++) { a.forward(x, batch); a.backward(c); a.step(); }
    const b = build('minatarLike', 6);
    b.copyFrom(a);
    b.setOptimizer({ type: 'rmsprop', lr: 1e-3, alpha: 0.95, eps: 0.01, centered: true });
    b.setOptimizerState(a.getOptimizerState());
    for (const net of [a, b]) { net.forward(x, batch); net.backward(c); net.step(); }
    for (const p of a.params()) expect(b.getWeight(p.index)).toEqual(a.getWeight(p.index));
  });

  it('exposes every ReLU output of the last forward pass', () => {
    const net = build('minatarLike');
    net.forward(randomFloat32(r, 2 * net.inputSize), 2);
    const acts = net.activations();
    expect(acts.map((a) => a.length)).toEqual([2 * 4 * 3 * 4, 2 * 9]);
    for (const a of acts) expect(a.every((v) => v >= 0)).toBe(true);
  });
});
