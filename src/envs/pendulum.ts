// Pendulum-v1, ported from Gymnasium (Farama-Foundation/Gymnasium, gymnasium/envs/classic_control/pendulum.py):
//   θ̇' = clip(θ̇ + (3g/(2l)·sin θ + 3/(m·l²)·u)·dt, −8, 8),  θ' = θ + θ̇'·dt       (semi-implicit Euler)
//   reward = −(normalize(θ)² + 0.1·θ̇² + 0.001·u²),  u = clip(action, −2, 2),  normalize(θ) ∈ [−π, π)
// Observation [cos θ, sin θ, θ̇] (float32); start θ ~ U(−π, π), θ̇ ~ U(−1, 1); never terminates; TimeLimit 200.
// The state is float64 as Gymnasium's numpy state; only the observation is rounded to float32.
import type { BoxSpace, StepResult } from './env.js';
import { Random } from '../random/random.js';
import { checkEnvOptions, checkSeed, requireRunning, type BuiltinEnvOptions, type EpisodePhase } from './episode_guard.js';
import { checkContinuousAction, type ActionBox, type ContinuousEnv } from './continuous_env.js';

export const pendulumConstants = Object.freeze({
  maxSpeed: 8, maxTorque: 2, dt: 0.05, gravity: 10, mass: 1, length: 1, maxEpisodeSteps: 200,
});

/** θ wrapped into [−π, π), as Gymnasium's angle_normalize ((x + π) mod 2π − π, Python's non-negative mod). */
export function angleNormalize(x: number): number {
  const twoPi = 2 * Math.PI;
  const m = (x + Math.PI) % twoPi;
  return (m < 0 ? m + twoPi : m) - Math.PI;
}

export class Pendulum implements ContinuousEnv {
  readonly id = 'Pendulum-v1';
  readonly observationSpace: BoxSpace = { kind: 'box', shape: [3], dtype: 'float32', low: -pendulumConstants.maxSpeed, high: pendulumConstants.maxSpeed };
  readonly actionSpace: ActionBox = { kind: 'box', shape: [1], low: Float32Array.of(-2), high: Float32Array.of(2) };
  readonly maxEpisodeSteps: number;
  #random: Random;
  #theta = 0;
  #thetaDot = 0;
  #steps = 0;
  #phase: EpisodePhase = 'unstarted';

  constructor(options?: BuiltinEnvOptions) {
    const checked = checkEnvOptions(options, ['seed', 'maxEpisodeSteps']);
    this.maxEpisodeSteps = checked.maxEpisodeSteps ?? pendulumConstants.maxEpisodeSteps;
    this.#random = new Random(checked.seed ?? 0);
  }

  reset(seed?: number): Float32Array {
    const checkedSeed = checkSeed(seed);
    if (checkedSeed !== undefined) this.#random = new Random(checkedSeed);
    this.#theta = this.#random.uniform(-Math.PI, Math.PI);
    this.#thetaDot = this.#random.uniform(-1, 1);
    this.#steps = 0;
    this.#phase = 'running';
    return this.#observation();
  }

  /** Sets the physical state directly (for tests against hand-computed steps and for checkpoints). */
  setState(theta: number, thetaDot: number): void {
    this.#theta = theta;
    this.#thetaDot = thetaDot;
    this.#steps = 0;
    this.#phase = 'running';
  }

  step(action: Float32Array | number[]): StepResult<Float32Array> {
    const a = checkContinuousAction(action, this.actionSpace);
    requireRunning(this.#phase, this.id);
    const c = pendulumConstants;
    // Gymnasium clips the float32 action array: the torque is a float32 value.
    const u = Math.fround(Math.min(c.maxTorque, Math.max(-c.maxTorque, a[0])));
    const th = this.#theta, thDot = this.#thetaDot;
    const cost = angleNormalize(th) ** 2 + 0.1 * thDot ** 2 + 0.001 * u ** 2;
    let newThDot = thDot + (3 * c.gravity / (2 * c.length) * Math.sin(th) + 3.0 / (c.mass * c.length ** 2) * u) * c.dt;
    newThDot = Math.min(c.maxSpeed, Math.max(-c.maxSpeed, newThDot));
    this.#theta = th + newThDot * c.dt;
    this.#thetaDot = newThDot;
    this.#steps++;
    const truncated = this.#steps >= this.maxEpisodeSteps;
    if (truncated) this.#phase = 'over';
    return { obs: this.#observation(), reward: -cost, terminated: false, truncated };
  }

  #observation(): Float32Array {
    return Float32Array.of(Math.cos(this.#theta), Math.sin(this.#theta), this.#thetaDot);
  }
}
