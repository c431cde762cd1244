// A value-based agent: an online Q-network, a target network copied from it when the trainer says (every
// `targetUpdateFrames` env steps) or, for library use, every `targetUpdatePeriod` updates, ε-greedy action
// selection, and one update rule — DQN's TD target (optionally Double DQN) or C51's distributional target (Rainbow).
// The update runs as one native call (native_learner.ts) by default; `learner: 'reference'` runs the TypeScript
// dqnUpdate / c51Update it is tested against. The replay buffer, the exploration schedule and the loop live in the trainer.
import { native, type ModelDevice } from '../native.js';
import { Network, type LayerSpec, type OptimizerSpec } from '../nn/network.js';
import type { Random } from '../random/random.js';
import type { ReplayBatch } from './replay/replay_buffer.js';
import { checkHead, headOutputs, qValues, type QHead } from './q_head.js';
import { dqnUpdate, type UpdateResult } from './dqn_update.js';
import { c51Update } from './c51_update.js';
import { NativeValueLearner } from './native_learner.js';
import { expectOneOf } from '../validate.js';

export interface ValueAgentOptions {
  /** The network's layers, ending in a linear layer of headOutputs(head) units. */
  layers: LayerSpec[];
  inputShape: number[];
  head: QHead;
  optimizer: OptimizerSpec;
  /** Double DQN / double C51 target. */
  double: boolean;
  loss: 'huber' | 'mse';
  /**
   * Updates between automatic copies of the online network into the target network. Leave it out when the caller
   * syncs with syncTarget() (the trainer does, every targetUpdateFrames env steps).
   */
  targetUpdatePeriod?: number;
  seed: number;
  /** 'native' (default): the fused native update; 'reference': the TypeScript dqnUpdate / c51Update. */
  learner?: 'native' | 'reference';
  /** The device table of the online and target networks (and so of the fused learner); default 'cpu'. */
  device?: ModelDevice;
}

export class ValueAgent {
  readonly head: QHead;
  readonly online: Network;
  readonly target: Network;
  readonly options: ValueAgentOptions;
  readonly #learner: NativeValueLearner | null;
  #updates = 0;

  constructor(options: ValueAgentOptions) {
    this.options = options;
    this.head = checkHead(options.head);
    const last = options.layers[options.layers.length - 1];
    if (!last || last.type !== 'linear' || last.out !== headOutputs(this.head)) {
      throw new RangeError(`Expected the last layer to be linear with ${headOutputs(this.head)} units for a ${this.head.kind} head`);
    }
    this.online = new Network({
      layers: options.layers, inputShape: options.inputShape, seed: options.seed,
      ...(options.device === undefined ? {} : { device: options.device }),
    });
    this.online.setOptimizer(options.optimizer);
    this.target = this.online.cloneArchitecture();
    this.target.copyFrom(this.online);
    const learner = expectOneOf(options.learner ?? 'native', 'learner', ['native', 'reference'] as const);
    this.#learner = learner === 'native'
      ? new NativeValueLearner(this.online, this.target, this.head, { double: options.double, loss: options.loss })
      : null;
  }

  get updates(): number {
    return this.#updates;
  }

  /** Q-values [batch, actions] of the online network. */
  qValues(obs: Float32Array, batch: number): Float32Array {
    return qValues(this.online.forward(obs, batch), batch, this.head);
  }

  /** The greedy action for one observation, or a uniform one with probability ε (drawn from rng). */
  act(obs: Float32Array, epsilon: number, rng: Random): number {
    if (epsilon > 0 && rng.uniform() < epsilon) return rng.integer(0, this.head.actions);
    return native.argmaxRows(this.qValues(obs, 1), 1, this.head.actions)[0];
  }

  /** One gradient step on a replay batch; copies the online network into the target when due. */
  update(batch: ReplayBatch): UpdateResult {
    const result = this.#learner ? this.#learner.update(batch) : this.head.kind === 'c51'
      ? c51Update(this.online, this.target, this.head, batch, this.options.double)
      : dqnUpdate(this.online, this.target, this.head, batch, { double: this.options.double, loss: this.options.loss });
    this.#updates++;
    const period = this.options.targetUpdatePeriod;
    if (period !== undefined && this.#updates % period === 0) this.syncTarget();
    return result;
  }

  /** Copies the online network into the target network. */
  syncTarget(): void {
    this.target.copyFrom(this.online);
  }

  /** For checkpoints: restores the update count (networks and optimizer state are restored separately). */
  setUpdates(updates: number): void {
    this.#updates = updates;
  }

  dispose(): void {
    this.#learner?.dispose();
    this.online.dispose();
    this.target.dispose();
  }
}
