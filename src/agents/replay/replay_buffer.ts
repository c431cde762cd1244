// The types shared by the replay buffers: what goes in (one env step), what comes out (a batch of n-step
// transitions, as Float32Arrays ready for the network), the options, and the checkpoint state.
import type { BoxSpace, Observation } from '../../envs/env.js';
import type { Random } from '../../random/random.js';
import { expectInteger, expectNumberIn, rangeError, typeError } from '../../validate.js';

/** One env step, as the agent saw it. */
export interface Transition<O extends Observation = Observation> {
  obs: O;
  action: number;
  reward: number;
  /** The observation after the step; for a truncated episode, the last one (it is bootstrapped from). */
  nextObs: O;
  terminated: boolean;
  truncated: boolean;
}

/**
 * A sampled batch of n-step transitions. With k = min(n, steps to the episode's end):
 *   rewards[b]   = Σ_{j<k} γ^j r_{t+j}       nextObs[b] = the observation k steps after obs[b]
 *   discounts[b] = γ^k                       dones[b]   = 1 if the episode terminated within those k steps
 * so the n-step target is rewards + discounts·(1 − dones)·max_a Q(nextObs, a).
 */
export interface ReplayBatch {
  batchSize: number;
  /** [batchSize, ...observation shape], converted to float32 (uint8 observations keep their 0..255 values). */
  obs: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  nextObs: Float32Array;
  dones: Float32Array;
  discounts: Float32Array;
  /** The slots sampled, for updatePriorities(). */
  indices: Int32Array;
  /** Importance-sampling weights (prioritized replay only); uniform replay leaves this undefined. */
  weights?: Float32Array;
}

/** Options common to the replay buffers. */
export interface ReplayBufferOptions {
  /** The number of transitions kept; the oldest is overwritten when full. An integer ≥ 1. */
  capacity: number;
  /** The env's observation space: its shape sets the size, its dtype the storage (uint8 stays uint8). */
  observationSpace: Pick<BoxSpace, 'shape' | 'dtype'>;
  /** Steps per return (n ≥ 1). Default 1. */
  nStep?: number;
  /** The discount γ in [0, 1] used for the n-step returns. Default 0.99. */
  gamma?: number;
}

/** What an agent needs from a replay buffer. */
export interface ReplayBuffer {
  readonly capacity: number;
  /** Transitions stored and available to sample. */
  readonly size: number;
  /** Records one env step of `stream` (one stream per env of a VectorEnv, so n-step returns never mix envs). */
  add(transition: Transition, stream?: number): void;
  sample(batchSize: number, rng: Random): ReplayBatch;
  /** Prioritized buffers only: sets new priorities for sampled slots. */
  updatePriorities?(indices: ArrayLike<number>, priorities: ArrayLike<number>): void;
}

/** The transitions of one stream still waiting for their n-step return (their episode continues). */
export interface PendingStreamState {
  stream: number;
  obs: Float32Array | Uint8Array;
  actions: Int32Array;
  rewards: Float64Array;
}

/** A replay buffer's contents for checkpoints: plain typed arrays and numbers. */
export interface ReplayState {
  kind: 'uniform' | 'prioritized';
  capacity: number;
  observationSize: number;
  observationDtype: 'float32' | 'uint8';
  nStep: number;
  gamma: number;
  size: number;
  /** The slot the next transition is written to. */
  next: number;
  obs: Float32Array | Uint8Array;
  nextObs: Float32Array | Uint8Array;
  actions: Int32Array;
  rewards: Float32Array;
  discounts: Float32Array;
  dones: Uint8Array;
  pending: PendingStreamState[];
  /** Prioritized only: each slot's priority^α, and the largest priority seen. */
  priorities?: Float64Array;
  maxPriority?: number;
  alpha?: number;
}

/** The options with defaults applied and checked. */
export interface ResolvedReplayOptions {
  capacity: number;
  observationSize: number;
  observationDtype: 'float32' | 'uint8';
  nStep: number;
  gamma: number;
}

/** Checks the options shared by both buffers and applies their defaults. */
export function resolveReplayOptions(options: ReplayBufferOptions): ResolvedReplayOptions {
  if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
  const capacity = expectInteger(options.capacity, 'capacity', 1);
  const space = options.observationSpace;
  if (typeof space !== 'object' || space === null || !Array.isArray(space.shape)) {
    throw typeError('an observation space with shape and dtype', 'observationSpace', space);
  }
  space.shape.forEach((d, i) => expectInteger(d, `observationSpace.shape[${i}]`, 1));
  if (space.dtype !== 'float32' && space.dtype !== 'uint8') {
    throw rangeError("'float32' or 'uint8'", 'observationSpace.dtype', space.dtype);
  }
  return {
    capacity,
    observationSize: space.shape.reduce((a, b) => a * b, 1),
    observationDtype: space.dtype,
    nStep: expectInteger(options.nStep ?? 1, 'nStep', 1),
    gamma: expectNumberIn(options.gamma ?? 0.99, 'gamma', 0, 1),
  };
}

/** Checks a batch size against what the buffer holds (sampling is with replacement, but never beyond size). */
export function checkBatchSize(batchSize: unknown, size: number): number {
  if (size === 0) throw new RangeError('Expected a non-empty replay buffer to sample from but it holds 0 transitions');
  return expectInteger(batchSize, 'batchSize', 1, size);
}

/** Checks that `rng` is a generator (a Random or anything with its uniform() and integer()). */
export function checkRandom(rng: unknown): Random {
  const candidate = rng as Partial<Random> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.integer !== 'function' || typeof candidate.uniform !== 'function') {
    throw typeError('a Random', 'rng', rng);
  }
  return rng as Random;
}
