// The environment interface, Gymnasium-style, that agents train on. Users implement it for their own tasks.

/** A box of real values (CartPole's state) or of bytes (MinAtar's grid). `shape` is the observation's layout. */
export interface BoxSpace {
  kind: 'box';
  shape: number[];
  dtype: 'float32' | 'uint8';
  low: number;
  high: number;
}

/** Actions 0..n−1. */
export interface DiscreteSpace {
  kind: 'discrete';
  n: number;
}

export type Observation = Float32Array | Uint8Array;

export interface StepResult<O extends Observation = Observation> {
  obs: O;
  reward: number;
  /** The episode ended inside the task (the pole fell, the game was lost): no bootstrapping from obs. */
  terminated: boolean;
  /** The episode was cut short from outside (a time limit): obs is still a valid state to bootstrap from. */
  truncated: boolean;
}

export interface Env<O extends Observation = Observation> {
  readonly id: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  /** Starts an episode. A seed re-seeds the env's own random source; without one it continues its stream. */
  reset(seed?: number): O;
  step(action: number): StepResult<O>;
  close?(): void;
}

export interface EnvOptions {
  seed?: number;
  [key: string]: unknown;
}

export type EnvFactory = (options?: EnvOptions) => Env;
