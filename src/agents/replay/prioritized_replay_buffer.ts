// Prioritized experience replay, proportional variant (Schaul et al. 2016), as Rainbow uses it: transition i is
// sampled with probability P(i) = p_i^α / Σ_k p_k^α, and its loss is scaled by the importance-sampling weight
// w_i = (N·P(i))^−β / max_j w_j, which undoes the bias of non-uniform sampling as β → 1.
import type { Random } from '../../random/random.js';
import { NStepAccumulator } from './n_step.js';
import {
  checkBatchSize, checkRandom, resolveReplayOptions,
  type ReplayBatch, type ReplayBuffer, type ReplayBufferOptions, type ReplayState, type Transition,
} from './replay_buffer.js';
import { SumTree } from './sum_tree.js';
import { TransitionStore } from './transition_store.js';
import { checkCompatible } from './uniform_replay_buffer.js';
import { expectInteger, expectNumberIn, rangeError, typeError } from '../../validate.js';

/** Options of the prioritized buffer. */
export interface PrioritizedReplayOptions extends ReplayBufferOptions {
  /** α in [0, 1]: how strongly priorities skew sampling (0 is uniform). Default 0.5, Rainbow's value. */
  alpha?: number;
}

/** A batch with its importance-sampling weights. */
export interface PrioritizedReplayBatch extends ReplayBatch {
  weights: Float32Array;
}

/**
 * A circular buffer sampled in proportion to priority^α through a sum tree. New transitions get the largest
 * priority seen so far (1 at first) so each is likely to be replayed at least once; the agent then sets
 * priorities from its TD errors with updatePriorities (pass |δ| + a small ε so none is 0). β is the caller's to
 * anneal (Schaul et al.: from β0 to 1 over training), given to each sample() call.
 */
export class PrioritizedReplayBuffer implements ReplayBuffer {
  readonly capacity: number;
  readonly nStep: number;
  readonly gamma: number;
  readonly alpha: number;
  readonly observationSize: number;
  readonly observationDtype: 'float32' | 'uint8';
  #store: TransitionStore;
  #nStep: NStepAccumulator;
  #tree: SumTree;
  #maxPriority = 1;

  constructor(options: PrioritizedReplayOptions) {
    const resolved = resolveReplayOptions(options);
    this.capacity = resolved.capacity;
    this.nStep = resolved.nStep;
    this.gamma = resolved.gamma;
    this.observationSize = resolved.observationSize;
    this.observationDtype = resolved.observationDtype;
    this.alpha = expectNumberIn(options.alpha ?? 0.5, 'alpha', 0, 1);
    this.#store = new TransitionStore(resolved);
    this.#nStep = new NStepAccumulator(resolved.nStep, resolved.gamma, resolved.observationSize, resolved.observationDtype);
    this.#tree = new SumTree(resolved.capacity);
  }

  get size(): number {
    return this.#store.size;
  }

  /** The largest priority set so far (before the exponent α); new transitions get it. */
  get maxPriority(): number {
    return this.#maxPriority;
  }

