// The agent's update rules on a fixed batch: each step lowers the loss it reports, for every head.
import { describe, expect, it } from 'vitest';
import { ValueAgent } from '../../src/agents/value_agent.js';
import { headOutputs, type QHead } from '../../src/agents/q_head.js';
import type { ReplayBatch } from '../../src/agents/replay/replay_buffer.js';
import { Random } from '../../src/random/random.js';
import { randomFloat32, rng, testSeed } from '../helpers/random.js';

function batchOf(seed: number, size: number, features: number, actions: number, weights: boolean): ReplayBatch {
  const r = rng(seed);
  return {
    batchSize: size,
    obs: randomFloat32(r, size * features), nextObs: randomFloat32(r, size * features),
    actions: Int32Array.from({ length: size }, () => r.int(0, actions)),
    rewards: randomFloat32(r, size, 2), dones: Float32Array.from({ length: size }, () => (r.next() < 0.2 ? 1 : 0)),
    discounts: new Float32Array(size).fill(0.99), indices: new Int32Array(size),
    weights: weights ? Float32Array.from({ length: size }, () => 0.5 + r.next() / 2) : undefined,
  };
}

const heads: [string, QHead, boolean][] = [
  ['q', { kind: 'q', actions: 3 }, false],
  ['dueling + double', { kind: 'dueling', actions: 3 }, true],
  ['c51', { kind: 'c51', actions: 3, atoms: 11, vMin: -5, vMax: 5, dueling: false }, false],
  ['c51 dueling + double + IS weights', { kind: 'c51', actions: 3, atoms: 11, vMin: -5, vMax: 5, dueling: true }, true],
];

describe(`ValueAgent (seed ${testSeed})`, () => {
  it.each(heads)('%s: repeated updates on one batch lower the loss', (_name, head, double) => {
    const agent = new ValueAgent({
      layers: [{ type: 'linear', out: 32 }, { type: 'relu' }, { type: 'linear', out: headOutputs(head) }],
      inputShape: [6], head, optimizer: { type: 'adam', lr: 3e-3 }, double, loss: 'huber', targetUpdatePeriod: 1000, seed: 1,
    });
    const batch = batchOf(testSeed, 16, 6, 3, double);
    const first = agent.update(batch).loss;
    let last = first;
    for (let i = 0; i < 60; i++) last = agent.update(batch).loss;
    expect(Number.isFinite(first)).toBe(true);
    // The C51 loss is a cross-entropy whose floor is the target distribution's entropy, often close to the first
    // loss; the TD losses have floor 0.
    expect(last).toBeLessThan(head.kind === 'c51' ? first : first * 0.9);
    expect(agent.updates).toBe(61);
    const action = agent.act(batch.obs.subarray(0, 6), 0, new Random(1));
    expect(action).toBeGreaterThanOrEqual(0);
    expect(action).toBeLessThan(3);
    agent.dispose();
  });

  it('copies the online network into the target every targetUpdatePeriod updates', () => {
    const head: QHead = { kind: 'q', actions: 2 };
    const agent = new ValueAgent({ layers: [{ type: 'linear', out: 2 }], inputShape: [3], head, optimizer: { type: 'sgd', lr: 0.1 }, double: false, loss: 'mse', targetUpdatePeriod: 3, seed: 2 });
    const batch = batchOf(5, 4, 3, 2, false);
    agent.update(batch);
    agent.update(batch);
    expect(agent.target.getWeight(0)).not.toEqual(agent.online.getWeight(0));
    agent.update(batch);
    expect(agent.target.getWeight(0)).toEqual(agent.online.getWeight(0));
    agent.dispose();
  });

  it('refuses a last layer that does not fit the head', () => {
    expect(() => new ValueAgent({ layers: [{ type: 'linear', out: 4 }], inputShape: [3], head: { kind: 'dueling', actions: 4 }, optimizer: { type: 'sgd', lr: 0.1 }, double: false, loss: 'mse', targetUpdatePeriod: 3, seed: 2 }))
      .toThrow(/5 units for a dueling head/);
  });
});
