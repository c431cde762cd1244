import { describe, expect, it } from 'vitest';
import { CartPole, cartPoleConstants, type CartPoleSnapshot } from '../../src/envs/cartpole.js';
import { testSeed } from '../helpers/random.js';

/** Puts `env` in a running episode at the given physical state, after `steps` steps. */
function placeAt(env: CartPole, physics: [number, number, number, number], steps = 0): void {
  env.reset(0);
  const snapshot: CartPoleSnapshot = { ...env.snapshot(), physics, steps, phase: 'running' };
  env.restore(snapshot);
}

/** A linear controller that balances CartPole for 500 steps from Gymnasium's initial states. */
function balance(obs: Float32Array): number {
  return obs[2] + 0.5 * obs[3] + 0.01 * obs[0] + 0.1 * obs[1] > 0 ? 1 : 0;
}

describe('CartPole-v1: bad calls', () => {
  it('rejects actions outside Discrete(2) with an error naming action', () => {
    const env = new CartPole({ seed: 1 });
    env.reset();
    expect(() => env.step(2)).toThrow(RangeError);
    expect(() => env.step(2)).toThrow(/integer in \[0, 1\] for action but received number 2/);
    expect(() => env.step(-1)).toThrow(/action/);
    expect(() => env.step(0.5)).toThrow(RangeError);
    expect(() => env.step(NaN)).toThrow(RangeError);
    expect(() => env.step('1' as never)).toThrow(TypeError);
  });
  it('refuses step() before reset() and after the episode ended', () => {
    const env = new CartPole({ seed: 1 });
    expect(() => env.step(0)).toThrow(/reset\(\) before step/);
    env.reset();
    let result;
    do result = env.step(1); while (!result.terminated);
    expect(() => env.step(1)).toThrow(/episode is over/);
    env.reset();
    expect(() => env.step(1)).not.toThrow();
  });
  it('rejects unknown options, bad seeds and bad step limits', () => {
    expect(() => new CartPole({ sed: 1 } as never)).toThrow(/seed, maxEpisodeSteps/);
    expect(() => new CartPole({ seed: 1.5 })).toThrow(/options.seed/);
    expect(() => new CartPole({ maxEpisodeSteps: 0 })).toThrow(/options.maxEpisodeSteps/);
    expect(() => new CartPole().reset(0.5)).toThrow(/seed/);
  });
});

