// SAC on a one-step continuous bandit: reward −(a − 0.5)², a ∈ [−1, 1], every step terminal. Off-policy data
// (uniform actions) teach the critics Q(a) = −(a − 0.5)²; the actor climbs it, so its mean action tends to 0.5.
import { describe, expect, it } from 'vitest';
import { SacAgent } from '../../../src/agents/sac/sac_agent.js';
import { softUpdate } from '../../../src/agents/sac/soft_update.js';
import { Network } from '../../../src/nn/network.js';
import { Random } from '../../../src/random/random.js';
import type { ReplayBatch } from '../../../src/agents/replay/replay_buffer.js';

describe('softUpdate', () => {
  it('moves the target τ of the way to the online weights and refuses τ outside (0, 1]', () => {
    const a = new Network({ layers: [{ type: 'linear', out: 1 }], inputShape: [2], seed: 0 });
    const t = new Network({ layers: [{ type: 'linear', out: 1 }], inputShape: [2], seed: 0 });
    a.setWeight(0, Float32Array.of(1, 2)); a.setBias(0, Float32Array.of(4));
    t.setWeight(0, Float32Array.of(0, 0)); t.setBias(0, Float32Array.of(0));
    softUpdate(t, a, 0.25);
    expect(Array.from(t.getWeight(0))).toEqual([0.25, 0.5]);
    expect(Array.from(t.getBias(0))).toEqual([1]);
    expect(() => softUpdate(t, a, 0)).toThrow(/tau/);
    a.dispose(); t.dispose();
  });
});

describe('SacAgent', () => {
  it('learns the best action of a continuous bandit', () => {
    const agent = new SacAgent({ observationSize: 1, actionLow: Float32Array.of(-1), actionHigh: Float32Array.of(1), hidden: 32, seed: 0, actorOptimizer: { type: 'adam', lr: 3e-3 }, alphaLr: 1e-2 });
    expect(agent.targetEntropy).toBe(-1);
    const rng = new Random(5);
    const B = 64;
    for (let step = 0; step < 400; step++) {
      const actions = Float32Array.from({ length: B }, () => rng.uniform(-1, 1));
      const batch: ReplayBatch = {
        batchSize: B, obs: new Float32Array(B).fill(1), actions: new Int32Array(B),
        rewards: Float32Array.from(actions, (a) => -((a - 0.5) ** 2)), nextObs: new Float32Array(B).fill(1),
        dones: new Float32Array(B).fill(1), discounts: new Float32Array(B).fill(0.99), indices: new Int32Array(B),
      };
      agent.update(batch, actions);
    }
    const a = agent.act(Float32Array.of(1), true)[0];
    expect(Math.abs(a - 0.5)).toBeLessThan(0.1);
    expect(agent.alpha).toBeLessThan(0.5); // measured: a = 0.514, α = 0.040 after 400 updates (seed 0)
    expect(agent.updates).toBe(400);
    agent.dispose();
  });
});
