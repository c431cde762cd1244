// Two-sample DQN, Double DQN and C51 updates against TD targets and projections worked out by hand.
import { describe, expect, it } from 'vitest';
import { Network } from '../../src/nn/network.js';
import { dqnUpdate } from '../../src/agents/dqn_update.js';
import { c51Projection, c51Update } from '../../src/agents/c51_update.js';
import type { ReplayBatch } from '../../src/agents/replay/replay_buffer.js';

/** A single linear layer: Q(s) = W·s + b (or C51 logits), with the given weights. */
function linear(out: number, inputs: number, weights: number[], bias: number[]): Network {
  const net = new Network({ layers: [{ type: 'linear', out }], inputShape: [inputs], seed: 0 });
  net.setWeight(0, Float32Array.from(weights));
  net.setBias(0, Float32Array.from(bias));
  net.setOptimizer({ type: 'sgd', lr: 0.1 });
  return net;
}

function batchOf(rows: { s: number[]; a: number; r: number; s2: number[]; done: number; discount: number }[]): ReplayBatch {
  return {
    batchSize: rows.length,
    obs: Float32Array.from(rows.flatMap((x) => x.s)),
    actions: Int32Array.from(rows.map((x) => x.a)),
    rewards: Float32Array.from(rows.map((x) => x.r)),
    nextObs: Float32Array.from(rows.flatMap((x) => x.s2)),
    dones: Float32Array.from(rows.map((x) => x.done)),
    discounts: Float32Array.from(rows.map((x) => x.discount)),
    indices: Int32Array.from(rows.map((_, i) => i)),
  };
}

// Online Q(s) = s (identity); target Q(s) = [2·s₀, 3·s₁].
// Sample 0: s = [1, 2], a = 1, r = 1, s' = [1, 0.9], γ = 0.9, not done. Q(s, 1) = 2.
//   target Q(s') = [2, 2.7]: DQN y = 1 + 0.9·2.7 = 3.43.
//   online Q(s') = [1, 0.9] picks action 0: Double y = 1 + 0.9·2 = 2.8.
// Sample 1: s = [3, 0], a = 0, r = −1, done: y = −1; Q(s, 0) = 3.
const transitions = batchOf([
  { s: [1, 2], a: 1, r: 1, s2: [1, 0.9], done: 0, discount: 0.9 },
  { s: [3, 0], a: 0, r: -1, s2: [5, 5], done: 1, discount: 0.9 },
]);
const nets = () => [linear(2, 2, [1, 0, 0, 1], [0, 0]), linear(2, 2, [2, 0, 0, 3], [0, 0])] as const;

describe('DQN update by hand', () => {
  it('DQN target, Huber loss', () => {
    const [online, target] = nets();
    const r = dqnUpdate(online, target, { kind: 'q', actions: 2 }, transitions, { double: false, loss: 'huber' });
    expect(r.tdErrors[0]).toBeCloseTo(1.43, 5);
    expect(r.tdErrors[1]).toBeCloseTo(4, 6);
    expect(r.loss).toBeCloseTo(((1.43 - 0.5) + (4 - 0.5)) / 2, 5); // both beyond δ = 1: |d| − ½
    online.dispose(); target.dispose();
  });

  it('Double DQN target: the online network picks, the target evaluates', () => {
    const [online, target] = nets();
    const r = dqnUpdate(online, target, { kind: 'q', actions: 2 }, transitions, { double: true, loss: 'huber' });
    expect(r.tdErrors[0]).toBeCloseTo(0.8, 5);
    expect(r.loss).toBeCloseTo((0.5 * 0.8 * 0.8 + 3.5) / 2, 5);
    online.dispose(); target.dispose();
  });

  it('MSE loss and the SGD step it gives', () => {
    const [online, target] = nets();
    const r = dqnUpdate(online, target, { kind: 'q', actions: 2 }, transitions, { double: false, loss: 'mse' });
    expect(r.loss).toBeCloseTo((1.43 ** 2 + 4 ** 2) / 2, 4);
    // dL/dQ = 2(Q − y)/B: sample 0 (action 1) −1.43, sample 1 (action 0) 4. W_a −= 0.1·dQ·s, b_a −= 0.1·dQ.
    const w = online.getWeight(0), b = online.getBias(0);
    expect([...w].map((v) => +v.toFixed(4))).toEqual([1 - 0.1 * 4 * 3, 0, 0.1 * 1.43 * 1, 1 + 0.1 * 1.43 * 2].map((v) => +v.toFixed(4)));
    expect([...b].map((v) => +v.toFixed(4))).toEqual([-0.4, 0.143]);
    online.dispose(); target.dispose();
  });
});

