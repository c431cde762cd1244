// IQN and M-IQN agents learn a return distribution: one state, one action, terminal transitions whose reward is
// 0 or 1 with equal probability. Every error u = y − θ then lies in [−1, 1] = [−κ, κ], where the quantile Huber
// loss is the asymmetric square |τ − 1{u<0}|·u²/2, whose minimiser for a coin flip solves τ(1 − θ) = (1 − τ)θ:
// θ_τ = τ exactly (an expectile, not the 0/1 quantile). The mean over τ is then 0.5. M-IQN adds its bonus
// α·clip(τ_m log π(a|s), l0, 0) = 0 here, as the only action has π = 1.
import { describe, expect, it } from 'vitest';
import { IqnAgent } from '../../../src/agents/iqn/iqn_agent.js';
import type { ReplayBatch } from '../../../src/agents/replay/replay_buffer.js';
import type { LayerSpec } from '../../../src/native.js';

const layers: LayerSpec[] = [
  { type: 'linear', out: 16 }, { type: 'relu' }, { type: 'linear', out: 16 }, { type: 'relu' }, { type: 'linear', out: 1 },
];

function coinFlipBatch(size: number): ReplayBatch {
  return {
    batchSize: size,
    obs: new Float32Array(size).fill(1),
    actions: new Int32Array(size),
    rewards: Float32Array.from({ length: size }, (_, i) => i % 2),
    nextObs: new Float32Array(size).fill(1),
    dones: new Float32Array(size).fill(1),
    discounts: new Float32Array(size).fill(0.99),
    indices: Int32Array.from({ length: size }, (_, i) => i),
  };
}

describe.each([['iqn', false], ['miqn', true]] as const)('%s agent', (_name, munchausen) => {
  it('learns the quantiles of a coin-flip return', () => {
    const agent = new IqnAgent({
      layers, inputShape: [1], optimizer: { type: 'adam', lr: 3e-3 }, seed: 1, munchausen, quantiles: 16, targetQuantiles: 16,
    });
    const batch = coinFlipBatch(16);
    const first = agent.update(batch).loss;
    let last = first;
    for (let i = 0; i < 400; i++) last = agent.update(batch).loss;
    expect(last).toBeLessThan(first);
    const z = agent.online.forward(Float32Array.from([1, 1]), 2, Float32Array.from([0.2, 0.8]));
    expect(Math.abs(z[0] - 0.2)).toBeLessThan(0.07);
    expect(Math.abs(z[1] - 0.8)).toBeLessThan(0.07);
    const K = 32;
    const midpoints = Float32Array.from({ length: K }, (_, i) => (i + 0.5) / K);
    const mean = agent.online.forward(new Float32Array(1).fill(1), 1, midpoints).reduce((a, b) => a + b, 0) / K;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.07);
    expect(agent.qValues(Float32Array.from([1]), 1).length).toBe(1);
    expect(agent.midpointQValues(Float32Array.from([1]), 1)[0]).toBeCloseTo(mean, 5);
    expect(agent.updates).toBe(401);
    agent.dispose();
  });
});
