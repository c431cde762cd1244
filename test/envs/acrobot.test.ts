import { describe, expect, it } from 'vitest';
import { Acrobot, type AcrobotSnapshot } from '../../src/envs/acrobot.js';
import { testSeed } from '../helpers/random.js';

type State = [number, number, number, number];

function placeAt(env: Acrobot, physics: State, steps = 0): void {
  env.reset(0);
  const snapshot: AcrobotSnapshot = { ...env.snapshot(), physics, steps, phase: 'running' };
  env.restore(snapshot);
}

/**
 * The acrobot's accelerations written independently, as the 2×2 linear system of Sutton & Barto's equations
 *   d1·θ̈1 + d2·θ̈2 = −φ1,    d2·θ̈1 + (m2·lc2² + I2)·θ̈2 = τ − φ2 − m2·l1·lc2·θ̇1²·sin θ2   ('book')
 * solved by Cramer's rule (the 'nips' variant drops the θ̇1² term).
 */
function accelerations(s: State, torque: number, book = true): [number, number] {
  const [t1, t2, w1, w2] = s;
  const [m1, m2, l1, lc1, lc2, inertia, g] = [1, 1, 1, 0.5, 0.5, 1, 9.8];
  const d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.cos(t2)) + 2 * inertia;
  const d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.cos(t2)) + inertia;
  const m22 = m2 * lc2 * lc2 + inertia;
  const phi2 = m2 * lc2 * g * Math.sin(t1 + t2); // cos(a − π/2) = sin a
  const phi1 = -m2 * l1 * lc2 * Math.sin(t2) * (w2 * w2 + 2 * w1 * w2) + (m1 * lc1 + m2 * l1) * g * Math.sin(t1) + phi2;
  const b1 = -phi1;
  const b2 = torque - phi2 - (book ? m2 * l1 * lc2 * w1 * w1 * Math.sin(t2) : 0);
  const det = d1 * m22 - d2 * d2;
  return [(b1 * m22 - d2 * b2) / det, (d1 * b2 - d2 * b1) / det];
}

