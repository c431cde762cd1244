import { describe, expect, it } from 'vitest';
import { VectorEnv } from '../../src/envs/vector_env.js';
import { CartPole } from '../../src/envs/cartpole.js';
import { Acrobot } from '../../src/envs/acrobot.js';
import type { BoxSpace, Env, StepResult } from '../../src/envs/env.js';
import { testSeed } from '../helpers/random.js';

/** A byte-observation env whose episode lasts `length` steps; obs = [episode, step] so resets are visible. */
class CountingEnv implements Env<Uint8Array> {
  readonly id = 'counting';
  readonly observationSpace: BoxSpace = { kind: 'box', shape: [2], dtype: 'uint8', low: 0, high: 255 };
  readonly actionSpace = { kind: 'discrete' as const, n: 2 };
  episode = -1;
  t = 0;
  constructor(readonly length: number) {}
  reset(): Uint8Array {
    this.episode++;
    this.t = 0;
    return Uint8Array.of(this.episode, 0);
  }
  step(action: number): StepResult<Uint8Array> {
    this.t++;
    const done = this.t === this.length;
    return { obs: Uint8Array.of(this.episode, this.t), reward: action + 1, terminated: done && this.length % 2 === 0, truncated: done && this.length % 2 === 1 };
  }
}

describe('VectorEnv: bad calls', () => {
  it('rejects an empty list and envs whose spaces differ', () => {
    expect(() => new VectorEnv([])).toThrow(/at least one env for envs.length/);
    expect(() => new VectorEnv([new CartPole(), new Acrobot()] as never)).toThrow(/envs\[1\].observationSpace/);
    expect(() => new VectorEnv('envs' as never)).toThrow(TypeError);
  });
  it('refuses step() before reset(), wrong action counts, and passes on the env errors', () => {
    const vec = VectorEnv.fromFactory((o) => new CartPole(o), 3, { seed: 1 });
    expect(() => vec.step([0, 0, 0])).toThrow(/reset\(\) before step/);
    vec.reset();
    expect(() => vec.step([0, 0])).toThrow(/3 actions \(one per env\) for actions.length/);
    expect(() => vec.step(7 as never)).toThrow(TypeError);
    expect(() => vec.step([0, 5, 0])).toThrow(/for action but received number 5/);
    expect(() => VectorEnv.fromFactory((o) => new CartPole(o), 0)).toThrow(/numEnvs/);
  });
});

describe('VectorEnv', () => {
  it('batches float32 observations and matches stepping the envs one by one', () => {
    const n = 3;
    const vec = VectorEnv.fromFactory((o) => new CartPole(o), n, { seed: testSeed });
    const singles = Array.from({ length: n }, (_, i) => new CartPole({ seed: testSeed + i }));
    const obs = vec.reset();
    expect(obs).toBeInstanceOf(Float32Array);
    expect(obs.length).toBe(n * 4);
    const singleObs = singles.map((env) => env.reset());
    expect(Array.from(obs)).toEqual(singleObs.flatMap((o) => Array.from(o)));
    for (let t = 0; t < 300; t++) {
      const actions = Int32Array.from({ length: n }, (_, i) => (t * (i + 1)) % 3 === 0 ? 1 : 0);
      const result = vec.step(actions);
      singles.forEach((env, i) => {
        const single = env.step(actions[i]);
        expect(result.rewards[i]).toBe(single.reward);
        expect(result.terminated[i]).toBe(single.terminated);
        expect(result.truncated[i]).toBe(single.truncated);
        const slot = Array.from(result.obs.subarray(i * 4, i * 4 + 4));
        if (single.terminated || single.truncated) {
          expect(Array.from(result.finalObs[i]!)).toEqual(Array.from(single.obs));
          expect(slot).toEqual(Array.from(env.reset())); // same-step autoreset: obs is already the next episode's
        } else {
          expect(result.finalObs[i]).toBeNull();
          expect(slot).toEqual(Array.from(single.obs));
        }
      });
    }
  });

  it('autoresets in the same step, batches uint8 observations and reports finished episodes', () => {
    const vec = new VectorEnv([new CountingEnv(2), new CountingEnv(3)]);
    expect(Array.from(vec.reset())).toEqual([0, 0, 0, 0]);
    const first = vec.step([0, 1]);
    expect(first.obs).toBeInstanceOf(Uint8Array);
    expect(Array.from(first.obs)).toEqual([0, 1, 0, 1]);
    expect(first.episodes).toEqual([]);
    const second = vec.step([1, 1]);
    expect(Array.from(second.obs)).toEqual([1, 0, 0, 2]); // env 0 ended (terminated) and was reset
    expect(Array.from(second.finalObs[0]!)).toEqual([0, 2]);
    expect(second.finalObs[1]).toBeNull();
    expect(second.terminated).toEqual([true, false]);
    expect(second.episodes).toEqual([{ env: 0, return: 3, length: 2, terminated: true, truncated: false }]);
    const third = vec.step([0, 0]);
    expect(third.truncated).toEqual([false, true]);
    expect(third.episodes).toEqual([{ env: 1, return: 5, length: 3, terminated: false, truncated: true }]);
    expect(Array.from(third.obs)).toEqual([1, 1, 1, 0]);
    expect(Array.from(third.rewards)).toEqual([1, 1]);
  });

  it('reset(seed) seeds env i with seed + i', () => {
    const vec = VectorEnv.fromFactory((o) => new Acrobot(o), 2);
    const obs = vec.reset(testSeed);
    expect(Array.from(obs.subarray(6))).toEqual(Array.from(new Acrobot().reset(testSeed + 1)));
  });

  it('snapshot() and restore() continue every env and the running returns exactly', () => {
    const make = () => VectorEnv.fromFactory((o) => new CartPole(o), 2, { seed: testSeed });
    const vec = make();
    vec.reset();
    for (let t = 0; t < 40; t++) vec.step([t % 2, (t >> 1) % 2]);
    const copy = make();
    copy.restore(JSON.parse(JSON.stringify(vec.snapshot())));
    for (let t = 0; t < 60; t++) expect(copy.step([t % 3 === 0 ? 1 : 0, 1 - (t % 2)])).toEqual(vec.step([t % 3 === 0 ? 1 : 0, 1 - (t % 2)]));
    expect(() => new VectorEnv([new CountingEnv(2)]).snapshot()).toThrow(/snapshot\(\) and restore\(\)/);
    expect(() => copy.restore({ ...vec.snapshot(), envs: [] })).toThrow(/snapshot.envs/);
  });
});
