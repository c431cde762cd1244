// The paper's diagnostics on fixtures whose answers are worked out by hand.
import { describe, expect, it } from 'vitest';
import { dormantNeurons, srank } from '../../src/train/network_metrics.js';
import { probeSize } from '../../src/train/probe_metrics.js';
import { reluOutputShapes } from '../../src/nn/layer_shapes.js';
import { Network } from '../../src/nn/network.js';
import { architecture } from '../../src/nn/architectures.js';

describe('dormantNeurons', () => {
  it('refuses activations whose shape does not match their data, in one line', () => {
    expect(() => dormantNeurons([{ data: new Float32Array(6), shape: [2, 2] }])).toThrow(/layers\[0\]\.data\.length/);
    expect(() => dormantNeurons([{ data: new Float32Array(6), shape: [6] }])).toThrow(/\[batch, units\] or \[batch, height, width, channels\]/);
    expect(() => dormantNeurons([{ data: [1, 2] as unknown as Float32Array, shape: [1, 2] }])).toThrow(/Float32Array/);
  });

  it('counts a conv channel as one neuron, scored over the batch and every position', () => {
    // Conv layer [batch 2, 2×2, 2 channels]. Channel 0 is 1 everywhere; channel 1 fires once (0.8, sample 0, (0,0)).
    // Per channel: scores 1 and 0.8/8 = 0.1, layer mean 0.55, ratios 1.82 and 0.18 → nothing dormant.
    // Counted per H×W×C element instead, channel 1's three silent positions would be dormant (3 of 8).
    const conv = new Float32Array(16);
    for (let i = 0; i < 16; i += 2) conv[i] = 1;
    conv[1] = 0.8;
    // Dense layer [batch 2, 3 units]: scores 1, 0, 0.05; mean 0.35; ratios 2.86, 0, 0.14 → only unit 1 is dormant.
    const dense = new Float32Array([1, 0, 0.05, 1, 0, 0.05]);
    const result = dormantNeurons([{ data: conv, shape: [2, 2, 2, 2] }, { data: dense, shape: [2, 3] }]);
    expect(result.perLayer).toEqual([0, 1 / 3]);
    expect(result.overall).toBe(1 / 5); // 1 dormant of 2 channels + 3 units
    // With τ = 0.2 channel 1 (ratio 0.18) and unit 2 (ratio 0.143) become dormant too.
    expect(dormantNeurons([{ data: conv, shape: [2, 2, 2, 2] }, { data: dense, shape: [2, 3] }], 0.2).perLayer).toEqual([0.5, 2 / 3]);
  });

  it('calls every neuron of an all-silent layer dormant', () => {
    expect(dormantNeurons([{ data: new Float32Array(8), shape: [2, 4] }])).toEqual({ overall: 1, perLayer: [1] });
  });
});

/** A random orthogonal n×n matrix from Givens rotations (row-major). */
function randomOrthogonal(n: number): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let r = 0; r < 4 * n; r++) {
    const i = Math.floor(Math.random() * n), j = (i + 1 + Math.floor(Math.random() * (n - 1))) % n;
    const t = Math.random() * 2 * Math.PI, c = Math.cos(t), s = Math.sin(t);
    for (let k = 0; k < n; k++) {
      const a = q[i * n + k], b = q[j * n + k];
      q[i * n + k] = c * a - s * b;
      q[j * n + k] = s * a + c * b;
    }
  }
  return q;
}

/** rows×cols features U·diag(σ)·Vᵀ with random orthogonal U, V: its singular values are exactly σ. */
function withSingularValues(rows: number, cols: number, sigma: number[]): Float32Array {
  const u = randomOrthogonal(rows), v = randomOrthogonal(cols);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    let s = 0;
    sigma.forEach((sk, k) => { s += u[i * rows + k] * sk * v[j * cols + k]; });
    out[i * cols + j] = s;
  }
  return out;
}

describe('srank', () => {
  it('is the smallest k whose top singular values cover 99% of their sum', () => {
    // σ = 10, 5, 0.1: 15 of 15.1 is 99.34% ≥ 99% → 2.  σ = 10, 5, 0.2: 15 of 15.2 is 98.7% < 99% → 3.
    expect(srank(withSingularValues(9, 5, [10, 5, 0.1]), 9, 5)).toBe(2);
    expect(srank(withSingularValues(9, 5, [10, 5, 0.2]), 9, 5)).toBe(3);
    // Wide matrices go through the other Gram matrix: same answers.
    expect(srank(withSingularValues(5, 9, [10, 5, 0.1]), 5, 9)).toBe(2);
    expect(srank(withSingularValues(7, 7, [4, 4, 4, 4]), 7, 7)).toBe(4);
  });

  it('is measured on at least 2048 states and never fewer rows than the widest layer has units', () => {
    const small = new Network({ layers: architecture('minatar', { width: 1, outputs: 3, inputShape: [10, 10, 4] }), inputShape: [10, 10, 4], seed: 0 });
    const wide = new Network({ layers: [{ type: 'linear', out: 4096 }, { type: 'relu' }, { type: 'linear', out: 2 }], inputShape: [4], seed: 0 });
    try {
      expect(probeSize(small, 100_000)).toBe(2048);
      expect(probeSize(small, 700)).toBe(700); // the whole buffer when it is smaller
      expect(probeSize(wide, 100_000)).toBe(4096);
    } finally {
      small.dispose();
      wide.dispose();
    }
  });
});

describe('reluOutputShapes', () => {
  it('follows convolutions, pools, residual bodies and flatten, in Network.activations() order', () => {
    const layers = architecture('impala', { width: 1, outputs: 4, inputShape: [10, 10, 4] });
    const shapes = reluOutputShapes(layers, [10, 10, 4]);
    // Stack 1: conv 16 → pool 10→5; two blocks of two ReLUs; stack 2: 32 ch, 5→3; stack 3: 32 ch, 3→2; final relu,
    // flatten, dense 512, relu.
    expect(shapes.slice(0, 4)).toEqual([[5, 5, 16], [5, 5, 16], [5, 5, 16], [5, 5, 16]]);
    expect(shapes.slice(4, 8)).toEqual(Array(4).fill([3, 3, 32]));
    expect(shapes.slice(8, 12)).toEqual(Array(4).fill([2, 2, 32]));
    expect(shapes.slice(12)).toEqual([[2, 2, 32], [512]]);
    const net = new Network({ layers, inputShape: [10, 10, 4], seed: 1 });
    try {
      net.forward(new Float32Array(3 * 400).map(() => Math.random()), 3);
      expect(net.activations().map((a) => a.length)).toEqual(shapes.map((s) => 3 * s.reduce((x, y) => x * y, 1)));
    } finally {
      net.dispose();
    }
  });
});