function referenceStep(s: State, torque: number, book = true): State {
  const f = (y: number[]) => [y[2], y[3], ...accelerations(y as State, torque, book)];
  const dt = 0.2;
  const add = (y: number[], k: number[], h: number) => y.map((v, i) => v + h * k[i]);
  const k1 = f(s);
  const k2 = f(add(s, k1, dt / 2));
  const k3 = f(add(s, k2, dt / 2));
  const k4 = f(add(s, k3, dt));
  const y = s.map((v, i) => v + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  const wrap = (a: number) => (a > Math.PI ? a - 2 * Math.PI : a < -Math.PI ? a + 2 * Math.PI : a);
  const clip = (v: number, m: number) => Math.min(Math.max(v, -m), m);
  return [wrap(y[0]), wrap(y[1]), clip(y[2], 4 * Math.PI), clip(y[3], 9 * Math.PI)];
}

describe('Acrobot-v1: bad calls', () => {
  it('rejects actions outside Discrete(3) with an error naming action', () => {
    const env = new Acrobot();
    env.reset();
    expect(() => env.step(3)).toThrow(/integer in \[0, 2\] for action but received number 3/);
    expect(() => env.step(-1)).toThrow(RangeError);
    expect(() => env.step(1.5)).toThrow(RangeError);
    expect(() => env.step(undefined as never)).toThrow(TypeError);
  });
  it('refuses step() before reset() and after the episode ended', () => {
    const env = new Acrobot();
    expect(() => env.step(1)).toThrow(/reset\(\) before step/);
    placeAt(env, [Math.PI, 0, 0, 0]);
    expect(env.step(1).terminated).toBe(true);
    expect(() => env.step(1)).toThrow(/episode is over/);
  });
  it('rejects unknown options and unknown dynamics', () => {
    expect(() => new Acrobot({ dynamic: 'book' } as never)).toThrow(/seed, maxEpisodeSteps, dynamics/);
    expect(() => new Acrobot({ dynamics: 'paper' as never })).toThrow(/book, nips for options.dynamics/);
  });
});

describe('Acrobot-v1', () => {
  it("declares Gymnasium's spaces", () => {
    const env = new Acrobot();
    expect(env.id).toBe('Acrobot-v1');
    expect(env.actionSpace).toEqual({ kind: 'discrete', n: 3 });
    expect(env.observationSpace).toMatchObject({ shape: [6], dtype: 'float32' });
    expect(Array.from(env.observationBounds.high)).toEqual([1, 1, 1, 1, Math.fround(4 * Math.PI), Math.fround(9 * Math.PI)]);
    expect(env.dynamics).toBe('book');
  });

  it('starts in ±0.1, rounded to float32 like Gymnasium, and observes cos/sin of the angles', () => {
    const env = new Acrobot({ seed: testSeed });
    for (let episode = 0; episode < 20; episode++) {
      const obs = env.reset();
      const s = env.snapshot().physics!;
      for (const v of s) {
        expect(Math.abs(v)).toBeLessThanOrEqual(0.1);
        expect(Math.fround(v)).toBe(v);
      }
      const expected = [Math.cos(s[0]), Math.sin(s[0]), Math.cos(s[1]), Math.sin(s[1]), s[2], s[3]].map(Math.fround);
      expect(Array.from(obs)).toEqual(expected);
    }
  });

  it('the reference accelerations agree with a hand solution at rest under torque +1 (θ̈1 = −28/41, θ̈2 = 72/41)', () => {
    const [a1, a2] = accelerations([0, 0, 0, 0], 1);
    expect(a1).toBeCloseTo(-28 / 41, 14);
    expect(a2).toBeCloseTo(72 / 41, 14);
  });

  it('each step is one RK4 step of 0.2 s of the book dynamics, with wrapping and clipping', () => {
    const env = new Acrobot({ seed: testSeed });
    env.reset();
    const actions = [2, 2, 0, 1, 2, 0, 0, 2, 1, 2, 2, 2, 0, 0, 0, 2, 2, 2, 2, 2];
    for (const action of actions) {
      const before = env.snapshot().physics! as State;
      const expected = referenceStep(before, action - 1);
      env.step(action);
      const after = env.snapshot().physics!;
      for (let k = 0; k < 4; k++) expect(after[k]).toBeCloseTo(expected[k], 11);
    }
  });

  it('reproduces a trajectory recorded from Gymnasium 1.3.0 (AcrobotEnv, state set to [0.05, −0.07, 0.02, 0.09])', () => {
    // Recorded with: env.reset(seed=0); env.state = np.array([0.05, -0.07, 0.02, 0.09]); step; print env.state.
    const actions = [2, 2, 0, 1, 2, 0, 0, 2, 1, 2, 2, 2, 0, 0, 0, 2, 2, 2, 2, 2];
    const gymnasium = [
      [0.033332254002620736, -0.0064241750488133464, -0.18107759379122726, 0.5317867882737112],
      [-0.018088375487444894, 0.13297928678705379, -0.3178470302818496, 0.8292823300846567],
      [-0.060110577259480144, 0.24151896442449305, -0.09157020304300456, 0.23323211752596418],
      [-0.06583027512498035, 0.2560559945229238, 0.035701998700985255, -0.09067295339947351],
      [-0.05966942930992033, 0.240718890597583, 0.024220493484463035, -0.05920647383860345],
      [-0.030435355712023937, 0.16553380465715029, 0.26013636279784885, -0.6758933965349013],
      [0.03866402625289311, -0.01752708855216839, 0.41085698656347963, -1.1120024984982835],
      [0.09763202024313986, -0.18970590184888791, 0.16209460591017583, -0.5723151516064762],
      [0.11267153376967334, -0.27082947232797216, -0.01658206702861656, -0.22406535344427148],
      [0.0777681858240859, -0.24278530952548372, -0.3243176589089928, 0.4943939730036764],
      [-0.010855835973497346, -0.08309793495639303, -0.539379628682169, 1.0622173354962217],
      [-0.1263627761733825, 0.16027379755974966, -0.583680231929279, 1.3093305569108065],
      [-0.2050560154916548, 0.3469470338087384, -0.18401348263339135, 0.5188641686827068],
      [-0.19629343323798829, 0.35986713191746317, 0.26941923019808045, -0.38922846358395247],
      [-0.10204963513977376, 0.1983613473094757, 0.6504625923943881, -1.1876871079436833],
      [0.024158500997157953, -0.022957383900803735, 0.5785819474261819, -0.9660891030482541],
      [0.11721167603702708, -0.16670483087595786, 0.32928218565472017, -0.4335173948463781],
      [0.14945637489940547, -0.18651051009218145, -0.013399458753573679, 0.24248415076743746],
      [0.11246866742045572, -0.07285591381624357, -0.3454778368858985, 0.8690956451222557],
      [0.019115577184407997, 0.1447470076626097, -0.5613163751102963, 1.252833324655111],
    ];
    const env = new Acrobot();
    placeAt(env, [0.05, -0.07, 0.02, 0.09]);
    actions.forEach((action, t) => {
      env.step(action);
      const physics = env.snapshot().physics!;
      for (let k = 0; k < 4; k++) expect(Math.abs(physics[k] - gymnasium[t][k]), `step ${t} component ${k}`).toBeLessThan(1e-12);
    });
  });

  it("the 'nips' dynamics drop the θ̇1² term", () => {
    const state: State = [0.3, -0.4, 2.0, -1.0];
    const nips = new Acrobot({ dynamics: 'nips' });
    const book = new Acrobot();
    placeAt(nips, state);
    placeAt(book, state);
    nips.step(2);
    book.step(2);
    const expected = referenceStep(state, 1, false);
    nips.snapshot().physics!.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 11));
    expect(nips.snapshot().physics).not.toEqual(book.snapshot().physics);
  });

  it('keeps angles in [−π, π] and clips velocities to ±4π, ±9π', () => {
    const env = new Acrobot();
    placeAt(env, [3.1, -3.1, 100, -100]);
    const { obs } = env.step(2);
    const s = env.snapshot().physics!;
    expect(Math.abs(s[0])).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(s[1])).toBeLessThanOrEqual(Math.PI);
    expect([Math.abs(s[2]), Math.abs(s[3])]).toEqual([4 * Math.PI, 9 * Math.PI]);
    expect(obs[4]).toBe(Math.fround(s[2]));
  });

  it('pays −1 per step and 0 on reaching the goal height, which terminates', () => {
    const env = new Acrobot();
    placeAt(env, [0, 0, 0, 0]);
    expect(env.step(1)).toMatchObject({ reward: -1, terminated: false, truncated: false });
    placeAt(env, [Math.PI, 0, 0, 0]); // both links straight up: −cos θ1 − cos(θ1 + θ2) = 2
    expect(env.step(1)).toMatchObject({ reward: 0, terminated: true, truncated: false });
    // Straight links reach the line at θ1 = 2π/3 and sag a little during the step: check both sides of it.
    for (const [t1, expected] of [[(2 * Math.PI) / 3 + 0.15, true], [(2 * Math.PI) / 3 + 0.05, false]] as const) {
      placeAt(env, [t1, 0, 0, 0]);
      const result = env.step(1);
      const s = env.snapshot().physics!;
      expect(-Math.cos(s[0]) - Math.cos(s[0] + s[1]) > 1).toBe(expected);
      expect(result.terminated).toBe(expected);
    }
  });

  it('truncates at exactly 500 steps', () => {
    const env = new Acrobot({ seed: testSeed });
    env.reset();
    for (let t = 1; t < 500; t++) {
      const r = env.step(1); // no torque: the pendulum never swings up
      if (r.terminated || r.truncated) throw new Error(`ended early at step ${t}`);
    }
    expect(env.step(1)).toMatchObject({ truncated: true, terminated: false, reward: -1 });
    expect(() => env.step(1)).toThrow(/episode is over/);
  });

  it('is deterministic per seed, and snapshot()/restore() continue exactly', () => {
    const a = new Acrobot({ seed: testSeed });
    const b = new Acrobot({ seed: testSeed });
    expect(a.reset()).toEqual(b.reset());
    for (let t = 0; t < 10; t++) expect(a.step(t % 3)).toEqual(b.step(t % 3));
    const copy = new Acrobot();
    copy.restore(JSON.parse(JSON.stringify(a.snapshot())));
    for (let t = 0; t < 10; t++) expect(copy.step(2)).toEqual(a.step(2));
    expect(copy.reset()).toEqual(a.reset());
    expect(new Acrobot().reset(testSeed)).toEqual(new Acrobot({ seed: testSeed }).reset());
  });
});
