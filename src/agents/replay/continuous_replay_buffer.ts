// A uniform replay buffer for continuous actions (SAC): a ring of one-step transitions whose actions are float
// vectors. SAC bootstraps one step (CleanRL's sac_continuous_action.py), so there is no n-step accumulator here:
// each step is stored as it comes, with done = terminated (a truncated episode is still bootstrapped from).
// Its state() has the layout of the discrete buffers' (actions as float32 [capacity, actionSize]), so checkpoints
// store it the same way.
import type { BoxSpace } from '../../envs/env.js';
import type { Random } from '../../random/random.js';
import type { ReplayBatch, ReplayState } from './replay_buffer.js';
import { checkBatchSize, checkRandom, resolveReplayOptions } from './replay_buffer.js';
import { expectInteger, rangeError, typeError } from '../../validate.js';

export interface ContinuousTransition {
  obs: Float32Array | Uint8Array;
  /** A Float32Array of actionSize values (typed wider so the trainer's one add() call serves every buffer). */
  action: Float32Array | number;
  reward: number;
  nextObs: Float32Array | Uint8Array;
  terminated: boolean;
  truncated: boolean;
}

/** A replay batch with the float actions [batch, actionSize] beside it (`actions` holds zeros). */
export interface ContinuousReplayBatch extends ReplayBatch {
  continuousActions: Float32Array;
}

export class ContinuousReplayBuffer {
  readonly capacity: number;
  readonly observationSize: number;
  readonly observationDtype: 'float32' | 'uint8';
  readonly actionSize: number;
  readonly gamma: number;
  #size = 0;
  #next = 0;
  #obs: Float32Array | Uint8Array;
  #nextObs: Float32Array | Uint8Array;
  #actions: Float32Array;
  #rewards: Float32Array;
  #dones: Uint8Array;

  constructor(options: { capacity: number; observationSpace: Pick<BoxSpace, 'shape' | 'dtype'>; actionSize: number; gamma?: number }) {
    const resolved = resolveReplayOptions({ capacity: options.capacity, observationSpace: options.observationSpace, gamma: options.gamma });
    this.capacity = resolved.capacity;
    this.observationSize = resolved.observationSize;
    this.observationDtype = resolved.observationDtype;
    this.gamma = resolved.gamma;
    this.actionSize = expectInteger(options.actionSize, 'actionSize', 1);
    const Obs = this.observationDtype === 'uint8' ? Uint8Array : Float32Array;
    this.#obs = new Obs(this.capacity * this.observationSize);
    this.#nextObs = new Obs(this.capacity * this.observationSize);
    this.#actions = new Float32Array(this.capacity * this.actionSize);
    this.#rewards = new Float32Array(this.capacity);
    this.#dones = new Uint8Array(this.capacity);
  }

  get size(): number {
    return this.#size;
  }

  add(t: ContinuousTransition): void {
    if (!(t.action instanceof Float32Array) || t.action.length !== this.actionSize) {
      throw typeError(`a Float32Array of ${this.actionSize} action values`, 'transition.action', t.action);
    }
    const i = this.#next, S = this.observationSize;
    this.#obs.set(t.obs, i * S);
    this.#nextObs.set(t.nextObs, i * S);
    this.#actions.set(t.action, i * this.actionSize);
    this.#rewards[i] = t.reward;
    this.#dones[i] = t.terminated ? 1 : 0;
    this.#next = (i + 1) % this.capacity;
    this.#size = Math.min(this.capacity, this.#size + 1);
  }

  sample(batchSize: number, rng: Random): ContinuousReplayBatch {
    const B = checkBatchSize(batchSize, this.#size), S = this.observationSize, D = this.actionSize;
    checkRandom(rng);
    const batch: ContinuousReplayBatch = {
      batchSize: B, obs: new Float32Array(B * S), nextObs: new Float32Array(B * S), actions: new Int32Array(B),
      rewards: new Float32Array(B), dones: new Float32Array(B), discounts: new Float32Array(B).fill(this.gamma),
      indices: new Int32Array(B), continuousActions: new Float32Array(B * D),
    };
    for (let b = 0; b < B; b++) {
      const i = rng.integer(0, this.#size);
      batch.indices[b] = i;
      batch.obs.set(this.#obs.subarray(i * S, (i + 1) * S), b * S);
      batch.nextObs.set(this.#nextObs.subarray(i * S, (i + 1) * S), b * S);
      batch.continuousActions.set(this.#actions.subarray(i * D, (i + 1) * D), b * D);
      batch.rewards[b] = this.#rewards[i];
      batch.dones[b] = this.#dones[i];
    }
    return batch;
  }

  state(): ReplayState {
    return {
      kind: 'uniform', capacity: this.capacity, observationSize: this.observationSize, observationDtype: this.observationDtype,
      nStep: 1, gamma: this.gamma, size: this.#size, next: this.#next,
      obs: this.#obs.slice(), nextObs: this.#nextObs.slice(),
      // Float actions in the slot the discrete buffers use for their Int32 ones: the checkpoint stores either.
      actions: this.#actions.slice() as unknown as Int32Array,
      rewards: this.#rewards.slice(), discounts: new Float32Array(this.capacity).fill(this.gamma), dones: this.#dones.slice(),
      pending: [],
    };
  }

  restore(state: ReplayState): void {
    const actions = state.actions as unknown;
    const ok = state.capacity === this.capacity && state.observationSize === this.observationSize
      && actions instanceof Float32Array && actions.length === this.capacity * this.actionSize
      && state.obs?.length === this.capacity * this.observationSize && state.nextObs?.length === this.capacity * this.observationSize
      && state.rewards?.length === this.capacity && state.dones?.length === this.capacity
      && Number.isInteger(state.size) && state.size >= 0 && state.size <= this.capacity
      && Number.isInteger(state.next) && state.next >= 0 && state.next < this.capacity;
    if (!ok) throw rangeError(`the state of a continuous replay buffer of capacity ${this.capacity} and ${this.actionSize}-dimensional actions`, 'state', state.kind);
    this.#obs = state.obs.slice(); this.#nextObs = state.nextObs.slice(); this.#actions = actions.slice();
    this.#rewards = state.rewards.slice(); this.#dones = state.dones.slice();
    this.#size = state.size; this.#next = state.next;
  }
}
