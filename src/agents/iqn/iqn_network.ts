// The implicit quantile network (Dabney et al. 2018) as Dopamine's JAX ImplicitQuantileNetwork builds it:
//   φ(s)      = torso(s)                                  [B, D]      (a native Network: convs + flatten, or MLP layers)
//   ψ(τ)      = ReLU(Linear_D(cos(π·(1..64)·τ)))          [B, N, D]   (a native Network on the cosine features)
//   Z_τ(s, ·) = head(φ(s) ⊙ ψ(τ))                         [B, N, A]   (a native Network: Linear H, ReLU, Linear A)
// An architecture's layer list splits at its last hidden linear layer: everything before it is the torso, the
// rest (that layer, its ReLU and the output layer) the head, so for the conv nets the product sits after the
// flattened convolutions, exactly where Dopamine puts it, and the Dense-512 follows it.
//
// The product φ(s) ⊙ ψ(τ) and its gradients run natively (native.embeddingProduct*, bit-identical to the
// TypeScript loops in cosine_embedding.ts), and the head's input gradient dZ comes from the head's own backward.
// `reference: true` runs the TypeScript path instead — the loops, and dZ rebuilt from the head's two weight
// matrices and its ReLU output (nn/input_gradient.ts: dZ = ((dOut · W2) ⊙ 1[h > 0]) · W1) — which the tests compare
// against (bit for bit dense; ≤ 1e-5 relative when the head's first layer is CSR, whose fused backward sums in
// another order).
import { native, type LayerSpec, type OptimizerSpec } from '../../native.js';
import { linearStackInputGradient } from '../../nn/input_gradient.js';
import { Network } from '../../nn/network.js';
import { NetworkGroup } from '../../nn/network_group.js';
import { cosineFeatures, embeddingProduct, embeddingProductBackward, IQN_COSINES } from './cosine_embedding.js';

export interface IqnNetworkConfig {
  /** A whole architecture's layers (as for DQN), ending in Linear(H), ReLU, Linear(actions). */
  layers: LayerSpec[];
  inputShape: number[];
  seed: number;
  /** The TypeScript reference path for the τ-product and the head's input gradient (tests); default false. */
  reference?: boolean;
}

/** Splits an architecture at its last hidden linear layer: [torso, head]. */
export function splitIqnLayers(layers: LayerSpec[]): { torso: LayerSpec[]; head: LayerSpec[] } {
  const n = layers.length;
  const ok = n >= 4 && layers[n - 1].type === 'linear' && layers[n - 2].type === 'relu' && layers[n - 3].type === 'linear';
  if (!ok) throw new RangeError('Expected the network to end in linear, relu, linear for an IQN head (torso ⊙ ψ(τ) → linear → relu → linear)');
  return { torso: layers.slice(0, n - 3), head: layers.slice(n - 3) };
}

export class IqnNetwork {
  readonly config: IqnNetworkConfig;
  readonly torso: Network;
  readonly embedding: Network;
  readonly head: Network;
  readonly features: number;
  readonly actions: number;
  /** The three parts as one prunable model (for the Pruner: ERK is solved over all their weight layers). */
  readonly group: NetworkGroup;
  #last: { batch: number; quantiles: number; phi: Float32Array; psi: Float32Array } | null = null;
  // Scratch arrays reused across calls (the native Network copies its inputs, so none is held past a call).
  readonly #scratch = new Map<string, Float32Array>();

  constructor(config: IqnNetworkConfig) {
    this.config = structuredClone(config);
    const { torso, head } = splitIqnLayers(config.layers);
    // Distinct seeds per part, derived from the one seed, so the three parts do not start from correlated weights.
    this.torso = new Network({ layers: torso, inputShape: config.inputShape, seed: config.seed });
    this.features = this.torso.outputSize;
    this.embedding = new Network({ layers: [{ type: 'linear', out: this.features }, { type: 'relu' }], inputShape: [IQN_COSINES], seed: config.seed + 1 });
    this.head = new Network({ layers: head, inputShape: [this.features], seed: config.seed + 2 });
    this.actions = this.head.outputSize;
    this.group = new NetworkGroup(this.parts);
  }

  /** The three parts in a fixed order: the pruner, checkpoints and target copies walk them in this order. */
  get parts(): Network[] {
    return [this.torso, this.embedding, this.head];
  }

  cloneArchitecture(): IqnNetwork {
    return new IqnNetwork(this.config);
  }

  setOptimizer(spec: OptimizerSpec): void {
    for (const p of this.parts) p.setOptimizer(spec);
  }

  /** Quantile values Z_τ(s, a), [batch, quantiles, actions], for `quantiles` fractions τ per state ([batch, quantiles]). */
  forward(obs: Float32Array, batch: number, taus: Float32Array): Float32Array {
    const quantiles = taus.length / batch;
    if (!Number.isInteger(quantiles) || quantiles < 1) {
      throw new RangeError(`Expected taus to hold a whole number ≥ 1 of fractions per state (batch ${batch}) but received ${taus.length}`);
    }
    const phi = this.torso.forward(obs, batch);
    const psi = this.embedding.forward(cosineFeatures(taus, IQN_COSINES, this.#buffer('cosines', taus.length * IQN_COSINES)), batch * quantiles);
    const shape = { batch, quantiles, features: this.features }, zBuffer = this.#buffer('z', psi.length);
    const z = this.config.reference ? embeddingProduct(phi, psi, shape, zBuffer) : native.embeddingProduct(phi, psi, shape, zBuffer);
    this.#last = { batch, quantiles, phi, psi };
    return this.head.forward(z, batch * quantiles);
  }

  /** Gradients of the last forward() into all three parts, given dLoss/dZ [batch, quantiles, actions]. */
  backward(dOut: Float32Array): void {
    const last = this.#last;
    if (!last) throw new RangeError('Expected forward() before backward() on this IQN network');
    const rows = last.batch * last.quantiles;
    const shape = { batch: last.batch, quantiles: last.quantiles, features: this.features };
    const dEmbedding = this.#buffer('dEmbedding', last.psi.length);
    if (this.config.reference) {
      this.head.backward(dOut);
      const dZ = linearStackInputGradient(this.head, dOut, rows, (name, length) => this.#buffer(name, length));
      const { dState } = embeddingProductBackward(dZ, last.phi, last.psi, shape, dEmbedding);
      this.embedding.backward(dEmbedding);
      this.torso.backward(dState);
      return;
    }
    const dZ = this.#buffer('dZ', last.psi.length), dState = this.#buffer('dState', last.phi.length);
    this.head.backward(dOut, dZ);
    native.embeddingProductBackward(dZ, last.phi, last.psi, shape, dState, dEmbedding);
    this.embedding.backward(dEmbedding);
    this.torso.backward(dState);
  }

  /** A scratch array of `length` floats under `name`, kept for the next call of the same size. */
  #buffer(name: string, length: number): Float32Array {
    let b = this.#scratch.get(name);
    if (!b || b.length !== length) this.#scratch.set(name, (b = new Float32Array(length)));
    return b;
  }

  step(): void {
    for (const p of this.parts) p.step();
  }

  copyFrom(other: IqnNetwork): void {
    this.parts.forEach((p, i) => p.copyFrom(other.parts[i]));
  }

  /** Fraction of weights pruned over all three parts. */
  sparsity(): number {
    return this.group.sparsity();
  }

  dispose(): void {
    for (const p of this.parts) p.dispose();
  }
}