describe('CartPole-v1', () => {
  it("declares Gymnasium's spaces", () => {
    const env = new CartPole();
    expect(env.id).toBe('CartPole-v1');
    expect(env.actionSpace).toEqual({ kind: 'discrete', n: 2 });
    expect(env.observationSpace.shape).toEqual([4]);
    expect(env.observationSpace.dtype).toBe('float32');
    expect(Array.from(env.observationBounds.high)).toEqual([
      Math.fround(4.8), Math.fround(3.4028234663852886e38), Math.fround((24 * Math.PI) / 180), Math.fround(3.4028234663852886e38),
    ]);
    expect(env.maxEpisodeSteps).toBe(500);
  });

  it('starts uniformly in ±0.05 and returns the float64 state rounded to float32', () => {
    const env = new CartPole({ seed: testSeed });
    for (let episode = 0; episode < 20; episode++) {
      const obs = env.reset();
      const physics = env.snapshot().physics!;
      expect(obs).toBeInstanceOf(Float32Array);
      expect(Array.from(obs)).toEqual(physics.map(Math.fround));
      for (const v of physics) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
    }
  });

  it('one push right from rest matches the equations solved by hand (ẋ = 8/41, θ̇ = −12/41)', () => {
    const env = new CartPole();
    placeAt(env, [0, 0, 0, 0]);
    // At rest: θ̈ = −(F/M) / (l·(4/3 − m/M)) = −600/41 and ẍ = F/M − m·l·θ̈/M = 400/41; Euler moves only the velocities.
    const { obs, reward, terminated, truncated } = env.step(1);
    expect(env.snapshot().physics![0]).toBe(0);
    expect(env.snapshot().physics![1]).toBeCloseTo(8 / 41, 15);
    expect(env.snapshot().physics![2]).toBe(0);
    expect(env.snapshot().physics![3]).toBeCloseTo(-12 / 41, 15);
    expect(Array.from(obs)).toEqual([0, Math.fround(8 / 41), 0, Math.fround(-12 / 41)]);
    expect([reward, terminated, truncated]).toEqual([1, false, false]);
  });

  it('one Euler step from a random state matches an independent evaluation of the dynamics', () => {
    const env = new CartPole({ seed: testSeed });
    env.reset();
    for (let i = 0; i < 5; i++) {
      const [x, v, th, w] = env.snapshot().physics!;
      const action = i % 2;
      const { gravity: g, massCart: mc, massPole: mp, halfPoleLength: l, forceMagnitude, tau } = cartPoleConstants;
      const force = action === 1 ? forceMagnitude : -forceMagnitude;
      const total = mc + mp;
      // Barto et al. (1983) as corrected by Florian (2007), written out directly.
      const thetaAcc = (g * Math.sin(th) + Math.cos(th) * ((-force - mp * l * w * w * Math.sin(th)) / total)) /
        (l * (4 / 3 - (mp * Math.cos(th) ** 2) / total));
      const xAcc = (force + mp * l * (w * w * Math.sin(th) - thetaAcc * Math.cos(th))) / total;
      const expected = [x + tau * v, v + tau * xAcc, th + tau * w, w + tau * thetaAcc];
      env.step(action);
      const actual = env.snapshot().physics!;
      for (let k = 0; k < 4; k++) expect(actual[k]).toBeCloseTo(expected[k], 13);
    }
  });

  it('reproduces a trajectory recorded from Gymnasium 1.3.0 (CartPoleEnv, state set to [0.01, −0.02, 0.03, −0.04])', () => {
    // Recorded with: env.reset(seed=0); env.state = (0.01, -0.02, 0.03, -0.04); step each action; print env.state.
    const actions = [1, 0, 0, 1, 1, 1, 0, 1, 0, 0];
    const gymnasium = [
      [0.009600000000000001, 0.17467919574755525, 0.0292, -0.3230687179600081],
      [0.013093583914951107, -0.020846120233304483, 0.02273862564079984, -0.021322189539218106],
      [0.012676661510285018, -0.21628666139669434, 0.022312181850015475, 0.2784474166567325],
      [0.00835092828235113, -0.021490000379440544, 0.027881130183150124, -0.007115608467152645],
      [0.00792112827476232, 0.17322123092863484, 0.027738818013807072, -0.29087295230897875],
      [0.011385552893335017, 0.36793690049741734, 0.021921358967627497, -0.5746799303435653],
      [0.018744290903283365, 0.17251459847646505, 0.01042776036075619, -0.27517254317071566],
      [0.022194582872812667, 0.36748623028388583, 0.004924309497341877, -0.5645483843942637],
      [0.029544307478490385, 0.17229553589163107, -0.006366658190543397, -0.27031815151610944],
      [0.03299021819632301, -0.022734986035086113, -0.011773021220865586, 0.020349917456688682],
    ];
    const env = new CartPole();
    placeAt(env, [0.01, -0.02, 0.03, -0.04]);
    actions.forEach((action, t) => {
      env.step(action);
      const physics = env.snapshot().physics!;
      for (let k = 0; k < 4; k++) expect(Math.abs(physics[k] - gymnasium[t][k]), `step ${t} component ${k}`).toBeLessThan(1e-14);
    });
  });

  it('terminates just past |x| = 2.4 and |θ| = 12°, not at them, and pays +1 on the terminating step', () => {
    const threshold = (12 * 2 * Math.PI) / 360;
    const cases: [[number, number, number, number], boolean][] = [
      [[2.4, 0, 0, 0], false],
      [[2.4 + 1e-9, 0, 0, 0], true],
      [[-2.4, 0, 0, 0], false],
      [[-2.4 - 1e-9, 0, 0, 0], true],
      [[0, 0, threshold, 0], false],
      [[0, 0, threshold + 1e-12, 0], true],
      [[0, 0, -threshold, 0], false],
      [[0, 0, -threshold - 1e-12, 0], true],
    ];
    for (const [physics, expected] of cases) {
      const env = new CartPole();
      placeAt(env, physics); // zero velocities: one Euler step leaves x and θ where they are
      const result = env.step(0);
      expect(result.terminated, `state ${physics}`).toBe(expected);
      expect(result.reward).toBe(1);
      expect(result.truncated).toBe(false);
    }
  });

  it('truncates at exactly 500 steps (TimeLimit), not before', () => {
    const env = new CartPole({ seed: testSeed % 1000 });
    let obs = env.reset();
    for (let t = 1; t < 500; t++) {
      const result = env.step(balance(obs));
      obs = result.obs;
      if (result.terminated || result.truncated) throw new Error(`ended early at step ${t}`);
    }
    const last = env.step(balance(obs));
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
    expect(env.episodeSteps).toBe(500);
    expect(() => env.step(0)).toThrow(/episode is over/);
  });

  it('truncation and termination can coincide on step 500, and maxEpisodeSteps shortens the limit', () => {
    const env = new CartPole();
    placeAt(env, [2.5, 0, 0, 0], 499);
    expect(env.step(0)).toMatchObject({ terminated: true, truncated: true });
    const short = new CartPole({ maxEpisodeSteps: 3 });
    let obs = short.reset();
    const flags = [1, 2, 3].map(() => {
      const r = short.step(balance(obs));
      obs = r.obs;
      return r.truncated;
    });
    expect(flags).toEqual([false, false, true]);
  });

  it('is deterministic: same seed, same episodes; reset(seed) re-seeds; reset() continues the stream', () => {
    const run = (env: CartPole, seed?: number) => {
      const trace = [Array.from(env.reset(seed))];
      for (let t = 0; t < 30; t++) {
        const r = env.step(t % 3 === 0 ? 1 : 0);
        trace.push(Array.from(r.obs));
        if (r.terminated || r.truncated) break;
      }
      return trace;
    };
    const a = new CartPole({ seed: testSeed });
    const b = new CartPole({ seed: testSeed });
    const first = run(a);
    expect(run(b)).toEqual(first);
    expect(run(a)).not.toEqual(first); // the next episode continues the generator
    expect(run(a, testSeed)).toEqual(first); // re-seeding replays the first episode
    expect(run(new CartPole(), testSeed)).toEqual(first);
  });

  it('snapshot() and restore() continue the episode and the generator exactly', () => {
    const env = new CartPole({ seed: testSeed });
    let obs = env.reset();
    for (let t = 0; t < 7; t++) obs = env.step(balance(obs)).obs;
    const saved = JSON.parse(JSON.stringify(env.snapshot()));
    const copy = new CartPole();
    copy.restore(saved);
    for (let t = 0; t < 5; t++) expect(copy.step(t % 2)).toEqual(env.step(t % 2));
    expect(copy.reset()).toEqual(env.reset());
  });
});
