import { describe, expect, it } from 'vitest';
import { UniformReplayBuffer } from '../../../src/agents/replay/uniform_replay_buffer.js';
import type { ReplayState, Transition } from '../../../src/agents/replay/replay_buffer.js';

const space = { shape: [1], dtype: 'float32' as const };
const gamma = 0.9;

/** Step t of an episode: obs [obsBase + t] → [obsBase + t + 1], reward rewards[t]. */
function episode(rewards: number[], obsBase: number, end: 'terminated' | 'truncated' | 'running'): Transition[] {
  return rewards.map((reward, t) => ({
    obs: Float32Array.of(obsBase + t),
    action: t,
    reward,
    nextObs: Float32Array.of(obsBase + t + 1),
    terminated: end === 'terminated' && t === rewards.length - 1,
    truncated: end === 'truncated' && t === rewards.length - 1,
  }));
}

/** The stored slots in write order (no wrap in these tests), as plain rows. */
function rows(state: ReplayState) {
  return Array.from({ length: state.size }, (_, s) => ({
    obs: state.obs[s],
    action: state.actions[s],
    reward: state.rewards[s],
    nextObs: state.nextObs[s],
    discount: state.discounts[s],
    done: state.dones[s],
  }));
}

/** The n-step row expected for step t, written out from the definition. */
function expected(rewards: number[], t: number, n: number, base: number, terminal: boolean) {
  const k = Math.min(n, rewards.length - t);
  let ret = 0;
  for (let j = 0; j < k; j++) ret += gamma ** j * rewards[t + j];
  const endsEpisode = t + k === rewards.length;
  return { obs: base + t, action: t, reward: Math.fround(ret), nextObs: base + t + k, discount: Math.fround(gamma ** k), done: endsEpisode && terminal ? 1 : 0 };
}

describe('n-step returns', () => {
  const rewards = [1, 2, 3, 4, 5];

  it('n = 3 on a terminated episode: full returns, then returns cut at the end with done = 1', () => {
    const buffer = new UniformReplayBuffer({ capacity: 16, observationSpace: space, nStep: 3, gamma });
    const steps = episode(rewards, 100, 'terminated');
    buffer.add(steps[0]);
    buffer.add(steps[1]);
    expect(buffer.size).toBe(0); // the first return needs a third step
    buffer.add(steps[2]);
    expect(buffer.size).toBe(1);
    buffer.add(steps[3]);
    buffer.add(steps[4]);
    expect(buffer.size).toBe(5);
    const got = rows(buffer.state());
    rewards.forEach((_, t) => {
      const want = expected(rewards, t, 3, 100, true);
      expect(got[t].reward).toBeCloseTo(want.reward, 6);
      expect({ ...got[t], reward: 0 }).toEqual({ ...want, reward: 0 });
    });
    // By hand: step 0 returns 1 + 0.9·2 + 0.81·3 = 5.23 and bootstraps from obs 103 with γ³ = 0.729.
    expect(got[0]).toMatchObject({ nextObs: 103, done: 0 });
    expect(got[0].reward).toBeCloseTo(5.23, 5);
    expect(got[0].discount).toBeCloseTo(0.729, 6);
    expect(got[4]).toMatchObject({ reward: 5, nextObs: 105, done: 1, discount: Math.fround(0.9) });
  });

  it('a truncated episode bootstraps from its last observation (done = 0) with the shortened discount', () => {
    const buffer = new UniformReplayBuffer({ capacity: 16, observationSpace: space, nStep: 3, gamma });
    episode(rewards, 0, 'truncated').forEach((s) => buffer.add(s));
    const got = rows(buffer.state());
    expect(got.map((row) => row.done)).toEqual([0, 0, 0, 0, 0]);
    expect(got.map((row) => row.discount)).toEqual([3, 3, 3, 2, 1].map((k) => Math.fround(gamma ** k)));
    expect(got.map((row) => row.nextObs)).toEqual([3, 4, 5, 5, 5]);
  });

  it('an episode shorter than n is flushed whole when it ends', () => {
    const buffer = new UniformReplayBuffer({ capacity: 16, observationSpace: space, nStep: 5, gamma });
    episode([1, 1], 0, 'terminated').forEach((s) => buffer.add(s));
    const got = rows(buffer.state());
    expect(got.length).toBe(2);
    expect(got[0].reward).toBeCloseTo(1.9, 6);
    expect(got[0]).toMatchObject({ nextObs: 2, done: 1, discount: Math.fround(0.81) });
    expect(got[1]).toMatchObject({ reward: 1, nextObs: 2, done: 1, discount: Math.fround(0.9) });
  });

  it('n = 1 stores each step at once with discount γ', () => {
    const buffer = new UniformReplayBuffer({ capacity: 16, observationSpace: space, gamma });
    episode(rewards, 0, 'running').forEach((s, t) => {
      buffer.add(s);
      expect(buffer.size).toBe(t + 1);
    });
    expect(rows(buffer.state())).toEqual(rewards.map((_, t) => expected(rewards, t, 1, 0, false)));
  });

  it('streams from different envs never mix, even when interleaved', () => {
    const buffer = new UniformReplayBuffer({ capacity: 32, observationSpace: space, nStep: 2, gamma });
    const a = episode([1, 2, 3], 100, 'terminated');
    const b = episode([10, 20, 30, 40], 200, 'truncated');
    for (let t = 0; t < 4; t++) {
      if (a[t]) buffer.add(a[t], 0);
      buffer.add(b[t], 7);
    }
    const got = rows(buffer.state());
    const fromA = got.filter((row) => row.obs < 200);
    const fromB = got.filter((row) => row.obs >= 200);
    expect(fromA.map((row) => row.obs)).toEqual([100, 101, 102]);
    expect(fromB.map((row) => row.obs)).toEqual([200, 201, 202, 203]);
    fromA.forEach((row, t) => expect(row.reward).toBeCloseTo(expected([1, 2, 3], t, 2, 100, true).reward, 5));
    fromB.forEach((row, t) => expect(row).toEqual(expected([10, 20, 30, 40], t, 2, 200, false)));
  });

  it('returns stay whole across the circular wrap', () => {
    const buffer = new UniformReplayBuffer({ capacity: 4, observationSpace: space, nStep: 3, gamma });
    const long = episode([1, 2, 3, 4, 5, 6, 7, 8, 9], 0, 'terminated');
    long.forEach((s) => buffer.add(s));
    const state = buffer.state();
    // The last four stored are steps 5..8 in slots 1, 2, 3, 0 (9 writes into 4 slots: next = 1).
    expect(state.next).toBe(1);
    const bySlot = rows(state);
    const rewardsAll = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    for (const t of [5, 6, 7, 8]) {
      const row = bySlot[t % 4];
      const want = expected(rewardsAll, t, 3, 0, true);
      expect(row.reward).toBeCloseTo(want.reward, 5);
      expect({ ...row, reward: 0 }).toEqual({ ...want, reward: 0 });
    }
  });
});
