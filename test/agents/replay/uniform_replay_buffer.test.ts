import { describe, expect, it } from 'vitest';
import { UniformReplayBuffer } from '../../../src/agents/replay/uniform_replay_buffer.js';
import type { Transition } from '../../../src/agents/replay/replay_buffer.js';
import { Random } from '../../../src/random/random.js';
import { testSeed } from '../../helpers/random.js';

const floatSpace = { shape: [3], dtype: 'float32' as const };
const byteSpace = { shape: [2, 2], dtype: 'uint8' as const };

/** Transition number i of a float buffer: obs encodes i so a sampled row can be traced back. */
function floatStep(i: number, end: Partial<Pick<Transition, 'terminated' | 'truncated'>> = {}): Transition {
  return {
    obs: Float32Array.of(i, i + 0.5, -i),
    action: i % 4,
    reward: i / 10,
    nextObs: Float32Array.of(i + 1, i + 1.5, -i - 1),
    terminated: end.terminated ?? false,
    truncated: end.truncated ?? false,
  };
}

describe('UniformReplayBuffer: bad calls', () => {
  it('refuses bad options, naming them', () => {
    expect(() => new UniformReplayBuffer({ capacity: 0, observationSpace: floatSpace })).toThrow(/for capacity/);
    expect(() => new UniformReplayBuffer({ capacity: 2.5, observationSpace: floatSpace })).toThrow(/capacity/);
    expect(() => new UniformReplayBuffer({ capacity: 4, observationSpace: floatSpace, nStep: 0 })).toThrow(/for nStep/);
    expect(() => new UniformReplayBuffer({ capacity: 4, observationSpace: floatSpace, gamma: 1.5 })).toThrow(/\[0, 1\] for gamma/);
    expect(() => new UniformReplayBuffer({ capacity: 4, observationSpace: { shape: [3], dtype: 'int8' as never } })).toThrow(/observationSpace.dtype/);
    expect(() => new UniformReplayBuffer({ capacity: 4, observationSpace: { shape: [0], dtype: 'uint8' } })).toThrow(/observationSpace.shape\[0\]/);
    expect(() => new UniformReplayBuffer(undefined as never)).toThrow(TypeError);
  });
  it('refuses transitions of the wrong type or size, leaving the buffer unchanged', () => {
    const buffer = new UniformReplayBuffer({ capacity: 4, observationSpace: byteSpace });
    const ok: Transition = { obs: new Uint8Array(4), action: 0, reward: 0, nextObs: new Uint8Array(4), terminated: false, truncated: false };
    expect(() => buffer.add({ ...ok, obs: new Float32Array(4) })).toThrow(/Uint8Array \(the observation dtype is uint8\) for transition.obs/);
    expect(() => buffer.add({ ...ok, nextObs: new Uint8Array(3) })).toThrow(/transition.nextObs to have 4 elements/);
    expect(() => buffer.add({ ...ok, action: -1 })).toThrow(/transition.action/);
    expect(() => buffer.add({ ...ok, reward: NaN })).toThrow(/finite number for transition.reward/);
    expect(() => buffer.add({ ...ok, terminated: 1 as never })).toThrow(TypeError);
    expect(() => buffer.add(ok, -1)).toThrow(/for stream/);
    expect(buffer.size).toBe(0);
  });
  it('refuses to sample more than it holds, from an empty buffer, or without a generator', () => {
    const buffer = new UniformReplayBuffer({ capacity: 8, observationSpace: floatSpace });
    const random = new Random(1);
    expect(() => buffer.sample(1, random)).toThrow(/non-empty replay buffer/);
    for (let i = 0; i < 3; i++) buffer.add(floatStep(i));
    expect(() => buffer.sample(4, random)).toThrow(/integer in \[1, 3\] for batchSize but received number 4/);
    expect(() => buffer.sample(0, random)).toThrow(/batchSize/);
    expect(() => buffer.sample(2, Math as never)).toThrow(/a Random for rng/);
  });
  it('refuses states from a buffer with other options', () => {
    const buffer = new UniformReplayBuffer({ capacity: 8, observationSpace: floatSpace });
    const other = new UniformReplayBuffer({ capacity: 9, observationSpace: floatSpace });
    expect(() => buffer.restore(other.state())).toThrow(/state.capacity/);
    expect(() => buffer.restore({ ...buffer.state(), kind: 'prioritized' })).toThrow(/state.kind/);
    expect(() => buffer.restore({ ...buffer.state(), size: 2 })).toThrow(/state.obs.length|state.next/);
  });
});

