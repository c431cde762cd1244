// Acrobot-v1: swing a two-link pendulum, actuated at the middle joint, above a line (Sutton 1996; Sutton & Barto).
// Ported from Gymnasium (Farama-Foundation/Gymnasium, gymnasium/envs/classic_control/acrobot.py, itself from
// RLPy): the same constants, the 'book' equations of motion by default, one classical RK4 step of 0.2 s per
// action, angle wrapping, velocity clipping, reward and TimeLimit of 500 steps. Physics runs in float64; like
// Gymnasium, the initial state is drawn in float64 and rounded to float32, and observations are float32.
import type { BoxSpace, DiscreteSpace, Env, StepResult } from './env.js';
import { Random } from '../random/random.js';
import { checkAction, checkEnvOptions, checkSeed, requireRunning, type BuiltinEnvOptions, type EpisodePhase } from './episode_guard.js';
import { expectInteger, expectOneOf, typeError } from '../validate.js';

/** Gymnasium's Acrobot constants (SI units). */
export const acrobotConstants = Object.freeze({
  dt: 0.2,
  linkLength1: 1.0,
  linkLength2: 1.0,
  linkMass1: 1.0,
  linkMass2: 1.0,
  /** Distance from each joint to its link's centre of mass. */
  linkComPosition1: 0.5,
  linkComPosition2: 0.5,
  /** Moment of inertia of each link. */
  linkMoi: 1.0,
  gravity: 9.8,
  maxVelocity1: 4 * Math.PI,
  maxVelocity2: 9 * Math.PI,
  /** Torque applied at the middle joint for actions 0, 1, 2. */
  torques: Object.freeze([-1.0, 0.0, 1.0]),
  /** Each component of the initial state is drawn uniformly from [−0.1, 0.1). */
  initialStateBound: 0.1,
  maxEpisodeSteps: 500,
});

/** Which equations of motion: 'book' (Sutton & Barto, Gymnasium's default) or 'nips' (Sutton 1996, missing a term). */
export type AcrobotDynamics = 'book' | 'nips';

/** Options for Acrobot-v1. */
export interface AcrobotOptions extends BuiltinEnvOptions {
  dynamics?: AcrobotDynamics;
}

/** An Acrobot's full state for checkpoints. */
export interface AcrobotSnapshot {
  /** [θ1, θ2, θ̇1, θ̇2] in float64, or null before the first reset. */
  physics: [number, number, number, number] | null;
  steps: number;
  phase: EpisodePhase;
  random: ReturnType<Random['state']>;
}

/** Maps x into [low, high] by whole turns, as Gymnasium's `wrap` does. */
function wrap(x: number, low: number, high: number): number {
  const turn = high - low;
  while (x > high) x -= turn;
  while (x < low) x += turn;
  return x;
}

function clip(x: number, low: number, high: number): number {
  return Math.min(Math.max(x, low), high);
}

/**
 * Acrobot-v1. Observation [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2] (float32); actions 0, 1, 2 apply torque −1, 0,
 * +1; reward −1 per step and 0 on the step that reaches the goal height (−cos θ1 − cos(θ1 + θ2) > 1).
 */
export class Acrobot implements Env<Float32Array> {
  readonly id = 'Acrobot-v1';
  /** BoxSpace has one bound for all dimensions, so it holds the widest (±9π); see `observationBounds`. */
  readonly observationSpace: BoxSpace;
  /** Per-dimension bounds as Gymnasium declares them: ±[1, 1, 1, 1, 4π, 9π]. */
  readonly observationBounds: { low: Float32Array; high: Float32Array };
  readonly actionSpace: DiscreteSpace = { kind: 'discrete', n: 3 };
  readonly maxEpisodeSteps: number;
  readonly dynamics: AcrobotDynamics;
  #random: Random;
  #state = new Float64Array(4);
  #steps = 0;
  #phase: EpisodePhase = 'unstarted';

  constructor(options?: AcrobotOptions) {
    const checked = checkEnvOptions(options, ['seed', 'maxEpisodeSteps', 'dynamics']);
    this.maxEpisodeSteps = checked.maxEpisodeSteps ?? acrobotConstants.maxEpisodeSteps;
    this.dynamics = checked.dynamics === undefined ? 'book' : expectOneOf(checked.dynamics, 'options.dynamics', ['book', 'nips'] as const);
    this.#random = new Random(checked.seed ?? 0);
    const c = acrobotConstants;
    const high = Float32Array.of(1, 1, 1, 1, c.maxVelocity1, c.maxVelocity2);
    this.observationBounds = { low: high.map((v) => -v), high };
    this.observationSpace = { kind: 'box', shape: [6], dtype: 'float32', low: -high[5], high: high[5] };
  }

  reset(seed?: number): Float32Array {
    const checkedSeed = checkSeed(seed);
    if (checkedSeed !== undefined) this.#random = new Random(checkedSeed);
    const bound = acrobotConstants.initialStateBound;
    for (let i = 0; i < 4; i++) this.#state[i] = Math.fround(this.#random.uniform(-bound, bound));
    this.#steps = 0;
    this.#phase = 'running';
    return this.#observation();
  }

