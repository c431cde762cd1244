// The prunerl Env interface, declared here structurally (the same shapes as prunerl's src/envs/env.ts) so that this
// package needs neither a built prunerl nor a dependency on it: prunerl loads this package, never the reverse.
// Keep these in step with src/envs/env.ts of prunerl; TypeScript's structural typing makes them interchangeable.

/** A box of bytes: MinAtar's 10×10×C grid of 0/1 cells. */
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
  /** The episode ended inside the game (no bootstrapping from obs). */
  terminated: boolean;
  /** The episode was cut short from outside (never, in MinAtar: see README on Freeway's time limit). */
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

/** prunerl's `registerEnv`, which this package's `register` export receives. */
export type RegisterEnv = (id: string, factory: EnvFactory) => void;
