// The pruner: schedule × distribution applied to a Network (JaxPruner's split). On a pruning step it asks the
// schedule for the target sparsity and spreads it over the weight layers; magnitude is the score. Pruned weights
// never regrow (the native Network keeps them at zero and drops their optimizer state), so masks only ever grow.
import type { Network } from '../nn/network.js';
import { layerSparsities, sparsityDistributions, type SparsityDistribution } from './distribution.js';
import type { SparsitySchedule } from './schedule.js';
import { expectInteger, expectOneOf } from '../validate.js';

export interface PrunerOptions {
  schedule: SparsitySchedule;
  /** How the target is spread: 'erk' (the paper's), 'uniform' or 'global'. Default 'erk'. */
  distribution?: SparsityDistribution;
  /** Weight-layer indices (Network.params() order) to leave dense. Default none. */
  dense?: number[];
}

export interface PruneEvent {
  step: number;
  target: number;
  /** Weights newly pruned at this step. */
  pruned: number;
}

export class Pruner {
  readonly schedule: SparsitySchedule;
  readonly distribution: SparsityDistribution;
  readonly dense: number[];
  #network: Network;
  #lastTarget = 0;

  constructor(network: Network, options: PrunerOptions) {
    this.#network = network;
    this.schedule = options.schedule;
    this.distribution = expectOneOf(options.distribution ?? 'erk', 'distribution', sparsityDistributions);
    const layers = network.params().length;
    this.dense = (options.dense ?? []).map((d, i) => expectInteger(d, `dense[${i}]`, 0, layers - 1));
  }

  /** The target sparsity most recently applied. */
  get lastTarget(): number {
    return this.#lastTarget;
  }

  /** Call after each training update with the number of updates done; prunes when the schedule says so. */
  onUpdate(step: number): PruneEvent | null {
    if (!this.schedule.isPruningStep(step)) return null;
    const target = this.schedule.sparsityAt(step);
    if (target <= 0) return null;
    return { step, target, pruned: this.apply(target) };
  }

  /** Prunes the network to `target` overall sparsity (over the layers not kept dense). */
  apply(target: number): number {
    this.#lastTarget = target;
    const params = this.#network.params();
    if (this.distribution === 'global') {
      const layers = params.map((p) => p.index).filter((i) => !this.dense.includes(i));
      return this.#network.pruneGlobal(target, layers).pruned;
    }
    const sparsities = layerSparsities(this.distribution, params, target, { dense: this.dense });
    return this.#network.pruneLayers(sparsities).pruned;
  }
}
