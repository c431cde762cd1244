import { describe, expect, it } from 'vitest';
import { c51HeadBackward, c51Logits, c51Probabilities, checkHead, headOutputs, meanAction, qHeadBackward, qValues, type QHead } from '../../src/agents/q_head.js';
import { randomFloat32, rng, testSeed } from '../helpers/random.js';

describe(`q_head (seed ${testSeed})`, () => {
  it('refuses bad heads with the argument named', () => {
    expect(() => checkHead({ kind: 'q', actions: 0 })).toThrow(/head\.actions/);
    expect(() => checkHead({ kind: 'c51', actions: 2, atoms: 51, vMin: 1, vMax: 1, dueling: false })).toThrow(/head\.vMax/);
    expect(() => checkHead({ kind: 'bogus', actions: 2 } as unknown as QHead)).toThrow(/head\.kind/);
    expect(() => qValues(new Float32Array(5), 2, { kind: 'q', actions: 3 })).toThrow(/6 network outputs/);
  });

  it('SAC\'s head has no Q-values; its mean action is tanh(μ) scaled into [low, high] per dimension, r ignored', () => {
    const head = { kind: 'tanh-gaussian' as const, actions: 2, low: [-2, 0], high: [2, 1] };
    expect(() => qValues(new Float32Array(4), 1, head)).toThrow(/received tanh-gaussian \(SAC's actor has no Q-values: meanAction gives its action\)/);
    expect(() => meanAction(new Float32Array(6), 1, head)).toThrow(/Expected 4 network outputs for a tanh-gaussian head but received 6/);
    const out = new Float32Array([0.5, -1, 9, 9, /* second row */ -30, 0, -9, -9]); // [μ_0, μ_1, r_0, r_1] per row
    const a = meanAction(out, 2, head);
    expect(a[0]).toBeCloseTo(2 * Math.tanh(0.5), 6);
    expect(a[1]).toBeCloseTo(0.5 * Math.tanh(-1) + 0.5, 6);
    expect(Array.from(a.subarray(2))).toEqual([-2, 0.5]);
  });

  it('dueling Q = V + A − mean A', () => {
    const out = new Float32Array([1, 2, 4, 6]); // V = 1, A = 2, 4, 6 (mean 4)
    expect(Array.from(qValues(out, 1, { kind: 'dueling', actions: 3 }))).toEqual([-1, 1, 3]);
  });

  it('C51 Q-values are expectations over atoms and probabilities sum to one', () => {
    const r = rng();
    const head: QHead = { kind: 'c51', actions: 3, atoms: 5, vMin: -2, vMax: 2, dueling: true };
    const out = randomFloat32(r, 2 * headOutputs(head), 3);
    const p = c51Probabilities(c51Logits(out, 2, head), 6, 5);
    for (let row = 0; row < 6; row++) expect(p.subarray(row * 5, row * 5 + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const q = qValues(out, 2, head);
    const z = [-2, -1, 0, 1, 2];
    for (let row = 0; row < 6; row++) expect(q[row]).toBeCloseTo(z.reduce((s, zi, i) => s + zi * p[row * 5 + i], 0), 5);
  });

  // L = Σ c ⊙ f(out) for a random c; the analytic backward must match central differences of f.
  const heads: QHead[] = [{ kind: 'q', actions: 4 }, { kind: 'dueling', actions: 4 }];
  it.each(heads)('qHeadBackward matches finite differences for $kind', (head) => {
    const r = rng();
    const batch = 3;
    const out = randomFloat32(r, batch * headOutputs(head));
    const c = randomFloat32(r, batch * head.actions);
    const loss = (o: Float32Array) => qValues(o, batch, head).reduce((s, q, i) => s + q * c[i], 0);
    const grad = qHeadBackward(c, batch, head);
    for (let i = 0; i < out.length; i++) {
      const plus = Float32Array.from(out), minus = Float32Array.from(out);
      plus[i] += 1e-2; minus[i] -= 1e-2;
      expect(grad[i]).toBeCloseTo((loss(plus) - loss(minus)) / 2e-2, 3);
    }
  });

  it('c51HeadBackward matches finite differences of the dueling logits', () => {
    const r = rng();
    const head = { kind: 'c51' as const, actions: 3, atoms: 4, vMin: -1, vMax: 1, dueling: true };
    const batch = 2;
    const out = randomFloat32(r, batch * headOutputs(head));
    const c = randomFloat32(r, batch * head.actions * head.atoms);
    const loss = (o: Float32Array) => c51Logits(o, batch, head).reduce((s, l, i) => s + l * c[i], 0);
    const grad = c51HeadBackward(c, batch, head);
    for (let i = 0; i < out.length; i++) {
      const plus = Float32Array.from(out), minus = Float32Array.from(out);
      plus[i] += 1e-2; minus[i] -= 1e-2;
      expect(grad[i]).toBeCloseTo((loss(plus) - loss(minus)) / 2e-2, 3);
    }
  });
});
