// The pruner: schedule × distribution applied to a Network (JaxPruner's split). On a pruning step it asks the
// schedule for the target sparsity and spreads it over the weight layers; magnitude is the score. Pruned weights
// never regrow (the native Network keeps them at zero and drops their optimizer state), so masks only ever grow.
//
// As JaxPruner ramps a per-layer distribution: the distribution (ERK, uniform) is solved once, at the schedule's
// final sparsity; at an intermediate target each layer's sparsity is its final one scaled by target / final (the
// schedule's fraction), so every layer follows the same cubic ramp from 0 to its final sparsity. 'global' ranks
// every layer's scores together; by default each score is |w| divided by its tensor's L2 norm (JaxPruner's
// default for global magnitude pruning), so that layers with large weights are not pruned last; 'raw' ranks |w|.
import type { Network } from '../nn/network.js';
import { native } from '../native.js';
import {
  layerSparsities, sparsityDistributions, type LayerSparsities, type SparsityDistribution,
} from './distribution.js';
import type { SparsitySchedule } from './schedule.js';
import { expectInteger, expectOneOf } from '../validate.js';

export interface PrunerOptions {
  schedule: SparsitySchedule;
  /** How the target is spread: 'erk' (the paper's), 'uniform' or 'global'. Default 'erk'. */
  distribution?: SparsityDistribution;
  /** Weight-layer indices (Network.params() order) to leave dense. Default none. */
  dense?: number[];
  /** Scores of 'global': |w| / ‖W_layer‖₂ ('l2', default, JaxPruner's) or |w| ('raw'). */
  globalScores?: GlobalScores;
}

/** What the pruner needs of a network: a Network, or a NetworkGroup of several (IQN's torso, τ-embedding, head). */
export type PrunableNetwork = Pick<Network, 'params' | 'getWeight' | 'pruneLayers' | 'pruneGlobal'>;

export type GlobalScores = 'l2' | 'raw';
export const globalScoreKinds: readonly GlobalScores[] = ['l2', 'raw'];

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
  readonly globalScores: GlobalScores;
  /** Each layer's sparsity at the schedule's final sparsity (null: dense, or the 'global' distribution). */
  readonly finalLayerSparsities: LayerSparsities | null;
  #network: PrunableNetwork;
  #lastTarget = 0;

  constructor(network: PrunableNetwork, options: PrunerOptions) {
    this.#network = network;
    this.schedule = options.schedule;
    this.distribution = expectOneOf(options.distribution ?? 'erk', 'distribution', sparsityDistributions);
    this.globalScores = expectOneOf(options.globalScores ?? 'l2', 'globalScores', globalScoreKinds);
    const params = network.params();
    this.dense = (options.dense ?? []).map((d, i) => expectInteger(d, `dense[${i}]`, 0, params.length - 1));
    this.finalLayerSparsities = this.distribution === 'global'
      ? null
      : layerSparsities(this.distribution, params, this.schedule.finalSparsity, { dense: this.dense });
  }

  /** Per-layer sparsities at an overall `target`: the final ones scaled by target / final sparsity. */
  layerSparsitiesAt(target: number): LayerSparsities {
    const final = this.finalLayerSparsities;
    if (!final) throw new RangeError("Expected a per-layer distribution ('erk' or 'uniform'); 'global' has no per-layer sparsities");
    const fraction = this.schedule.finalSparsity > 0 ? Math.min(1, target / this.schedule.finalSparsity) : 0;
    return final.map((s) => (s === null ? null : s * fraction));
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

  /**
   * Prunes the network at the schedule's `target`: per-layer distributions follow the ramp above; 'global' prunes
   * `target` of the weights of the layers not kept dense, ranked together.
   */
  apply(target: number): number {
    this.#lastTarget = target;
    const params = this.#network.params();
    if (this.distribution === 'global') {
      const layers = params.map((p) => p.index).filter((i) => !this.dense.includes(i));
      if (this.globalScores === 'raw') return this.#network.pruneGlobal(target, layers).pruned;
      return this.#network.pruneLayers(normalizedGlobalSparsities(this.#network, layers, target)).pruned;
    }
    return this.#network.pruneLayers(this.layerSparsitiesAt(target)).pruned;
  }
}

/**
 * Global magnitude pruning on L2-normalised scores, as per-layer sparsities: rank s = |w| / ‖W‖₂ over every chosen
 * layer, prune the round(target·n) smallest. Within a layer the order of s is the order of |w|, so pruning each
 * layer by magnitude to the count that falls under the global cut prunes exactly that set (ties at the cut go to
 * the earlier layers).
 */
export function normalizedGlobalSparsities(network: PrunableNetwork, layers: number[], target: number): LayerSparsities {
  const params = network.params();
  const scores = layers.map((index) => {
    const w = network.getWeight(index);
    let sq = 0;
    for (let i = 0; i < w.length; i++) sq += w[i] * w[i];
    const norm = Math.sqrt(sq);
    const s = new Float32Array(w.length);
    if (norm > 0) for (let i = 0; i < w.length; i++) s[i] = Math.abs(w[i]) / norm;
    return s;
  });
  const total = scores.reduce((n, s) => n + s.length, 0);
  const prune = Math.round(target * total);
  const sparsities: LayerSparsities = params.map(() => null);
  if (prune === 0) {
    for (const index of layers) sparsities[index] = 0;
    return sparsities;
  }
  const all = new Float32Array(total);
  let offset = 0;
  for (const s of scores) { all.set(s, offset); offset += s.length; }
  const cut = native.kthSmallestAbs(all, prune - 1); // the prune-th smallest score (k is 0-based; scores ≥ 0)
  const below = scores.map((s) => { let n = 0; for (let i = 0; i < s.length; i++) if (s[i] < cut) n++; return n; });
  let ties = prune - below.reduce((a, b) => a + b, 0);
  layers.forEach((index, k) => {
    let atCut = 0;
    for (let i = 0; i < scores[k].length; i++) if (scores[k][i] === cut) atCut++;
    const take = Math.min(atCut, ties);
    ties -= take;
    sparsities[index] = (below[k] + take) / scores[k].length;
  });
  return sparsities;
}
