// MountainCarContinuous-v0, ported from Gymnasium (Farama-Foundation/Gymnasium,
// gymnasium/envs/classic_control/continuous_mountain_car.py):
//   force = clip(a, −1, 1);  v' = clip(v + force·0.0015 − 0.0025·cos(3x), −0.07, 0.07);  x' = clip(x + v', −1.2, 0.6)
//   (v' = 0 when x' hits −1.2 moving left);  terminated when x' ≥ 0.45 and v' ≥ 0
//   reward = 100·terminated − 0.1·a²  (the unclipped action, as Gymnasium);  TimeLimit 999
// Start x ~ U(−0.6, −0.4), v = 0. Gymnasium stores the state as float32 after every step; so does this port.
import type { BoxSpace, StepResult } from './env.js';
import { Random } from '../random/random.js';
import { checkEnvOptions, checkSeed, requireRunning, type BuiltinEnvOptions, type EpisodePhase } from './episode_guard.js';
import { checkContinuousAction, type ActionBox, type ContinuousEnv } from './continuous_env.js';

export const mountainCarContinuousConstants = Object.freeze({
  minAction: -1, maxAction: 1, minPosition: -1.2, maxPosition: 0.6, maxSpeed: 0.07, goalPosition: 0.45,
  goalVelocity: 0, power: 0.0015, maxEpisodeSteps: 999,
});

export class MountainCarContinuous implements ContinuousEnv {
  readonly id = 'MountainCarContinuous-v0';
  readonly observationSpace: BoxSpace = { kind: 'box', shape: [2], dtype: 'float32', low: -1.2, high: 0.6 };
  readonly actionSpace: ActionBox = { kind: 'box', shape: [1], low: Float32Array.of(-1), high: Float32Array.of(1) };
  readonly maxEpisodeSteps: number;
  #random: Random;
  #state = new Float32Array(2);
  #steps = 0;
  #phase: EpisodePhase = 'unstarted';

  constructor(options?: BuiltinEnvOptions) {
    const checked = checkEnvOptions(options, ['seed', 'maxEpisodeSteps']);
    this.maxEpisodeSteps = checked.maxEpisodeSteps ?? mountainCarContinuousConstants.maxEpisodeSteps;
    this.#random = new Random(checked.seed ?? 0);
  }

  reset(seed?: number): Float32Array {
    const checkedSeed = checkSeed(seed);
    if (checkedSeed !== undefined) this.#random = new Random(checkedSeed);
    this.setState(this.#random.uniform(-0.6, -0.4), 0);
    return Float32Array.from(this.#state);
  }

  /** Sets position and velocity directly (for tests against hand-computed steps and for checkpoints). */
  setState(position: number, velocity: number): void {
    this.#state[0] = position;
    this.#state[1] = velocity;
    this.#steps = 0;
    this.#phase = 'running';
  }

  step(action: Float32Array | number[]): StepResult<Float32Array> {
    const a = checkContinuousAction(action, this.actionSpace);
    requireRunning(this.#phase, this.id);
    const c = mountainCarContinuousConstants;
    const raw = Math.fround(a[0]);
    let position = this.#state[0], velocity = this.#state[1];
    const force = Math.min(Math.max(raw, c.minAction), c.maxAction);
    velocity += force * c.power - 0.0025 * Math.cos(3 * position);
    velocity = Math.min(c.maxSpeed, Math.max(-c.maxSpeed, velocity));
    position += velocity;
    position = Math.min(c.maxPosition, Math.max(c.minPosition, position));
    if (position === c.minPosition && velocity < 0) velocity = 0;
    const terminated = position >= c.goalPosition && velocity >= c.goalVelocity;
    const reward = (terminated ? 100 : 0) - raw ** 2 * 0.1;
    this.#state[0] = position;
    this.#state[1] = velocity;
    this.#steps++;
    const truncated = this.#steps >= this.maxEpisodeSteps; // TimeLimit: set even on the terminating step
    if (terminated || truncated) this.#phase = 'over';
    return { obs: Float32Array.from(this.#state), reward, terminated, truncated };
  }
}
