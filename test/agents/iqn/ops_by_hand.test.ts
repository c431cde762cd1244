// IQN's TypeScript ops (the future native ops) against values worked out by hand and finite differences.
import { describe, expect, it } from 'vitest';
import { cosineFeatures, embeddingProduct, embeddingProductBackward } from '../../../src/agents/iqn/cosine_embedding.js';
import { quantileHuberLoss } from '../../../src/agents/iqn/quantile_huber.js';
import { softmaxPolicy } from '../../../src/agents/iqn/munchausen.js';

describe('bad calls', () => {
  it('names the argument whose length is wrong', () => {
    expect(() => embeddingProduct(new Float32Array(3), new Float32Array(8), { batch: 1, quantiles: 2, features: 4 }))
      .toThrow(/state .* batch·features = 4 .* received 3/);
    expect(() => quantileHuberLoss(new Float32Array(2), new Float32Array(2), new Float32Array(3), { batch: 1, quantiles: 2, targetQuantiles: 2 }))
      .toThrow(/target .* = 2 entries but received 3/);
    expect(() => quantileHuberLoss(new Float32Array(1), new Float32Array(1), new Float32Array(1), { batch: 1, quantiles: 1, targetQuantiles: 1 }, 0))
      .toThrow(/kappa .* > 0/);
    expect(() => softmaxPolicy(new Float32Array(2), 1, 2, 0)).toThrow(/temperature/);
  });
});

describe('cosineFeatures', () => {
  it('is cos(π·i·τ) for i = 1..C (Dopamine\'s frequencies)', () => {
    const f = cosineFeatures(Float32Array.from([0.5, 0]), 4);
    expect(Array.from(f.subarray(0, 4)).map((x) => Number(x.toFixed(6)) + 0)).toEqual([0, -1, 0, 1]);
    expect(Array.from(f.subarray(4))).toEqual([1, 1, 1, 1]);
    const g = cosineFeatures(Float32Array.from([0.25]));
    expect(g.length).toBe(64);
    expect(g[63]).toBeCloseTo(Math.cos(Math.PI * 64 * 0.25), 6);
  });

  it('matches Math.cos at every frequency for τ across (0, 1) (the recurrence loses nothing at float32)', () => {
    const taus = Float32Array.from({ length: 200 }, (_, t) => (t + Math.random()) / 200);
    const f = cosineFeatures(taus);
    let worst = 0;
    for (let t = 0; t < taus.length; t++) {
      for (let i = 0; i < 64; i++) worst = Math.max(worst, Math.abs(f[t * 64 + i] - Math.fround(Math.cos(Math.PI * (i + 1) * taus[t]))));
    }
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('embeddingProduct', () => {
  const shape = { batch: 2, quantiles: 2, features: 2 };
  const state = Float32Array.from([1, 2, 3, 4]);
  const emb = Float32Array.from([10, 20, 30, 40, 50, 60, 70, 80]);
  it('multiplies each state by each of its embeddings', () => {
    expect(Array.from(embeddingProduct(state, emb, shape))).toEqual([10, 40, 30, 80, 150, 240, 210, 320]);
  });
  it('backward sums the state gradient over the quantiles that shared the state', () => {
    const dOut = Float32Array.from([1, 1, 1, 1, 1, 0, 0, 1]);
    const { dState, dEmbedding } = embeddingProductBackward(dOut, state, emb, shape);
    expect(Array.from(dState)).toEqual([10 + 30, 20 + 40, 50, 80]);
    expect(Array.from(dEmbedding)).toEqual([1, 2, 1, 2, 3, 0, 0, 4]);
  });
});

describe('quantileHuberLoss', () => {
  it('matches a case worked out by hand (κ = 1)', () => {
    // τ = 0.25, θ = 0, targets 2 and −0.5: u = 2 → 0.25·(2 − ½) = 0.375; u = −0.5 → 0.75·0.125 = 0.09375.
    // ℓ = (0.375 + 0.09375)/2 = 0.234375; dℓ/dθ = −(0.25·1 + 0.75·(−0.5))/2 = 0.0625.
    const r = quantileHuberLoss(Float32Array.from([0]), Float32Array.from([0.25]), Float32Array.from([2, -0.5]), { batch: 1, quantiles: 1, targetQuantiles: 2 });
    expect(r.loss).toBeCloseTo(0.234375, 7);
    expect(r.perSample[0]).toBeCloseTo(0.234375, 7);
    expect(r.grad[0]).toBeCloseTo(0.0625, 7);
  });
  it('divides by κ and clips the gradient at ±κ (κ = 2)', () => {
    // u = 3 > κ: 0.5·2·(3 − 1)/2 = 1 for τ = 0.5; gradient −0.5·2/2 = −0.5 (clipped u).
    const r = quantileHuberLoss(Float32Array.from([0]), Float32Array.from([0.5]), Float32Array.from([3]), { batch: 1, quantiles: 1, targetQuantiles: 1 }, 2);
    expect(r.loss).toBeCloseTo(1, 7);
    expect(r.grad[0]).toBeCloseTo(-0.5, 7);
  });
  it('sums over online quantiles, averages over targets and the batch, and scales by the weights', () => {
    const shape = { batch: 2, quantiles: 3, targetQuantiles: 4 };
    const pred = Float32Array.from([0.1, -0.7, 1.9, 0.3, 0.2, -2.5]);
    const taus = Float32Array.from([0.1, 0.5, 0.9, 0.2, 0.4, 0.8]);
    const target = Float32Array.from([0.4, -1.2, 2.6, 0.05, 3, -0.3, 0.9, 0.15]);
    const weights = Float32Array.from([0.5, 2]);
    const r = quantileHuberLoss(pred, taus, target, shape, 1, weights);
    expect(r.loss).toBeCloseTo((0.5 * r.perSample[0] + 2 * r.perSample[1]) / 2, 6);
    const h = 1e-3;
    for (let i = 0; i < pred.length; i++) {
      const up = Float32Array.from(pred); up[i] += h;
      const down = Float32Array.from(pred); down[i] -= h;
      const numeric = (quantileHuberLoss(up, taus, target, shape, 1, weights).loss - quantileHuberLoss(down, taus, target, shape, 1, weights).loss) / (2 * h);
      expect(r.grad[i]).toBeCloseTo(numeric, 3);
    }
  });
});

describe('softmaxPolicy (Munchausen)', () => {
  it('gives softmax(q/τ) and τ·log π', () => {
    // q₁ − q₀ = τ·ln 3 → π = [1/4, 3/4]; a large common offset must not overflow.
    const tau = 0.03;
    const { policy, scaledLogPolicy } = softmaxPolicy(Float32Array.from([1000, 1000 + tau * Math.log(3)]), 1, 2, tau);
    expect(policy[0]).toBeCloseTo(0.25, 3);
    expect(policy[1]).toBeCloseTo(0.75, 3);
    expect(scaledLogPolicy[0]).toBeCloseTo(tau * Math.log(0.25), 4);
    expect(scaledLogPolicy[1]).toBeCloseTo(tau * Math.log(0.75), 4);
  });
});

describe('midpointTaus', () => {
  it('gives (i + 0.5)/K for each state of the batch', async () => {
    const { midpointTaus } = await import('../../../src/agents/iqn/iqn_update.js');
    expect(Array.from(midpointTaus(4, 2))).toEqual([0.125, 0.375, 0.625, 0.875, 0.125, 0.375, 0.625, 0.875]);
  });
});