  step(action: number): StepResult<Float32Array> {
    checkAction(action, this.actionSpace.n);
    requireRunning(this.#phase, this.id);
    const c = acrobotConstants;
    const next = this.#rungeKuttaStep(this.#state, c.torques[action]);
    const s = this.#state;
    s[0] = wrap(next[0], -Math.PI, Math.PI);
    s[1] = wrap(next[1], -Math.PI, Math.PI);
    s[2] = clip(next[2], -c.maxVelocity1, c.maxVelocity1);
    s[3] = clip(next[3], -c.maxVelocity2, c.maxVelocity2);
    this.#steps++;

    const terminated = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
    const truncated = this.#steps >= this.maxEpisodeSteps;
    if (terminated || truncated) this.#phase = 'over';
    return { obs: this.#observation(), reward: terminated ? 0.0 : -1.0, terminated, truncated };
  }

  /** Steps taken in the current episode. */
  get episodeSteps(): number {
    return this.#steps;
  }

  /** The full state, for checkpoints. */
  snapshot(): AcrobotSnapshot {
    const [theta1, theta2, dTheta1, dTheta2] = this.#state;
    return {
      physics: this.#phase === 'unstarted' ? null : [theta1, theta2, dTheta1, dTheta2],
      steps: this.#steps,
      phase: this.#phase,
      random: this.#random.state(),
    };
  }

  /** Restores a snapshot: the env continues exactly as the one that took it. */
  restore(snapshot: AcrobotSnapshot): void {
    if (typeof snapshot !== 'object' || snapshot === null) throw typeError('an AcrobotSnapshot', 'snapshot', snapshot);
    const random = Random.fromState(snapshot.random);
    expectOneOf(snapshot.phase, 'snapshot.phase', ['unstarted', 'running', 'over'] as const);
    expectInteger(snapshot.steps, 'snapshot.steps');
    if (snapshot.phase !== 'unstarted') {
      if (!Array.isArray(snapshot.physics) || snapshot.physics.length !== 4) {
        throw typeError('an array of 4 numbers', 'snapshot.physics', snapshot.physics);
      }
      this.#state.set(snapshot.physics);
    }
    this.#random = random;
    this.#steps = snapshot.steps;
    this.#phase = snapshot.phase;
  }

  #observation(): Float32Array {
    const s = this.#state;
    return Float32Array.of(Math.cos(s[0]), Math.sin(s[0]), Math.cos(s[1]), Math.sin(s[1]), s[2], s[3]);
  }

  /** One classical fourth-order Runge–Kutta step of length dt with the torque held constant. */
  #rungeKuttaStep(y0: Float64Array, torque: number): number[] {
    const dt = acrobotConstants.dt;
    const half = dt / 2.0;
    const k1 = this.#derivatives(y0[0], y0[1], y0[2], y0[3], torque);
    const k2 = this.#derivatives(y0[0] + half * k1[0], y0[1] + half * k1[1], y0[2] + half * k1[2], y0[3] + half * k1[3], torque);
    const k3 = this.#derivatives(y0[0] + half * k2[0], y0[1] + half * k2[1], y0[2] + half * k2[2], y0[3] + half * k2[3], torque);
    const k4 = this.#derivatives(y0[0] + dt * k3[0], y0[1] + dt * k3[1], y0[2] + dt * k3[2], y0[3] + dt * k3[3], torque);
    const out: number[] = [];
    for (let i = 0; i < 4; i++) out.push(y0[i] + (dt / 6.0) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
    return out;
  }

  /** d/dt of [θ1, θ2, θ̇1, θ̇2] under `torque` at the middle joint (Gymnasium's `_dsdt`, same evaluation order). */
  #derivatives(theta1: number, theta2: number, dTheta1: number, dTheta2: number, torque: number): [number, number, number, number] {
    const c = acrobotConstants;
    const m1 = c.linkMass1;
    const m2 = c.linkMass2;
    const l1 = c.linkLength1;
    const lc1 = c.linkComPosition1;
    const lc2 = c.linkComPosition2;
    const i1 = c.linkMoi;
    const i2 = c.linkMoi;
    const g = c.gravity;
    const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + i1 + i2;
    const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + i2;
    const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
    const phi1 = -m2 * l1 * lc2 * dTheta2 ** 2 * Math.sin(theta2) -
      2 * m2 * l1 * lc2 * dTheta2 * dTheta1 * Math.sin(theta2) +
      (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
      phi2;
    const denominator = m2 * lc2 ** 2 + i2 - d2 ** 2 / d1;
    const ddTheta2 = this.dynamics === 'nips'
      ? (torque + (d2 / d1) * phi1 - phi2) / denominator
      : (torque + (d2 / d1) * phi1 - m2 * l1 * lc2 * dTheta1 ** 2 * Math.sin(theta2) - phi2) / denominator;
    const ddTheta1 = -(d2 * ddTheta2 + phi1) / d1;
    return [dTheta1, dTheta2, ddTheta1, ddTheta2];
  }
}
