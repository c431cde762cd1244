// Several native Networks pruned as one: their weight layers numbered in order (the first network's layers, then
// the second's, …), so ERK, uniform and global distributions are solved over all of them together, as JaxPruner
// solves them over every kernel of a model. IQN's torso, τ-embedding and head are three Networks of one model.
import { native } from '../native.js';
import type { Network, ParamInfo } from './network.js';
import { expectNumberIn, rangeError, typeError } from '../validate.js';

export class NetworkGroup {
  readonly networks: readonly Network[];

  constructor(networks: Network[]) {
    if (!Array.isArray(networks) || networks.length === 0) throw typeError('a non-empty array of Networks', 'networks', networks);
    this.networks = [...networks];
  }

  /** Where group layer `index` lives: [network, its own layer index]. */
  #locate(index: number): [Network, number] {
    let offset = 0;
    for (const net of this.networks) {
      const count = net.params().length;
      if (Number.isInteger(index) && index >= offset && index < offset + count) return [net, index - offset];
      offset += count;
    }
    throw rangeError(`an integer in [0, ${offset - 1}]`, 'index', index);
  }

  /** Every network's weight layers, renumbered in group order. */
  params(): ParamInfo[] {
    const out: ParamInfo[] = [];
    for (const net of this.networks) for (const p of net.params()) out.push({ ...p, index: out.length });
    return out;
  }

  getWeight(index: number): Float32Array {
    const [net, own] = this.#locate(index);
    return net.getWeight(own);
  }

  /** Per-layer magnitude pruning, one sparsity (or null) per group layer. */
  pruneLayers(sparsities: (number | null)[]): { thresholds: number[]; pruned: number } {
    const total = this.params().length;
    if (!Array.isArray(sparsities) || sparsities.length !== total) {
      throw rangeError(`an array of ${total} sparsities (one per weight layer)`, 'sparsities', sparsities);
    }
    let offset = 0, pruned = 0;
    const thresholds: number[] = [];
    for (const net of this.networks) {
      const count = net.params().length;
      const result = net.pruneLayers(sparsities.slice(offset, offset + count));
      thresholds.push(...result.thresholds);
      pruned += result.pruned;
      offset += count;
    }
    return { thresholds, pruned };
  }

  /**
   * Global magnitude pruning across networks: |w| of the chosen layers ranked together, the round(sparsity·n)
   * smallest pruned (ties at the cut go to earlier layers), done as per-layer pruning to the counts under the cut.
   */
  pruneGlobal(sparsity: number, layers: number[] = this.params().map((p) => p.index)): { thresholds: number[]; pruned: number } {
    expectNumberIn(sparsity, 'sparsity', 0, 1);
    const weights = layers.map((i) => this.getWeight(i));
    const n = weights.reduce((a, w) => a + w.length, 0);
    const prune = Math.round(sparsity * n);
    const sparsities: (number | null)[] = this.params().map(() => null);
    if (prune === 0) {
      for (const i of layers) sparsities[i] = 0;
      return this.pruneLayers(sparsities);
    }
    const all = new Float32Array(n);
    let offset = 0;
    for (const w of weights) { all.set(w, offset); offset += w.length; }
    const cut = native.kthSmallestAbs(all, prune - 1);
    let ties = prune;
    const below = weights.map((w) => { let c = 0; for (let i = 0; i < w.length; i++) if (Math.abs(w[i]) < cut) c++; ties -= c; return c; });
    layers.forEach((index, k) => {
      let atCut = 0;
      for (let i = 0; i < weights[k].length; i++) if (Math.abs(weights[k][i]) === cut) atCut++;
      const take = Math.min(atCut, ties);
      ties -= take;
      sparsities[index] = (below[k] + take) / weights[k].length;
    });
    return this.pruneLayers(sparsities);
  }

  /** Fraction of all weights pruned. */
  sparsity(): number {
    const ps = this.params();
    const size = ps.reduce((a, p) => a + p.size, 0);
    return size === 0 ? 0 : 1 - ps.reduce((a, p) => a + p.kept, 0) / size;
  }
}
