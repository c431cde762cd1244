// The dataset's transitions as the offline trainer samples them: n-step returns (cql-c51's n = 3) computed within
// each episode, never across the boundary to the next one, worked out by hand.
import { describe, expect, it } from 'vitest';
import { datasetReplay } from '../../src/offline/offline_trainer.js';
import type { ReplayDataset } from '../../src/offline/dataset_reader.js';

function dataset(): ReplayDataset {
  // Episode 0: 4 steps, rewards 1, 2, 3, 4, terminated at its end. Episode 1: 2 steps, rewards 10, 20, the last
  // step neither terminated nor truncated (a recording cut short): it must bootstrap, as a truncation does.
  const obs = (n: number, base: number) => Float32Array.from({ length: n }, (_, i) => base + i);
  return {
    path: '/x', metadata: {} as ReplayDataset['metadata'], observationSpace: { shape: [1], dtype: 'float32' }, actions: 2, env: 'CartPole-v1',
    totalSteps: 6,
    episodes: [
      { observations: obs(5, 0), actions: Int32Array.from([0, 1, 0, 1]), rewards: Float64Array.from([1, 2, 3, 4]), terminations: Uint8Array.from([0, 0, 0, 1]), truncations: new Uint8Array(4) },
      { observations: obs(3, 100), actions: Int32Array.from([1, 1]), rewards: Float64Array.from([10, 20]), terminations: new Uint8Array(2), truncations: new Uint8Array(2) },
    ],
  };
}

describe('datasetReplay', () => {
  it('holds every step once, with 3-step returns cut at episode ends', () => {
    const g = 0.5;
    const s = datasetReplay(dataset(), 3, g).state();
    expect(s.size).toBe(6);
    const rows = Array.from({ length: 6 }, (_, i) => ({ obs: s.obs[i], next: s.nextObs[i], r: s.rewards[i], discount: s.discounts[i], done: s.dones[i] }));
    expect(rows).toEqual([
      { obs: 0, next: 3, r: 1 + g * 2 + g * g * 3, discount: g ** 3, done: 0 },
      { obs: 1, next: 4, r: 2 + g * 3 + g * g * 4, discount: g ** 3, done: 1 },
      { obs: 2, next: 4, r: 3 + g * 4, discount: g ** 2, done: 1 },
      { obs: 3, next: 4, r: 4, discount: g, done: 1 },
      // Episode 1 starts afresh: nothing of episode 0 leaks in; its cut end bootstraps (done 0).
      { obs: 100, next: 102, r: 10 + g * 20, discount: g ** 2, done: 0 },
      { obs: 101, next: 102, r: 20, discount: g, done: 0 },
    ]);
  });
});
