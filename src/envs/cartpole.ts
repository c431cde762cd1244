// CartPole-v1: the cart-pole balancing task of Barto, Sutton & Anderson (1983), ported from Gymnasium
// (Farama-Foundation/Gymnasium, gymnasium/envs/classic_control/cartpole.py) with the same constants, explicit
// Euler integration, reward, termination thresholds and TimeLimit of 500 steps. The state is kept in float64
// (Gymnasium's numpy state is float64) and only the observation is rounded to float32.
import type { BoxSpace, DiscreteSpace, Env, StepResult } from './env.js';
import { Random } from '../random/random.js';
import { checkAction, checkEnvOptions, checkSeed, requireRunning, type BuiltinEnvOptions, type EpisodePhase } from './episode_guard.js';
import { expectInteger, expectOneOf, typeError } from '../validate.js';

/** Gymnasium's CartPole constants (SI units). */
export const cartPoleConstants = Object.freeze({
  gravity: 9.8,
  massCart: 1.0,
  massPole: 0.1,
  totalMass: 1.1,
  /** Half the pole's length: the distance from the pivot to the pole's centre of mass. */
  halfPoleLength: 0.5,
  poleMassLength: 0.05,
  forceMagnitude: 10.0,
  /** Seconds per step. */
  tau: 0.02,
  /** The episode terminates when |θ| exceeds 12 degrees ... */
  thetaThresholdRadians: (12 * 2 * Math.PI) / 360,
  /** ... or when the cart's centre leaves [−2.4, 2.4]. */
  xThreshold: 2.4,
  /** Each component of the initial state is drawn uniformly from [−0.05, 0.05). */
  initialStateBound: 0.05,
  maxEpisodeSteps: 500,
});

const FLOAT32_MAX = 3.4028234663852886e38;

/** A CartPole's full state for checkpoints: physics in float64, the episode's progress and the generator. */
export interface CartPoleSnapshot {
  /** [x, ẋ, θ, θ̇] in float64, or null before the first reset. */
  physics: [number, number, number, number] | null;
  steps: number;
  phase: EpisodePhase;
  random: ReturnType<Random['state']>;
}

/** CartPole-v1. Observation [x, ẋ, θ, θ̇] (float32); actions 0 = push left, 1 = push right; reward +1 per step. */
export class CartPole implements Env<Float32Array> {
  readonly id = 'CartPole-v1';
  /** BoxSpace has one bound for all dimensions, so it holds the widest (float32 max); see `observationBounds`. */
  readonly observationSpace: BoxSpace = { kind: 'box', shape: [4], dtype: 'float32', low: -FLOAT32_MAX, high: FLOAT32_MAX };
  /** Per-dimension bounds as Gymnasium declares them: ±[2·2.4, f32 max, 2·12°, f32 max]. */
  readonly observationBounds: { low: Float32Array; high: Float32Array };
  readonly actionSpace: DiscreteSpace = { kind: 'discrete', n: 2 };
  readonly maxEpisodeSteps: number;
  #random: Random;
  #state = new Float64Array(4);
  #steps = 0;
  #phase: EpisodePhase = 'unstarted';

  constructor(options?: BuiltinEnvOptions) {
    const checked = checkEnvOptions(options, ['seed', 'maxEpisodeSteps']);
    this.maxEpisodeSteps = checked.maxEpisodeSteps ?? cartPoleConstants.maxEpisodeSteps;
    this.#random = new Random(checked.seed ?? 0);
    const c = cartPoleConstants;
    const high = Float32Array.of(c.xThreshold * 2, FLOAT32_MAX, c.thetaThresholdRadians * 2, FLOAT32_MAX);
    this.observationBounds = { low: high.map((v) => -v), high };
  }

  reset(seed?: number): Float32Array {
    const checkedSeed = checkSeed(seed);
    if (checkedSeed !== undefined) this.#random = new Random(checkedSeed);
    const bound = cartPoleConstants.initialStateBound;
    for (let i = 0; i < 4; i++) this.#state[i] = this.#random.uniform(-bound, bound);
    this.#steps = 0;
    this.#phase = 'running';
    return Float32Array.from(this.#state);
  }

  step(action: number): StepResult<Float32Array> {
    checkAction(action, this.actionSpace.n);
    requireRunning(this.#phase, this.id);
    const c = cartPoleConstants;
    const s = this.#state;
    const [x, xDot, theta, thetaDot] = s;
    const force = action === 1 ? c.forceMagnitude : -c.forceMagnitude;
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);
    // Equations of motion of the cart-pole without friction (Florian 2007, "Correct equations for the dynamics
    // of the cart-pole system"), evaluated in Gymnasium's order so the float64 rounding is the same.
    const temp = (force + c.poleMassLength * thetaDot ** 2 * sinTheta) / c.totalMass;
    const thetaAcc = (c.gravity * sinTheta - cosTheta * temp) /
      (c.halfPoleLength * (4.0 / 3.0 - (c.massPole * cosTheta ** 2) / c.totalMass));
    const xAcc = temp - (c.poleMassLength * thetaAcc * cosTheta) / c.totalMass;
    // Explicit Euler: positions advance with the old velocities.
    s[0] = x + c.tau * xDot;
    s[1] = xDot + c.tau * xAcc;
    s[2] = theta + c.tau * thetaDot;
    s[3] = thetaDot + c.tau * thetaAcc;
    this.#steps++;

    const terminated = s[0] < -c.xThreshold || s[0] > c.xThreshold ||
      s[2] < -c.thetaThresholdRadians || s[2] > c.thetaThresholdRadians;
    const truncated = this.#steps >= this.maxEpisodeSteps;
    if (terminated || truncated) this.#phase = 'over';
    // +1 for every step, the terminating one included (Gymnasium's v1 reward).
    return { obs: Float32Array.from(s), reward: 1.0, terminated, truncated };
  }

  /** Steps taken in the current episode. */
  get episodeSteps(): number {
    return this.#steps;
  }

  /** The full state, for checkpoints. */
  snapshot(): CartPoleSnapshot {
    const [x, xDot, theta, thetaDot] = this.#state;
    return {
      physics: this.#phase === 'unstarted' ? null : [x, xDot, theta, thetaDot],
      steps: this.#steps,
      phase: this.#phase,
      random: this.#random.state(),
    };
  }

  /** Restores a snapshot: the env continues exactly as the one that took it. */
  restore(snapshot: CartPoleSnapshot): void {
    if (typeof snapshot !== 'object' || snapshot === null) throw typeError('a CartPoleSnapshot', 'snapshot', snapshot);
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
}
