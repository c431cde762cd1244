// Experience replay with uniform sampling (Lin 1992; Mnih et al. 2015), with optional n-step returns.
import type { Random } from '../../random/random.js';
import { NStepAccumulator } from './n_step.js';
import {
  checkBatchSize, checkRandom, resolveReplayOptions,
  type ReplayBatch, type ReplayBuffer, type ReplayBufferOptions, type ReplayState, type Transition,
} from './replay_buffer.js';
import { TransitionStore } from './transition_store.js';
import { rangeError, typeError } from '../../validate.js';

/**
 * A circular buffer of the last `capacity` (n-step) transitions, sampled uniformly with replacement.
 * Observations are stored in the env's dtype (uint8 stays one byte) and returned as float32. See
 * transition_store.ts for the memory cost.
 */
export class UniformReplayBuffer implements ReplayBuffer {
  readonly capacity: number;
  readonly nStep: number;
  readonly gamma: number;
  readonly observationSize: number;
  readonly observationDtype: 'float32' | 'uint8';
  #store: TransitionStore;
  #nStep: NStepAccumulator;

  constructor(options: ReplayBufferOptions) {
    const resolved = resolveReplayOptions(options);
    this.capacity = resolved.capacity;
    this.nStep = resolved.nStep;
    this.gamma = resolved.gamma;
    this.observationSize = resolved.observationSize;
    this.observationDtype = resolved.observationDtype;
    this.#store = new TransitionStore(resolved);
    this.#nStep = new NStepAccumulator(resolved.nStep, resolved.gamma, resolved.observationSize, resolved.observationDtype);
  }

  get size(): number {
    return this.#store.size;
  }

  /**
   * Records one env step of `stream`. With nStep > 1 the transition is stored once its n-step return is known
   * (n − 1 steps later, or at its episode's end), so `size` lags the number of steps added by up to n − 1.
   */
  add(transition: Transition, stream = 0): void {
    this.#nStep.check(transition, stream);
    this.#nStep.push(transition, stream, (obs, action, reward, nextObs, discount, done) => {
      this.#store.write(obs, action, reward, nextObs, discount, done);
    });
  }

  /** `batchSize` transitions drawn uniformly with replacement from the `size` stored. */
  sample(batchSize: number, rng: Random): ReplayBatch {
    checkBatchSize(batchSize, this.size);
    checkRandom(rng);
    const indices = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) indices[b] = rng.integer(0, this.size);
    return this.#store.gather(indices);
  }

  /** The contents, for checkpoints (copies: later adds do not change a taken state). */
  state(): ReplayState {
    return {
      kind: 'uniform',
      capacity: this.capacity,
      observationSize: this.observationSize,
      observationDtype: this.observationDtype,
      nStep: this.nStep,
      gamma: this.gamma,
      ...this.#store.state(),
      pending: this.#nStep.state(),
    };
  }

  /** Loads a state taken from a buffer with the same options. */
  restore(state: ReplayState): void {
    checkCompatible(state, 'uniform', this);
    // The pending steps are checked into a fresh accumulator first, so a bad state leaves the buffer as it was.
    const accumulator = new NStepAccumulator(this.nStep, this.gamma, this.observationSize, this.observationDtype);
    accumulator.restore(state.pending);
    this.#store.restore(state);
    this.#nStep = accumulator;
  }
}

/** Refuses a state saved by a buffer of another kind, capacity, observation layout or return horizon. */
export function checkCompatible(
  state: ReplayState,
  kind: ReplayState['kind'],
  buffer: Pick<ReplayState, 'capacity' | 'observationSize' | 'observationDtype' | 'nStep' | 'gamma'>,
): void {
  if (typeof state !== 'object' || state === null) throw typeError('a ReplayState object', 'state', state);
  if (state.kind !== kind) throw rangeError(`a state of a ${kind} buffer`, 'state.kind', state.kind);
  for (const key of ['capacity', 'observationSize', 'observationDtype', 'nStep', 'gamma'] as const) {
    if (state[key] !== buffer[key]) throw rangeError(`${buffer[key]} (this buffer's ${key})`, `state.${key}`, state[key]);
  }
}