describe('UniformReplayBuffer', () => {
  it('wraps around: keeps the last `capacity` transitions, overwriting the oldest slot', () => {
    const buffer = new UniformReplayBuffer({ capacity: 5, observationSpace: floatSpace });
    for (let i = 0; i < 12; i++) buffer.add(floatStep(i));
    expect(buffer.size).toBe(5);
    const state = buffer.state();
    expect(state.next).toBe(2);
    // Slot s holds the latest transition i with i % 5 = s: 10, 11, 7, 8, 9.
    expect(Array.from(state.actions)).toEqual([10, 11, 7, 8, 9].map((i) => i % 4));
    expect(Array.from({ length: 5 }, (_, s) => state.obs[3 * s])).toEqual([10, 11, 7, 8, 9]);
    const batch = buffer.sample(5, new Random(testSeed));
    for (let b = 0; b < 5; b++) {
      const i = batch.obs[3 * b];
      expect(i).toBeGreaterThanOrEqual(7);
      expect(Array.from(batch.obs.subarray(3 * b, 3 * b + 3))).toEqual(Array.from(floatStep(i).obs));
      expect(Array.from(batch.nextObs.subarray(3 * b, 3 * b + 3))).toEqual(Array.from(floatStep(i).nextObs));
      expect(batch.actions[b]).toBe(i % 4);
      expect(batch.rewards[b]).toBe(Math.fround(i / 10));
      expect(batch.discounts[b]).toBe(Math.fround(0.99));
      expect(batch.dones[b]).toBe(0);
      expect(batch.indices[b]).toBe(i % 5);
    }
    expect(batch.weights).toBeUndefined();
  });

  it('stores uint8 observations as bytes and samples them as float32', () => {
    const buffer = new UniformReplayBuffer({ capacity: 3, observationSpace: byteSpace });
    buffer.add({ obs: Uint8Array.of(0, 1, 255, 7), action: 2, reward: 1, nextObs: Uint8Array.of(9, 8, 7, 6), terminated: true, truncated: false });
    const state = buffer.state();
    expect(state.obs).toBeInstanceOf(Uint8Array);
    const batch = buffer.sample(1, new Random(0));
    expect(batch.obs).toBeInstanceOf(Float32Array);
    expect(Array.from(batch.obs)).toEqual([0, 1, 255, 7]);
    expect(Array.from(batch.nextObs)).toEqual([9, 8, 7, 6]);
    expect(batch.dones[0]).toBe(1);
  });

  it('samples every slot equally often (chi-square, fixed seed) and is deterministic per generator', () => {
    const buffer = new UniformReplayBuffer({ capacity: 10, observationSpace: floatSpace });
    for (let i = 0; i < 10; i++) buffer.add(floatStep(i));
    const random = new Random(99);
    const counts = new Array(10).fill(0);
    for (let k = 0; k < 8000; k++) for (const i of buffer.sample(8, random).indices) counts[i]++;
    const expected = (8000 * 8) / 10;
    const chiSquare = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.88); // p = 0.001, 9 degrees of freedom
    expect(buffer.sample(8, new Random(testSeed))).toEqual(buffer.sample(8, new Random(testSeed)));
  });

  it('state() and restore() give a buffer that samples and grows identically', () => {
    const options = { capacity: 6, observationSpace: floatSpace, nStep: 3, gamma: 0.9 };
    const buffer = new UniformReplayBuffer(options);
    for (let i = 0; i < 8; i++) buffer.add(floatStep(i, { terminated: i === 4 }), i % 2);
    const copy = new UniformReplayBuffer(options);
    copy.restore(buffer.state());
    expect(copy.size).toBe(buffer.size);
    expect(copy.sample(4, new Random(testSeed))).toEqual(buffer.sample(4, new Random(testSeed)));
    for (let i = 8; i < 15; i++) {
      buffer.add(floatStep(i), i % 2);
      copy.add(floatStep(i), i % 2);
    }
    expect(copy.state()).toEqual(buffer.state());
    const taken = buffer.state();
    buffer.add(floatStep(99));
    expect(taken).toEqual(copy.state()); // a state is a copy, untouched by later adds
  });
});
