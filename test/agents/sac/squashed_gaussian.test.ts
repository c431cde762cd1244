// The tanh-squashed Gaussian: log-probability by hand, backward against finite differences.
import { describe, expect, it } from 'vitest';
import { LOG_STD_MAX, LOG_STD_MIN, meanAction, squashedBackward, squashedSample } from '../../../src/agents/sac/squashed_gaussian.js';

const bounds = { scale: Float32Array.of(2, 0.5), bias: Float32Array.of(0, 0.25) };

describe('squashedSample', () => {
  it('refuses raw outputs of the wrong size', () => {
    expect(() => squashedSample(new Float32Array(3), new Float32Array(2), 1, bounds)).toThrow(/raw .* 4 entries/);
  });
  it('matches the formulas for one dimension worked by hand', () => {
    // r = 0 → log σ = −5 + 3.5 = −1.5; u = 0.2 + e^−1.5·0.5; y = tanh u; a = 2y.
    const one = { scale: Float32Array.of(2), bias: Float32Array.of(0) };
    const s = squashedSample(Float32Array.of(0.2, 0), Float32Array.of(0.5), 1, one);
    const logStd = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN);
    const y = Math.tanh(0.2 + Math.exp(logStd) * 0.5);
    expect(s.actions[0]).toBeCloseTo(2 * y, 6);
    expect(s.logProb[0]).toBeCloseTo(-0.125 - logStd - 0.5 * Math.log(2 * Math.PI) - Math.log(2 * (1 - y * y) + 1e-6), 5);
    expect(meanAction(Float32Array.of(0.2, 0), 1, one)[0]).toBeCloseTo(2 * Math.tanh(0.2), 6);
  });
});

describe('squashedBackward', () => {
  it('matches finite differences of L = Σ c·a + Σ k·logπ', () => {
    const batch = 2;
    const raw = Float32Array.of(0.3, -0.4, 0.1, 0.7, -0.2, 0.5, -0.6, 0.2);
    const noise = Float32Array.of(0.4, -1.1, 0.9, 0.3);
    const c = Float32Array.of(0.5, -1.5, 2, 0.7);
    const k = Float32Array.of(0.3, -0.8);
    const lossOf = (r: Float32Array) => {
      const s = squashedSample(r, noise, batch, bounds);
      let l = 0;
      for (let i = 0; i < 4; i++) l += c[i] * s.actions[i];
      for (let b = 0; b < batch; b++) l += k[b] * s.logProb[b];
      return l;
    };
    const g = squashedBackward(squashedSample(raw, noise, batch, bounds), c, k, batch, bounds);
    for (let i = 0; i < raw.length; i++) {
      const h = 1e-3;
      const up = Float32Array.from(raw); up[i] += h;
      const down = Float32Array.from(raw); down[i] -= h;
      expect(g[i]).toBeCloseTo((lossOf(up) - lossOf(down)) / (2 * h), 2);
    }
  });
});
