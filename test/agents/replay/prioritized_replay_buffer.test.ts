import { describe, expect, it } from 'vitest';
import { PrioritizedReplayBuffer } from '../../../src/agents/replay/prioritized_replay_buffer.js';
import { UniformReplayBuffer } from '../../../src/agents/replay/uniform_replay_buffer.js';
import type { Transition } from '../../../src/agents/replay/replay_buffer.js';
import { Random } from '../../../src/random/random.js';
import { testSeed } from '../../helpers/random.js';

const space = { shape: [2], dtype: 'float32' as const };

function step(i: number): Transition {
  return { obs: Float32Array.of(i, -i), action: i % 3, reward: i, nextObs: Float32Array.of(i + 1, -i - 1), terminated: false, truncated: false };
}

function filled(count: number, options: { capacity?: number; alpha?: number } = {}): PrioritizedReplayBuffer {
  const buffer = new PrioritizedReplayBuffer({ capacity: options.capacity ?? count, observationSpace: space, alpha: options.alpha ?? 1 });
  for (let i = 0; i < count; i++) buffer.add(step(i));
  return buffer;
}

describe('PrioritizedReplayBuffer: bad calls', () => {
  it('refuses bad options and arguments, naming them', () => {
    expect(() => new PrioritizedReplayBuffer({ capacity: 0, observationSpace: space })).toThrow(/capacity/);
    expect(() => new PrioritizedReplayBuffer({ capacity: 4, observationSpace: space, alpha: 1.5 })).toThrow(/\[0, 1\] for alpha/);
    const buffer = filled(4);
    const random = new Random(1);
    expect(() => buffer.sample(5, random)).toThrow(/\[1, 4\] for batchSize/);
    expect(() => buffer.sample(2, random, -0.1)).toThrow(/for beta/);
    expect(() => buffer.sample(2, random, 1.1)).toThrow(/for beta/);
    expect(() => new PrioritizedReplayBuffer({ capacity: 4, observationSpace: space }).sample(1, random)).toThrow(/non-empty/);
  });
  it('updatePriorities refuses bad indices and priorities and then changes nothing', () => {
    const buffer = filled(4);
    const before = buffer.state();
    expect(() => buffer.updatePriorities([0, 4], [1, 1])).toThrow(/\[0, 3\] for indices\[1\]/);
    expect(() => buffer.updatePriorities([0, 1], [2, 0])).toThrow(/> 0 for priorities\[1\]/);
    expect(() => buffer.updatePriorities([0], [NaN])).toThrow(/priorities\[0\]/);
    expect(() => buffer.updatePriorities([0], [-1])).toThrow(/priorities\[0\]/);
    expect(() => buffer.updatePriorities([0, 1], [1])).toThrow(/2 priorities \(one per index\) for priorities.length/);
    expect(() => buffer.updatePriorities(null as never, [])).toThrow(TypeError);
    expect(buffer.state()).toEqual(before);
  });
  it('refuses a uniform buffer state, another alpha, or priorities of the wrong length', () => {
    const buffer = filled(4);
    const uniform = new UniformReplayBuffer({ capacity: 4, observationSpace: space });
    expect(() => buffer.restore(uniform.state())).toThrow(/state.kind/);
    expect(() => buffer.restore({ ...buffer.state(), alpha: 0.5 })).toThrow(/state.alpha/);
    expect(() => buffer.restore({ ...buffer.state(), priorities: new Float64Array(3) })).toThrow(/state.priorities/);
  });
});

describe('PrioritizedReplayBuffer (Schaul et al. 2016, proportional)', () => {
  it('gives new transitions the largest priority seen so far (1 at first)', () => {
    const buffer = filled(3, { capacity: 8, alpha: 0.5 });
    expect([0, 1, 2].map((i) => buffer.probability(i))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    buffer.updatePriorities([0, 1, 2], [4, 1, 1]);
    expect(buffer.maxPriority).toBe(4);
    buffer.add(step(3));
    // p^α with α = 0.5: slots 0 and 3 weigh 2, slots 1 and 2 weigh 1.
    expect([0, 1, 2, 3].map((i) => buffer.probability(i))).toEqual([2 / 6, 1 / 6, 1 / 6, 2 / 6]);
    buffer.updatePriorities([0], [0.5]);
    expect(buffer.maxPriority).toBe(4); // the maximum never decreases
  });

  it('an overwritten slot restarts at the maximum priority', () => {
    const buffer = filled(4, { capacity: 4 });
    buffer.updatePriorities([0, 1, 2, 3], [0.1, 0.1, 0.1, 3]);
    buffer.add(step(4)); // overwrites slot 0
    expect(buffer.probability(0)).toBeCloseTo(3 / 6.2, 12);
    expect(buffer.state().obs[0]).toBe(4);
  });

  it('samples in proportion to priority^α (chi-square, fixed seed); α = 0 is uniform', () => {
    const priorities = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (const alpha of [1, 0.5, 0]) {
      const buffer = filled(priorities.length, { alpha });
      buffer.updatePriorities(priorities.map((_, i) => i), priorities);
      const random = new Random(7);
      const counts = new Array(priorities.length).fill(0);
      const batches = 5000;
      for (let k = 0; k < batches; k++) for (const i of buffer.sample(8, random).indices) counts[i]++;
      const scaled = priorities.map((p) => p ** alpha);
      const total = scaled.reduce((a, b) => a + b, 0);
      const chiSquare = counts.reduce((acc, c, i) => {
        const expected = (batches * 8 * scaled[i]) / total;
        return acc + (c - expected) ** 2 / expected;
      }, 0);
      expect(chiSquare, `alpha ${alpha}`).toBeLessThan(27.88); // p = 0.001, 9 degrees of freedom
    }
  });

  it('importance-sampling weights are (N·P(i))^−β over their batch maximum', () => {
    const buffer = filled(6, { alpha: 0.7 });
    buffer.updatePriorities([0, 1, 2, 3, 4, 5], [0.5, 1, 2, 4, 8, 0.25]);
    const random = new Random(testSeed);
    for (const beta of [0.4, 0.7, 1]) {
      const batch = buffer.sample(6, random, beta);
      const raw = Array.from(batch.indices, (i) => (6 * buffer.probability(i)) ** -beta);
      const largest = Math.max(...raw);
      Array.from(batch.weights).forEach((w, b) => expect(w).toBeCloseTo(raw[b] / largest, 6));
      expect(Math.max(...batch.weights)).toBe(1);
      // Rows carry the sampled slots' contents.
      batch.indices.forEach((slot, b) => expect(batch.obs[2 * b]).toBe(slot));
    }
    const unweighted = buffer.sample(6, random, 0);
    expect(Array.from(unweighted.weights)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(buffer.sample(3, random).weights.length).toBe(3); // β defaults to 1
  });

  it('state() and restore() reproduce priorities, samples and n-step pending steps', () => {
    const options = { capacity: 8, observationSpace: space, alpha: 0.6, nStep: 3, gamma: 0.95 };
    const buffer = new PrioritizedReplayBuffer(options);
    for (let i = 0; i < 11; i++) buffer.add(step(i));
    buffer.updatePriorities([1, 5, 6], [3, 0.2, 7]);
    const copy = new PrioritizedReplayBuffer(options);
    copy.restore(buffer.state());
    expect(copy.maxPriority).toBe(7);
    expect(copy.sample(5, new Random(testSeed), 0.5)).toEqual(buffer.sample(5, new Random(testSeed), 0.5));
    for (let i = 11; i < 14; i++) {
      buffer.add(step(i));
      copy.add(step(i));
    }
    expect(copy.state()).toEqual(buffer.state());
  });
});
