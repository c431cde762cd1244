// How a network-wide target sparsity is spread over its weight layers (JaxPruner's sparsity_distributions).
// 'uniform' and 'erk' give each layer its own sparsity; 'global' ranks every layer's magnitudes together, so it has
// no per-layer sparsities to compute here: the pruner handles it (Network.pruneGlobal).
import { expectInteger, rangeError, typeError } from '../validate.js';

/** The ways of spreading sparsity over layers. */
export type SparsityDistribution = 'uniform' | 'erk' | 'global';

/** Every distribution, for CLI and config validation. */
export const sparsityDistributions: readonly SparsityDistribution[] = ['uniform', 'erk', 'global'];

/** A weight tensor to prune (biases are never pruned). Network.params() entries fit this shape. */
export interface LayerDescriptor {
  /** linear: [out, in]; conv2d: [outC, kH, kW, inC]. */
  shape: number[];
  /** The number of weights: the product of shape. */
  size: number;
  kind: 'linear' | 'conv2d';
}

/** Options shared by the distributions. */
export interface DistributionOptions {
  /** Indices (into the layers array) of layers to leave dense; they get null and do not count toward the target. */
  dense?: number[];
}

/** One sparsity per layer, in the layers' order: a number in [0, 1), or null for a layer left dense. */
export type LayerSparsities = (number | null)[];

function checkLayers(layers: readonly LayerDescriptor[]): void {
  if (!Array.isArray(layers)) throw typeError('an array of layer descriptors', 'layers', layers);
  if (layers.length === 0) throw rangeError('at least one layer', 'layers.length', 0);
  layers.forEach((layer, i) => {
    const name = `layers[${i}]`;
    if (typeof layer !== 'object' || layer === null) throw typeError('a layer descriptor', name, layer);
    const rank = layer.kind === 'linear' ? 2 : layer.kind === 'conv2d' ? 4 : 0;
    if (rank === 0) throw rangeError('one of linear, conv2d', `${name}.kind`, layer.kind);
    const shape: unknown = layer.shape;
    if (!Array.isArray(shape) || shape.length !== rank) {
      throw rangeError(`a shape of ${rank} dimensions for a ${layer.kind} layer`, `${name}.shape`, shape);
    }
    shape.forEach((d: unknown, k) => expectInteger(d, `${name}.shape[${k}]`, 1));
    const product = (shape as number[]).reduce((a, b) => a * b, 1);
    if (layer.size !== product) throw rangeError(`the product of the shape (${product})`, `${name}.size`, layer.size);
  });
}

function checkTarget(target: unknown): number {
  if (typeof target !== 'number') throw typeError('a number in [0, 1)', 'target', target);
  if (!(target >= 0 && target < 1)) throw rangeError('a number in [0, 1)', 'target', target);
  return target;
}

function denseSet(options: DistributionOptions | undefined, layerCount: number): Set<number> {
  const dense = options?.dense ?? [];
  if (!Array.isArray(dense)) throw typeError('an array of layer indices', 'dense', dense);
  dense.forEach((index, i) => expectInteger(index, `dense[${i}]`, 0, layerCount - 1));
  return new Set(dense);
}

/** Every prunable layer gets the target sparsity; layers in `dense` get null. */
export function uniformDistribution(layers: readonly LayerDescriptor[], target: number, options?: DistributionOptions): LayerSparsities {
  checkLayers(layers);
  checkTarget(target);
  const dense = denseSet(options, layers.length);
  return layers.map((_, i) => (dense.has(i) ? null : target));
}

/**
 * Erdős–Rényi-Kernel (Evci et al. 2020, "Rigging the Lottery"), as JaxPruner computes it
 * (google-research/jaxpruner, sparsity_distributions.get_sparsities_erdos_renyi with include_kernel=True):
 * layer l keeps a fraction ε·Σ(shape_l)/Π(shape_l) of its weights (conv kernel dims included), with ε solved so
 * the prunable layers keep (1 − target) of their weights in total. A layer whose density would exceed 1 is made
 * dense (sparsity 0) and ε is solved again over the rest, until every density fits. Small layers (a first conv,
 * a small Q head) therefore end up much denser than large ones. Layers in `dense` get null and are left out of
 * the count, as JaxPruner leaves out parameters its filter excludes.
 */
export function erkDistribution(layers: readonly LayerDescriptor[], target: number, options?: DistributionOptions): LayerSparsities {
  checkLayers(layers);
  checkTarget(target);
  const excluded = denseSet(options, layers.length);
  const prunable = layers.map((_, i) => i).filter((i) => !excluded.has(i));
  const rawDensity = layers.map((layer) => layer.shape.reduce((a, b) => a + b, 0) / layer.size);
  const madeDense = new Set<number>();
  let epsilon = 0;
  for (;;) {
    const free = prunable.filter((i) => !madeDense.has(i));
    if (free.length === 0) break;
    // ε·Σ_free raw_l·n_l + Σ_madeDense n_l = (1 − target)·Σ_prunable n_l, with zeros counted per layer as
    // floor(target·n_l), JaxPruner's rounding.
    let keptBudget = 0;
    let divisor = 0;
    for (const i of prunable) {
      const n = layers[i].size;
      const zeros = Math.floor(target * n);
      if (madeDense.has(i)) {
        keptBudget -= zeros;
      } else {
        keptBudget += n - zeros;
        divisor += rawDensity[i] * n;
      }
    }
    epsilon = keptBudget / divisor;
    if (!(epsilon > 0)) {
      throw rangeError('a target the layers not made dense can absorb', 'target', target);
    }
    const maxRaw = Math.max(...free.map((i) => rawDensity[i]));
    if (maxRaw * epsilon <= 1) break;
    for (const i of free) if (rawDensity[i] === maxRaw) madeDense.add(i);
  }
  return layers.map((_, i) => {
    if (excluded.has(i)) return null;
    if (madeDense.has(i)) return 0;
    return 1 - epsilon * rawDensity[i]; // in [0, 1): the loop ends only when every ε·raw ≤ 1, and ε·raw > 0
  });
}

/** Per-layer sparsities for 'uniform' or 'erk'. ('global' has none: prune with Network.pruneGlobal.) */
export function layerSparsities(
  kind: Exclude<SparsityDistribution, 'global'>,
  layers: readonly LayerDescriptor[],
  target: number,
  options?: DistributionOptions,
): LayerSparsities {
  if (kind === 'uniform') return uniformDistribution(layers, target, options);
  if (kind === 'erk') return erkDistribution(layers, target, options);
  if ((kind as string) === 'global') {
    throw rangeError("'uniform' or 'erk' ('global' ranks all layers together: use the pruner's global mode)", 'kind', kind);
  }
  throw rangeError('one of uniform, erk', 'kind', kind);
}
