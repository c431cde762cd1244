// Diagnostics the paper reports alongside returns, computed on a probe batch of replay states.
//   τ-dormant neurons (Sokar et al. 2023, ReDo): a neuron is a dense unit or a conv *channel*; its score is
//     s_i = mean over the batch (and, for a channel, over every spatial position) of |h_i|,
//   divided by the mean score of its layer; it is dormant when that ratio is ≤ τ. The fraction is dormant neurons
//   over all neurons of the hidden ReLU layers, so a conv layer counts its channels, not its H·W·C elements.
//   srank (Kumar et al. 2021) of the penultimate features Φ [batch, units] with singular values σ_1 ≥ σ_2 ≥ …:
//     the smallest k with Σ_{i≤k} σ_i / Σ_i σ_i ≥ 1 − δ,  δ = 0.01; measured on at least as many states as units
//     (their code uses 2048), else the rank is capped by the probe batch instead of the features.
//   FLOPs of one update: 2 multiply-adds per kept weight per output position, for the target forward, the online
//   forward (twice with Double DQN) and the two backward products (dX and dW).
import { rangeError, typeError } from '../validate.js';

/** One layer's activations: [batch, units] or, channels last, [batch, height, width, channels]. */
export interface LayerActivations {
  data: Float32Array;
  shape: number[];
}

export interface DormantNeurons {
  /** Dormant neurons / all neurons, over every layer given. */
  overall: number;
  /** The dormant fraction of each layer, in order. */
  perLayer: number[];
}

function checkActivations(layer: LayerActivations, name: string): void {
  if (typeof layer !== 'object' || layer === null) throw typeError('{ data, shape }', name, layer);
  if (!(layer.data instanceof Float32Array)) throw typeError('a Float32Array', `${name}.data`, layer.data);
  const shape = layer.shape;
  if (!Array.isArray(shape) || (shape.length !== 2 && shape.length !== 4)) {
    throw rangeError('[batch, units] or [batch, height, width, channels]', `${name}.shape`, shape);
  }
  for (const d of shape) if (!Number.isInteger(d) || d < 1) throw rangeError('positive integer dimensions', `${name}.shape`, shape);
  const size = shape.reduce((a, b) => a * b, 1);
  if (layer.data.length !== size) throw rangeError(`${size} values (the product of the shape)`, `${name}.data.length`, layer.data.length);
}

/**
 * τ-dormant neurons as ReDo counts them (see the top of this file). A layer whose mean score is 0 (every neuron
 * silent) counts every neuron as dormant.
 */
export function dormantNeurons(layers: LayerActivations[], tau = 0.1): DormantNeurons {
  if (!Array.isArray(layers)) throw typeError('an array of { data, shape }', 'layers', layers);
  if (typeof tau !== 'number' || !(tau >= 0)) throw rangeError('a number ≥ 0', 'tau', tau);
  let dormant = 0, total = 0;
  const perLayer = layers.map((layer, index) => {
    checkActivations(layer, `layers[${index}]`);
    const neurons = layer.shape[layer.shape.length - 1];
    const rows = layer.data.length / neurons; // batch, or batch · height · width for a conv layer
    const score = new Float64Array(neurons);
    const h = layer.data;
    for (let r = 0; r < rows; r++) for (let i = 0; i < neurons; i++) score[i] += Math.abs(h[r * neurons + i]);
    let layerMean = 0;
    for (let i = 0; i < neurons; i++) layerMean += score[i] / neurons;
    let layerDormant = 0;
    for (let i = 0; i < neurons; i++) if (layerMean === 0 || score[i] / layerMean <= tau) layerDormant++;
    dormant += layerDormant;
    total += neurons;
    return layerDormant / neurons;
  });
  return { overall: total === 0 ? 0 : dormant / total, perLayer };
}

/** srank of a [rows, cols] feature matrix (singular values from the eigenvalues of the smaller Gram matrix). */
export function srank(features: Float32Array, rows: number, cols: number, delta = 0.01): number {
  const n = Math.min(rows, cols);
  const gram = new Float64Array(n * n);
  if (rows <= cols) {
    for (let i = 0; i < rows; i++) for (let j = i; j < rows; j++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += features[i * cols + k] * features[j * cols + k];
      gram[i * n + j] = gram[j * n + i] = s;
    }
  } else {
    for (let i = 0; i < cols; i++) for (let j = i; j < cols; j++) {
      let s = 0;
      for (let k = 0; k < rows; k++) s += features[k * cols + i] * features[k * cols + j];
      gram[i * n + j] = gram[j * n + i] = s;
    }
  }
  const sigma = symmetricEigenvalues(gram, n).map((e) => Math.sqrt(Math.max(0, e))).sort((a, b) => b - a);
  const total = sigma.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let partial = 0;
  for (let k = 0; k < n; k++) {
    partial += sigma[k];
    if (partial >= (1 - delta) * total) return k + 1;
  }
  return n;
}

/** Eigenvalues of a symmetric n×n matrix by cyclic Jacobi rotations (a is overwritten). */
export function symmetricEigenvalues(a: Float64Array, n: number): number[] {
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2;
    }
    if (off <= 1e-22 * diag || off === 0) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = a[p * n + q];
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) {
        const akp = a[k * n + p], akq = a[k * n + q];
        a[k * n + p] = c * akp - s * akq;
        a[k * n + q] = s * akp + c * akq;
      }
      for (let k = 0; k < n; k++) {
        const apk = a[p * n + k], aqk = a[q * n + k];
        a[p * n + k] = c * apk - s * aqk;
        a[q * n + k] = s * apk + c * aqk;
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]);
}
