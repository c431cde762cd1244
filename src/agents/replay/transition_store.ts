// The circular storage behind both replay buffers: one slot per (n-step) transition, in flat typed arrays.
//
// Memory per slot: 2 × observation size × (1 byte for uint8, 4 for float32) + 13 bytes (action, reward, discount:
// 4 each; done: 1). The next observation is stored explicitly rather than read from the following slot: that
// doubles the observation memory (MinAtar at capacity 100k: 2 × 400 bytes × 100k ≈ 80 MB for 4 channels), but it
// keeps each slot self-contained, so n-step returns, episode ends, several env streams writing into one buffer and
// the wrap-around need no bookkeeping to be correct.
import type { Observation } from '../../envs/env.js';
import type { ReplayBatch, ReplayState, ResolvedReplayOptions } from './replay_buffer.js';
import { expectInteger, rangeError, typeError } from '../../validate.js';

type ObservationArray = Float32Array | Uint8Array;

/** Circular arrays of transitions; writes go to `next` and overwrite the oldest slot once full. */
export class TransitionStore {
  readonly capacity: number;
  readonly observationSize: number;
  readonly observationDtype: 'float32' | 'uint8';
  #obs: ObservationArray;
  #nextObs: ObservationArray;
  #actions: Int32Array;
  #rewards: Float32Array;
  #discounts: Float32Array;
  #dones: Uint8Array;
  #size = 0;
  #next = 0;

  constructor(options: ResolvedReplayOptions) {
    this.capacity = options.capacity;
    this.observationSize = options.observationSize;
    this.observationDtype = options.observationDtype;
    this.#obs = this.#newObservations(this.capacity);
    this.#nextObs = this.#newObservations(this.capacity);
    this.#actions = new Int32Array(this.capacity);
    this.#rewards = new Float32Array(this.capacity);
    this.#discounts = new Float32Array(this.capacity);
    this.#dones = new Uint8Array(this.capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** The slot the next write goes to. */
  get next(): number {
    return this.#next;
  }

  /** Stores one transition and returns its slot. */
  write(obs: Observation, action: number, reward: number, nextObs: Observation, discount: number, done: boolean): number {
    const slot = this.#next;
    const offset = slot * this.observationSize;
    this.#obs.set(obs, offset);
    this.#nextObs.set(nextObs, offset);
    this.#actions[slot] = action;
    this.#rewards[slot] = reward;
    this.#discounts[slot] = discount;
    this.#dones[slot] = done ? 1 : 0;
    this.#next = (slot + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
    return slot;
  }

  /** Copies the given slots into a fresh batch, observations converted to float32. */
  gather(indices: Int32Array): ReplayBatch {
    const batchSize = indices.length;
    const size = this.observationSize;
    const batch: ReplayBatch = {
      batchSize,
      obs: new Float32Array(batchSize * size),
      actions: new Int32Array(batchSize),
      rewards: new Float32Array(batchSize),
      nextObs: new Float32Array(batchSize * size),
      dones: new Float32Array(batchSize),
      discounts: new Float32Array(batchSize),
      indices,
    };
    for (let b = 0; b < batchSize; b++) {
      const slot = indices[b];
      // TypedArray.set converts element types, so uint8 observations become float32 values 0..255 here.
      batch.obs.set(this.#obs.subarray(slot * size, (slot + 1) * size), b * size);
      batch.nextObs.set(this.#nextObs.subarray(slot * size, (slot + 1) * size), b * size);
      batch.actions[b] = this.#actions[slot];
      batch.rewards[b] = this.#rewards[slot];
      batch.dones[b] = this.#dones[slot];
      batch.discounts[b] = this.#discounts[slot];
    }
    return batch;
  }

  /** Copies of the filled slots (slots ≥ size are empty until the first wrap), for checkpoints. */
  state(): Pick<ReplayState, 'size' | 'next' | 'obs' | 'nextObs' | 'actions' | 'rewards' | 'discounts' | 'dones'> {
    const filled = this.#size;
    const obsLength = filled * this.observationSize;
    return {
      size: filled,
      next: this.#next,
      obs: this.#obs.slice(0, obsLength),
      nextObs: this.#nextObs.slice(0, obsLength),
      actions: this.#actions.slice(0, filled),
      rewards: this.#rewards.slice(0, filled),
      discounts: this.#discounts.slice(0, filled),
      dones: this.#dones.slice(0, filled),
    };
  }

  /** Loads slots saved by `state()` from a store with the same capacity and observation layout. */
  restore(state: ReplayState): void {
    const size = expectInteger(state.size, 'state.size', 0, this.capacity);
    const next = expectInteger(state.next, 'state.next', 0, this.capacity - 1);
    if (size < this.capacity && next !== size) {
      throw rangeError(`next = size (${size}) until the buffer first fills`, 'state.next', next);
    }
    const expectedObs = this.observationDtype === 'uint8' ? Uint8Array : Float32Array;
    const arrays = [
      ['obs', state.obs, expectedObs, size * this.observationSize],
      ['nextObs', state.nextObs, expectedObs, size * this.observationSize],
      ['actions', state.actions, Int32Array, size],
      ['rewards', state.rewards, Float32Array, size],
      ['discounts', state.discounts, Float32Array, size],
      ['dones', state.dones, Uint8Array, size],
    ] as const;
    for (const [name, array, type, length] of arrays) {
      if (!(array instanceof type)) throw typeError(type.name, `state.${name}`, array);
      if (array.length !== length) throw rangeError(`${length} elements`, `state.${name}.length`, array.length);
    }
    for (const array of [this.#obs, this.#nextObs, this.#actions, this.#rewards, this.#discounts, this.#dones]) array.fill(0);
    this.#obs.set(state.obs);
    this.#nextObs.set(state.nextObs);
    this.#actions.set(state.actions);
    this.#rewards.set(state.rewards);
    this.#discounts.set(state.discounts);
    this.#dones.set(state.dones);
    this.#size = size;
    this.#next = next;
  }

  #newObservations(count: number): ObservationArray {
    const length = count * this.observationSize;
    return this.observationDtype === 'uint8' ? new Uint8Array(length) : new Float32Array(length);
  }
}
