// An IQN or M-IQN agent: online and target implicit quantile networks, ε-greedy acting on the mean of K sampled
// quantiles, and the update of iqn_update.ts. Constants default to the paper's (DESIGN.md): N = N' = 64, K = 32,
// κ = 1, 64 cosines; M-IQN τ = 0.03, α = 0.9, l0 = −1. The replay buffer, ε schedule and loop live in the caller.
import { native, type LayerSpec, type OptimizerSpec } from '../../native.js';
import { Random } from '../../random/random.js';
import type { ReplayBatch } from '../replay/replay_buffer.js';
import type { UpdateResult } from '../dqn_update.js';
import { IqnNetwork } from './iqn_network.js';
import { iqnUpdate, meanOverQuantiles, midpointTaus, uniformTaus } from './iqn_update.js';
import { munchausenDefaults, type MunchausenConstants } from './munchausen.js';

export interface IqnAgentOptions {
  layers: LayerSpec[];
  inputShape: number[];
  optimizer: OptimizerSpec;
  seed: number;
  /** Quantile samples N for the online network in an update (paper: 64). */
  quantiles?: number;
  /** Quantile samples N' for the target (paper: 64). */
  targetQuantiles?: number;
  /** Quantile samples K for acting (paper: 32). */
  actingQuantiles?: number;
  kappa?: number;
  /** true (or constants) for M-IQN. */
  munchausen?: boolean | MunchausenConstants;
  /** Updates between automatic target copies; leave out when the caller calls syncTarget(). */
  targetUpdatePeriod?: number;
}

export class IqnAgent {
  readonly online: IqnNetwork;
  readonly target: IqnNetwork;
  readonly options: IqnAgentOptions;
  readonly #munchausen: MunchausenConstants | null;
  // The τ samples have their own stream, so acting and updating stay reproducible from the seed alone.
  readonly #rng: Random;
  #updates = 0;

  constructor(options: IqnAgentOptions) {
    this.options = options;
    this.#munchausen = options.munchausen === true ? munchausenDefaults : options.munchausen ? options.munchausen : null;
    this.online = new IqnNetwork({ layers: options.layers, inputShape: options.inputShape, seed: options.seed });
    this.online.setOptimizer(options.optimizer);
    this.target = this.online.cloneArchitecture();
    this.target.copyFrom(this.online);
    this.#rng = new Random(options.seed * 2 + 1);
  }

  get updates(): number {
    return this.#updates;
  }

  get actions(): number {
    return this.online.actions;
  }

  /** Q-values [batch, actions]: the mean of K sampled quantiles per state. */
  qValues(obs: Float32Array, batch: number): Float32Array {
    const K = this.options.actingQuantiles ?? 32;
    return meanOverQuantiles(this.online.forward(obs, batch, uniformTaus(batch * K, this.#rng)), batch, K, this.actions);
  }

  /** Deterministic Q-values [batch, actions]: the mean of Z over the K midpoints τ_i = (i + 0.5)/K. */
  midpointQValues(obs: Float32Array, batch: number): Float32Array {
    const K = this.options.actingQuantiles ?? 32;
    return meanOverQuantiles(this.online.forward(obs, batch, midpointTaus(K, batch)), batch, K, this.actions);
  }

  act(obs: Float32Array, epsilon: number, rng: Random): number {
    if (epsilon > 0 && rng.uniform() < epsilon) return rng.integer(0, this.actions);
    return native.argmaxRows(this.qValues(obs, 1), 1, this.actions)[0];
  }

  update(batch: ReplayBatch): UpdateResult {
    const result = iqnUpdate(this.online, this.target, batch, {
      quantiles: this.options.quantiles ?? 64,
      targetQuantiles: this.options.targetQuantiles ?? 64,
      kappa: this.options.kappa ?? 1,
      munchausen: this.#munchausen,
    }, this.#rng);
    this.#updates++;
    const period = this.options.targetUpdatePeriod;
    if (period !== undefined && this.#updates % period === 0) this.syncTarget();
    return result;
  }

  syncTarget(): void {
    this.target.copyFrom(this.online);
  }

  setUpdates(updates: number): void {
    this.#updates = updates;
  }

  /** The τ stream's state, for checkpoints. */
  rngState(): ReturnType<Random['state']> {
    return this.#rng.state();
  }

  setRngState(state: ReturnType<Random['state']>): void {
    this.#rng.setState(state);
  }

  dispose(): void {
    this.online.dispose();
    this.target.dispose();
  }
}