describe('C51 update by hand', () => {
  // 3 atoms on [−1, 1]: z = −1, 0, 1. Weights zero, so logits are the biases, whatever the state.
  const head = { kind: 'c51' as const, actions: 2, atoms: 3, vMin: -1, vMax: 1, dueling: false };
  it('projects the target distribution onto the support and takes the cross-entropy', () => {
    // Target: action 0 logits [0, 0, 0] (uniform, Q = 0), action 1 [1, 0, −1] (Q < 0) → greedy action 0, p = ⅓ each.
    const target = linear(6, 2, Array(12).fill(0), [0, 0, 0, 1, 0, -1]);
    // Online: both actions' logits [0, 1, 2].
    const online = linear(6, 2, Array(12).fill(0), [0, 1, 2, 0, 1, 2]);
    const batch = batchOf([
      // r + γz = 0.5 + 0.5·[−1, 0, 1] = [0, 0.5, 1]: ⅓ to z=0; ⅓ split ½/½ between 0 and 1; ⅓ to 1 → m = [0, ½, ½].
      { s: [1, 0], a: 1, r: 0.5, s2: [0, 1], done: 0, discount: 0.5 },
      // done: every atom lands on r = −0.2, ⅕ of the way from 0 back to −1 → m = [0.2, 0.8, 0].
      { s: [0, 1], a: 0, r: -0.2, s2: [1, 1], done: 1, discount: 0.5 },
    ]);
    const r = c51Update(online, target, head, batch, false);
    // log softmax([0, 1, 2])_k = k − log(1 + e + e²).
    const lse = Math.log(1 + Math.E + Math.E ** 2);
    expect(r.tdErrors[0]).toBeCloseTo(lse - (0.5 * 1 + 0.5 * 2), 5);
    expect(r.tdErrors[1]).toBeCloseTo(lse - (0.2 * 0 + 0.8 * 1), 5);
    expect(r.loss).toBeCloseTo(lse - (1.5 + 0.8) / 2, 5);
    online.dispose(); target.dispose();
  });

  it('keeps every sample\'s projected mass in its own row when (vMax − vMin) / Δz rounds above atoms − 1', () => {
    // ±1.1 over 16 atoms: 2.2 / (2.2 / 15) = 15.000000000000002 in float64, so a target at vMax sits past the last
    // atom; without a clamp its mass would land on the next sample's first atom.
    const head = { kind: 'c51' as const, actions: 1, atoms: 16, vMin: -1.1, vMax: 1.1, dueling: false };
    const pNext = new Float32Array(2 * 16).fill(1 / 16);
    const batch = { batchSize: 2, rewards: Float32Array.from([5, 5]), discounts: Float32Array.from([0.9, 0.9]), dones: Float32Array.from([0, 0]) };
    const m = c51Projection(batch, pNext, [0, 0], head);
    // Reward 5 pushes every atom of both samples to vMax: all mass on each row's last atom, none anywhere else
    // (unclamped, sample 0 leaks ≈ 1e-16 onto m[16], sample 1's first atom).
    expect(m[15]).toBeCloseTo(1, 6);
    expect(m[31]).toBeCloseTo(1, 6);
    expect([...m].filter((_, i) => i !== 15 && i !== 31)).toEqual(new Array(30).fill(0));
  });
});

