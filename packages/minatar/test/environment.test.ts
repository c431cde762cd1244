// The env wrapper: argument checks, the Env contract (reset before step, fresh observations, determinism), sticky
// actions (one draw per step, also after the game has ended; the last action kept across episodes), the minimal
// action sets, Freeway's time limit and registration with prunerl's registry.
import { describe, expect, it } from 'vitest';
import { make, MinAtarEnv } from '../src/environment.js';
import { GAMES, type GameName } from '../src/games/index.js';
import { register, ENV_IDS } from '../src/register.js';
import { Xoshiro128, type Rng } from '../src/rng.js';
import type { EnvFactory } from '../src/env_types.js';

/** An Rng that records every call and delegates to a seeded generator. */
function countingRng(seed = 1): Rng & { calls: string[] } {
  const inner = new Xoshiro128(seed);
  const calls: string[] = [];
  return {
    calls,
    uniform: () => (calls.push('u'), inner.uniform()),
    integer: (low: number, high: number) => (calls.push(`i${low},${high}`), inner.integer(low, high)),
  };
}

describe('bad calls', () => {
  it('an unknown game is refused with the list of games', () => {
    expect(() => make('pong' as GameName)).toThrow(RangeError);
    expect(() => make('pong' as GameName)).toThrow(
      "Expected one of asterix, breakout, freeway, seaquest, space_invaders for game but received string 'pong'",
    );
    expect(() => make(3 as unknown as GameName)).toThrow(TypeError);
    expect(() => make('Breakout' as GameName)).toThrow(/for game but received string 'Breakout'/);
  });

  it('an action outside the action set throws a RangeError naming action and the allowed range', () => {
    const env = make('breakout');
    env.reset();
    expect(() => env.step(6)).toThrow(RangeError);
    expect(() => env.step(6)).toThrow('Expected an integer in [0, 5] for action but received number 6');
    expect(() => env.step(-1)).toThrow(/\[0, 5\] for action but received number -1/);
    expect(() => env.step(1.5)).toThrow(RangeError);
    expect(() => env.step(NaN)).toThrow(RangeError);
    expect(() => env.step('1' as unknown as number)).toThrow(TypeError);
    const minimal = make('breakout', { minimalActionSet: true });
    minimal.reset();
    expect(() => minimal.step(3)).toThrow('Expected an integer in [0, 2] for action but received number 3');
  });

  it('a bad action consumes no draw', () => {
    const rng = countingRng();
    const env = make('asterix', { rng });
    env.reset();
    expect(() => env.step(7)).toThrow(RangeError);
    expect(rng.calls).toEqual([]);
  });

  it('step before reset throws, and make draws nothing', () => {
    const rng = countingRng();
    const env = make('freeway', { rng });
    expect(rng.calls).toEqual([]);
    expect(() => env.step(0)).toThrow('minatar/freeway: call reset() before step()');
    expect(() => env.observation()).toThrow(/call reset\(\)/);
    expect(rng.calls).toEqual([]);
  });

  it('bad options are refused', () => {
    expect(() => make('breakout', { stickyActionProb: 1.5 })).toThrow(
      'Expected a number in [0, 1] for options.stickyActionProb but received number 1.5',
    );
    expect(() => make('breakout', { stickyActionProb: -0.1 })).toThrow(RangeError);
    expect(() => make('breakout', { stickyActionProb: NaN })).toThrow(RangeError);
    expect(() => make('breakout', { stickyActionProb: '0.1' as unknown as number })).toThrow(TypeError);
    expect(() => make('breakout', { difficultyRamping: 1 as unknown as boolean })).toThrow(TypeError);
    expect(() => make('breakout', { minimalActionSet: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => make('breakout', { seed: 1.5 })).toThrow(/safe integer for options.seed/);
    expect(() => make('breakout', { rng: {} as Rng })).toThrow(TypeError);
    expect(() => make('breakout', { stickyProb: 0.1 } as never)).toThrow(/for option name but received string 'stickyProb'/);
    expect(() => make('breakout', null as never)).toThrow(TypeError);
  });

  it('reset(seed) needs a seedable rng and an integer seed', () => {
    const scripted = make('breakout', { rng: { uniform: () => 0.5, integer: (low: number) => low } });
    expect(() => scripted.reset(3)).toThrow(/seed\(seed\) method/);
    expect(() => make('breakout', { rng: { uniform: () => 0.5, integer: (low: number) => low }, seed: 1 })).toThrow(/seed\(seed\) method/);
    expect(() => make('breakout').reset(0.5)).toThrow(RangeError);
  });
});

describe('MinAtarEnv', () => {
  it('describes its spaces as the reference does', () => {
    const channels: Record<GameName, number> = { asterix: 4, breakout: 4, freeway: 7, seaquest: 10, space_invaders: 6 };
    const minimal: Record<GameName, number[]> = {
      asterix: [0, 1, 2, 3, 4], breakout: [0, 1, 3], freeway: [0, 2, 4], seaquest: [0, 1, 2, 3, 4, 5], space_invaders: [0, 1, 3, 5],
    };
    for (const game of GAMES) {
      const env = make(game);
      expect(env.id).toBe(`minatar/${game}`);
      expect(env.observationSpace).toEqual({ kind: 'box', shape: [10, 10, channels[game]], dtype: 'uint8', low: 0, high: 1 });
      expect(env.actionSpace).toEqual({ kind: 'discrete', n: 6 });
      expect(env.stickyActionProb).toBe(0.1);
      expect(env.difficultyRamping).toBe(true);
      expect(env.channelNames).toHaveLength(channels[game]);
      const small = make(game, { minimalActionSet: true });
      expect(small.actionSet).toEqual(minimal[game]);
      expect(small.actionSpace.n).toBe(minimal[game].length);
    }
  });

  it('returns a fresh Uint8Array of 0s and 1s each time', () => {
    for (const game of GAMES) {
      const env = make(game, { seed: 4 });
      const first = env.reset();
      expect(first).toBeInstanceOf(Uint8Array);
      expect(first.length).toBe(100 * env.observationSpace.shape[2]);
      const { obs } = env.step(0);
      expect(obs).not.toBe(first);
      first.fill(7);
      expect(env.observation().every((v) => v === 0 || v === 1)).toBe(true);
      expect(obs.some((v) => v === 1)).toBe(true);
    }
  });

  it('the same seed gives the same episodes, another seed others', () => {
    for (const game of GAMES) {
      const run = (seed: number) => {
        const env = make(game, { seed });
        const policy = new Xoshiro128(99);
        const seen: number[] = [];
        let obs = env.reset();
        for (let t = 0; t < 3000; t++) {
          const result = env.step(policy.integer(0, 6));
          obs = result.terminated ? env.reset() : result.obs;
          seen.push(result.reward, result.terminated ? 1 : 0, obs.reduce((h, v, i) => (h * 31 + v * i) % 1000003, 0));
        }
        return seen;
      };
      expect(run(5)).toEqual(run(5));
      expect(run(5)).not.toEqual(run(6));
    }
  });

  it('reset(seed) restarts the stream: the same as a new env with that seed', () => {
    const a = make('freeway', { seed: 1 });
    a.reset();
    for (let t = 0; t < 10; t++) a.step(2);
    const b = make('freeway', { seed: 42 });
    expect(a.reset(42)).toEqual(b.reset());
    for (let t = 0; t < 50; t++) expect(a.step(t % 6)).toEqual(b.step(t % 6));
  });

  it('draws one uniform per step before anything else, also after the game has ended', () => {
    const rng = countingRng(3);
    const env = make('breakout', { rng });
    env.reset();
    expect(rng.calls).toEqual(['i0,2']);
    rng.calls.length = 0;
    let result = env.step(0);
    expect(rng.calls).toEqual(['u']);
    while (!result.terminated) result = env.step(0);
    rng.calls.length = 0;
    const after = env.step(3);
    expect(rng.calls).toEqual(['u']);
    expect(after.reward).toBe(0);
    expect(after.terminated).toBe(true);
    expect(after.truncated).toBe(false);
  });

  it('sticky actions repeat the previous reference action, across episodes too', () => {
    // uniform() returns 0.05 (< 0.1: sticky) or 0.5 by a script; the paddle shows which action was applied.
    let sticky = false;
    const rng: Rng = { uniform: () => (sticky ? 0.05 : 0.5), integer: (low: number) => low };
    const env = make('breakout', { rng, minimalActionSet: true });
    const paddle = (obs: Uint8Array) => [...Array(10).keys()].find((x) => obs[(90 + x) * 4] === 1);
    env.reset();
    expect(paddle(env.step(2).obs)).toBe(5); // minimal action 2 = right
    sticky = true;
    expect(paddle(env.step(1).obs)).toBe(6); // asked left, repeated right
    sticky = false;
    expect(paddle(env.step(1).obs)).toBe(5);
    // A new episode keeps the last action: a sticky first step repeats "left".
    env.reset();
    sticky = true;
    expect(paddle(env.step(0).obs)).toBe(3);
    // The very first action of an env is noop (the reference's last_action = 0).
    const fresh = make('breakout', { rng });
    fresh.reset();
    expect(paddle(fresh.step(2).obs)).toBe(4);
  });

  it('stickyActionProb 0 never repeats, 1 always repeats (the first action: noop)', () => {
    const never = make('breakout', { seed: 0, stickyActionProb: 0 });
    const always = make('breakout', { seed: 0, stickyActionProb: 1 });
    const paddle = (obs: Uint8Array) => [...Array(10).keys()].find((x) => obs[(90 + x) * 4] === 1);
    never.reset();
    always.reset();
    for (let t = 0; t < 3; t++) {
      expect(paddle(never.step(3).obs)).toBe(5 + t);
      expect(paddle(always.step(3).obs)).toBe(4);
    }
  });

  it('Freeway ends after 2500 frames, on the 2501st step, as terminated', () => {
    const env = make('freeway', { seed: 0 });
    env.reset();
    for (let t = 1; t <= 2500; t++) {
      const { terminated, truncated } = env.step(0);
      expect(terminated || truncated).toBe(false);
    }
    expect(env.step(0)).toMatchObject({ terminated: true, truncated: false });
  });

  it('difficultyRamp() reports the ramp level, null for Breakout and Freeway', () => {
    expect(make('breakout').difficultyRamp()).toBeNull();
    expect(make('freeway').difficultyRamp()).toBeNull();
    const env = make('asterix', { seed: 1, stickyActionProb: 0 });
    env.reset();
    expect(env.difficultyRamp()).toBe(0);
  });

  it('register() adds minatar/<game> factories passing options through', () => {
    const factories = new Map<string, EnvFactory>();
    register((id, factory) => factories.set(id, factory));
    expect([...factories.keys()]).toEqual(ENV_IDS);
    expect(ENV_IDS).toEqual(['minatar/asterix', 'minatar/breakout', 'minatar/freeway', 'minatar/seaquest', 'minatar/space_invaders']);
    const env = factories.get('minatar/seaquest')!({ seed: 3, stickyActionProb: 0.2, difficultyRamping: false });
    expect(env).toBeInstanceOf(MinAtarEnv);
    expect((env as MinAtarEnv).stickyActionProb).toBe(0.2);
    expect((env as MinAtarEnv).difficultyRamping).toBe(false);
    expect(env.reset()).toEqual(make('seaquest', { seed: 3 }).reset());
    expect(() => factories.get('minatar/breakout')!({ colour: 'red' })).toThrow(/option name/);
  });
});
