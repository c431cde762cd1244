// IQN's native ops — the τ-embedding product (native.embeddingProduct / embeddingProductBackward) and the quantile
// Huber loss (native.quantileHuberLoss), with their plain CPU references — against the TypeScript loops in
// src/agents/iqn/cosine_embedding.ts and quantile_huber.ts on random odd sizes: bit for bit (the same operations in
// the same order), and the whole IqnNetwork's native path against its TypeScript reference path (`reference: true`).
import { describe, expect, it } from 'vitest';
import { embeddingProduct, embeddingProductBackward } from '../../../src/agents/iqn/cosine_embedding.js';
import { IqnNetwork } from '../../../src/agents/iqn/iqn_network.js';
import { quantileHuberLoss } from '../../../src/agents/iqn/quantile_huber.js';
import { native, type LayerSpec } from '../../../src/native.js';
import { expectClose } from '../../helpers/compare.js';
import { randomFloat32, rng, testSeed } from '../../helpers/random.js';

const r = rng(testSeed);
const sizes = [[1, 1, 1], [3, 5, 7], [7, 13, 33], [33, 64, 131]] as const;  // the last spans several threads' tasks

/** The first index where a and b differ in their bits (NaN payloads included), or -1: fast on 276K floats. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length), y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe(`native τ-embedding product (seed ${testSeed})`, () => {
  it('refuses wrong lengths and overlapping outputs, naming them', () => {
    const shape = { batch: 2, quantiles: 3, features: 4 };
    const state = randomFloat32(r, 8), emb = randomFloat32(r, 24), out = new Float32Array(24);
    expect(() => native.embeddingProduct(state, emb.subarray(1), shape, out)).toThrow(/embedding.*24/);
    expect(() => native.embeddingProduct(state, emb, { ...shape, features: 0 }, out)).toThrow(/shape.features/);
    expect(() => native.embeddingProduct(state, emb, shape, emb)).toThrow(/memory of its own for out.*embedding/);
    const big = new Float32Array(48);
    expect(() => native.embeddingProductBackward(out, state, emb, shape, new Float32Array(8), big.subarray(0, 24)))
      .not.toThrow();
    expect(() => native.embeddingProductBackward(out, state, emb, shape, big.subarray(20, 28), big.subarray(24, 48)))
      .toThrow(/memory of its own for dState.*dEmbedding/);
    // (CUDA has this kernel: test/native/cuda.test.ts compares it with the CPU on the emulator.)
  });

  for (const [B, N, D] of sizes)
    it(`forward and backward equal the TypeScript loops bit for bit at B ${B}, N ${N}, D ${D}`, () => {
      const shape = { batch: B, quantiles: N, features: D };
      const state = randomFloat32(r, B * D), emb = randomFloat32(r, B * N * D), dOut = randomFloat32(r, B * N * D);
      const expected = embeddingProduct(state, emb, shape);
      const ts = embeddingProductBackward(dOut, state, emb, shape);
      for (const [forward, backward] of [[native.embeddingProduct, native.embeddingProductBackward],
        [native.embeddingProductReference, native.embeddingProductBackwardReference]] as const) {
        const out = new Float32Array(B * N * D).fill(Number.NaN);
        expect(forward(state, emb, shape, out)).toBe(out);
        expect(firstDifference(out, expected)).toBe(-1);
        const dState = new Float32Array(B * D).fill(Number.NaN), dEmb = new Float32Array(B * N * D).fill(Number.NaN);
        backward(dOut, state, emb, shape, dState, dEmb);
        expect(firstDifference(dState, ts.dState)).toBe(-1);
        expect(firstDifference(dEmb, ts.dEmbedding)).toBe(-1);
      }
    });
});

describe(`native quantile Huber loss (seed ${testSeed})`, () => {
  const lossSizes = [[1, 1, 1], [3, 5, 7], [7, 13, 9], [37, 64, 65]] as const;  // the last spans several threads' tasks

  it('refuses wrong lengths, a κ that is not > 0 and overlapping outputs, naming them', () => {
    const shape = { batch: 2, quantiles: 3, targetQuantiles: 4 };
    const pred = randomFloat32(r, 6), taus = randomFloat32(r, 6), target = randomFloat32(r, 8);
    const grad = new Float32Array(6), perSample = new Float32Array(2);
    const call = (over: Partial<Record<'pred' | 'taus' | 'target' | 'grad' | 'perSample', Float32Array>>, kappa = 1,
      weights: Float32Array | null = null) => native.quantileHuberLoss(over.pred ?? pred, over.taus ?? taus,
      over.target ?? target, shape, kappa, weights, over.grad ?? grad, over.perSample ?? perSample);
    expect(() => call({ target: target.subarray(1) })).toThrow(/target.*8/);
    expect(() => call({ taus: new Float32Array(5) })).toThrow(/taus.*6/);
    expect(() => call({}, 0)).toThrow(/kappa/);
    expect(() => call({}, Number.NaN)).toThrow(/kappa/);
    expect(() => call({}, 1, new Float32Array(3))).toThrow(/weights.*2/);
    expect(() => call({ grad: pred })).toThrow(/memory of its own for grad.*pred/);
    expect(() => native.quantileHuberLoss(pred, taus, target, { ...shape, targetQuantiles: 0 }, 1, null, grad, perSample))
      .toThrow(/shape.targetQuantiles/);
    // (CUDA has this kernel: test/native/cuda.test.ts compares it with the CPU on the emulator.)
  });

  for (const [B, N, M] of lossSizes)
    for (const weighted of [false, true])
      it(`equals the TypeScript loop bit for bit at B ${B}, N ${N}, N' ${M}${weighted ? ', importance-weighted' : ''}`, () => {
        const shape = { batch: B, quantiles: N, targetQuantiles: M };
        // Spread 3: |u| falls on both sides of κ ∈ [0.5, 2), so both branches of the Huber loss run.
        const pred = randomFloat32(r, B * N, 3), target = randomFloat32(r, B * M, 3);
        const taus = Float32Array.from({ length: B * N }, () => r.next());
        const kappa = 0.5 + 1.5 * r.next();
        const weights = weighted ? Float32Array.from({ length: B }, () => 0.1 + r.next()) : null;
        const expected = quantileHuberLoss(pred, taus, target, shape, kappa, weights);
        expect(expected.grad.some((g) => g !== 0)).toBe(true);
        for (const op of [native.quantileHuberLoss, native.quantileHuberLossReference]) {
          const grad = new Float32Array(B * N).fill(Number.NaN), perSample = new Float32Array(B).fill(Number.NaN);
          expect(op(pred, taus, target, shape, kappa, weights, grad, perSample)).toBe(expected.loss);
          expect(firstDifference(grad, expected.grad)).toBe(-1);
          expect(firstDifference(perSample, expected.perSample)).toBe(-1);
        }
      });
});

describe(`IqnNetwork: native path against the TypeScript reference path (seed ${testSeed})`, () => {
  const layers: LayerSpec[] = [
    { type: 'linear', out: 23 }, { type: 'relu' }, { type: 'linear', out: 19 }, { type: 'relu' }, { type: 'linear', out: 3 },
  ];
  for (const sparsity of [0, 0.9])
    it(`three Adam updates give the same weights at sparsity ${sparsity} (${sparsity ? '≤ 1e-5 relative' : 'bit for bit'})`, () => {
      const seed = r.int(0, 1000);
      const nets = [false, true].map((reference) => new IqnNetwork({ layers, inputShape: [5], seed, reference }));
      if (sparsity > 0) for (const n of nets) for (const p of n.parts) p.pruneLayers(p.params().map(() => sparsity));
      for (const n of nets) n.setOptimizer({ type: 'adam', lr: 1e-2 });
      for (let step = 0; step < 3; step++) {
        const batch = 3 + step, quantiles = 7;
        const obs = randomFloat32(r, batch * 5);
        const taus = Float32Array.from({ length: batch * quantiles }, () => r.next());
        const dOut = randomFloat32(r, batch * quantiles * 3);
        for (const n of nets) {
          n.forward(obs, batch, taus);
          n.backward(dOut);
          n.step();
        }
      }
      const [fast, reference] = nets;
      fast.parts.forEach((part, k) => {
        for (let i = 0; i < part.params().length; i++) {
          const a = part.getWeight(i), b = reference.parts[k].getWeight(i);
          if (sparsity === 0) expect(Array.from(a)).toEqual(Array.from(b));
          else expectClose(a, b, 1e-5);
        }
      });
      for (const n of nets) n.dispose();
    });
});