  /** Records one env step of `stream` (see UniformReplayBuffer.add for n-step timing). */
  add(transition: Transition, stream = 0): void {
    this.#nStep.check(transition, stream);
    this.#nStep.push(transition, stream, (obs, action, reward, nextObs, discount, done) => {
      const slot = this.#store.write(obs, action, reward, nextObs, discount, done);
      this.#tree.set(slot, this.#maxPriority ** this.alpha);
    });
  }

  /**
   * `batchSize` transitions sampled in proportion to priority^α, stratified: the total is cut into batchSize
   * equal segments and one transition is drawn from each (Schaul et al., App. B.2.1). `beta` in [0, 1] sets the
   * importance-sampling correction; weights are normalised by the batch's largest, as Dopamine's Rainbow does.
   */
  sample(batchSize: number, rng: Random, beta = 1): PrioritizedReplayBatch {
    checkBatchSize(batchSize, this.size);
    checkRandom(rng);
    expectNumberIn(beta, 'beta', 0, 1);
    const total = this.#tree.total;
    const segment = total / batchSize;
    const indices = new Int32Array(batchSize);
    const weights = new Float32Array(batchSize);
    const raw = new Float64Array(batchSize);
    let largest = 0;
    for (let b = 0; b < batchSize; b++) {
      const slot = this.#tree.find((b + rng.uniform()) * segment);
      indices[b] = slot;
      const probability = this.#tree.get(slot) / total;
      raw[b] = (this.size * probability) ** -beta;
      largest = Math.max(largest, raw[b]);
    }
    for (let b = 0; b < batchSize; b++) weights[b] = raw[b] / largest;
    return { ...this.#store.gather(indices), weights };
  }

  /** Sets the priorities (finite, > 0) of the given slots, e.g. |TD error| + ε for a batch just sampled. */
  updatePriorities(indices: ArrayLike<number>, priorities: ArrayLike<number>): void {
    if (typeof indices !== 'object' || indices === null) throw typeError('an array of slot indices', 'indices', indices);
    if (typeof priorities !== 'object' || priorities === null) throw typeError('an array of priorities', 'priorities', priorities);
    if (priorities.length !== indices.length) {
      throw rangeError(`${indices.length} priorities (one per index)`, 'priorities.length', priorities.length);
    }
    // Check everything before changing anything, so a bad call leaves the tree as it was.
    for (let i = 0; i < indices.length; i++) {
      expectInteger(indices[i], `indices[${i}]`, 0, this.size - 1);
      const p = priorities[i];
      if (typeof p !== 'number' || !(p > 0 && Number.isFinite(p))) throw rangeError('a finite number > 0', `priorities[${i}]`, p);
    }
    for (let i = 0; i < indices.length; i++) {
      this.#tree.set(indices[i], priorities[i] ** this.alpha);
      this.#maxPriority = Math.max(this.#maxPriority, priorities[i]);
    }
  }

  /** Slot `index`'s sampling probability P(i), for tests and diagnostics. */
  probability(index: number): number {
    expectInteger(index, 'index', 0, Math.max(0, this.size - 1));
    return this.#tree.get(index) / this.#tree.total;
  }

  /** The contents and priorities, for checkpoints (copies). */
  state(): ReplayState {
    return {
      kind: 'prioritized',
      capacity: this.capacity,
      observationSize: this.observationSize,
      observationDtype: this.observationDtype,
      nStep: this.nStep,
      gamma: this.gamma,
      ...this.#store.state(),
      pending: this.#nStep.state(),
      priorities: this.#tree.leaves(this.size),
      maxPriority: this.#maxPriority,
      alpha: this.alpha,
    };
  }

  /** Loads a state taken from a prioritized buffer with the same options. */
  restore(state: ReplayState): void {
    checkCompatible(state, 'prioritized', this);
    if (state.alpha !== this.alpha) throw rangeError(`${this.alpha} (this buffer's alpha)`, 'state.alpha', state.alpha);
    const maxPriority = state.maxPriority;
    if (typeof maxPriority !== 'number' || !(maxPriority > 0 && Number.isFinite(maxPriority))) {
      throw rangeError('a finite number > 0', 'state.maxPriority', maxPriority);
    }
    if (!(state.priorities instanceof Float64Array) || state.priorities.length !== state.size) {
      throw rangeError(`a Float64Array of ${state.size} priorities (one per stored transition)`, 'state.priorities', state.priorities);
    }
    // Check every part before changing any, so a bad state leaves the buffer as it was.
    const accumulator = new NStepAccumulator(this.nStep, this.gamma, this.observationSize, this.observationDtype);
    accumulator.restore(state.pending);
    const tree = new SumTree(this.capacity);
    tree.load(state.priorities);
    this.#store.restore(state);
    this.#nStep = accumulator;
    this.#tree = tree;
    this.#maxPriority = maxPriority;
  }
}
