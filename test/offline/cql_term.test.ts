// CQL's regulariser against values worked out by hand, and its C51 chain rule against finite differences.
import { describe, expect, it } from 'vitest';
import { cqlC51Term, cqlTerm } from '../../src/offline/cql_term.js';
import { c51Probabilities, c51Support } from '../../src/agents/q_head.js';

describe('cqlTerm', () => {
  it('refuses Q-values and actions of the wrong sizes', () => {
    expect(() => cqlTerm(new Float32Array(3), new Int32Array(1), 1, 2, 0.1)).toThrow(/Expected 2 Q-values and 1 actions/);
  });

  it('matches α·mean(logsumexp Q − Q(a_data)) and its gradient worked by hand', () => {
    // Row 0: Q = [1, 2], data action 0: logsumexp = 2 + ln(1 + e^−1) = 2.3132617, term 1.3132617;
    //        softmax = [0.2689414, 0.7310586].
    // Row 1: Q = [0, 0], data action 1: logsumexp = ln 2 = 0.6931472, term 0.6931472; softmax = [0.5, 0.5].
    // α = 0.1, B = 2: R = 0.1·(1.3132617 + 0.6931472)/2 = 0.1003204; ∂R/∂Q = (α/B)·(softmax − onehot).
    const q = new Float32Array([1, 2, 0, 0]);
    const { loss, dQ } = cqlTerm(q, new Int32Array([0, 1]), 2, 2, 0.1);
    expect(loss).toBeCloseTo(0.1003204, 6);
    const expected = [0.05 * (0.2689414 - 1), 0.05 * 0.7310586, 0.05 * 0.5, 0.05 * (0.5 - 1)];
    expected.forEach((v, i) => expect(dQ[i]).toBeCloseTo(v, 6));
  });

  it('is zero-gradient in total per row and scales with α (α = 0 adds nothing)', () => {
    const q = new Float32Array([0.3, -1.2, 2.5, 0.7, 0.1, -0.4]);
    const { dQ } = cqlTerm(q, new Int32Array([2, 0]), 2, 3, 0.5);
    expect(dQ[0] + dQ[1] + dQ[2]).toBeCloseTo(0, 7);
    expect(dQ[3] + dQ[4] + dQ[5]).toBeCloseTo(0, 7);
    const none = cqlTerm(q, new Int32Array([2, 0]), 2, 3, 0);
    expect(none.loss).toBe(0);
    expect(Array.from(none.dQ).every((v) => v === 0)).toBe(true);
  });
});

describe('cqlC51Term', () => {
  it('its gradient through Q = Σ p·z matches finite differences of its loss', () => {
    const head = { kind: 'c51' as const, actions: 2, atoms: 5, vMin: -2, vMax: 2, dueling: false };
    const B = 2;
    const logits = Float32Array.from({ length: B * 2 * 5 }, (_, i) => Math.sin(1.7 * i) * 1.5);
    const actions = new Int32Array([1, 0]);
    const { loss, dLogits } = cqlC51Term(logits, actions, B, head, 0.3);
    // The loss equals the plain term on the Q-values the logits give.
    const p = c51Probabilities(logits, B * 2, 5), z = c51Support(head);
    const q = Float32Array.from({ length: B * 2 }, (_, r) => p.subarray(r * 5, r * 5 + 5).reduce((s, pz, j) => s + pz * z[j], 0));
    expect(loss).toBeCloseTo(cqlTerm(q, actions, B, 2, 0.3).loss, 6);
    const h = 1e-3;
    for (const i of [0, 3, 7, 12, 19]) {
      const plus = Float32Array.from(logits), minus = Float32Array.from(logits);
      plus[i] += h;
      minus[i] -= h;
      const numeric = (cqlC51Term(plus, actions, B, head, 0.3).loss - cqlC51Term(minus, actions, B, head, 0.3).loss) / (2 * h);
      expect(dLogits[i]).toBeCloseTo(numeric, 4);
    }
  });
});
