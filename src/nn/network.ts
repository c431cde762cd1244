// Network: the typed face of the native network. A sequential stack of Conv2d / Linear / ReLU / Flatten /
// MaxPool / residual layers with forward, backward, an optimizer step and per-layer masks. Each weight layer runs
// dense, masked-dense or CSR kernels depending on how much of it is pruned (the 'auto' policy); callers never
// branch on that.
import {
  native, type LayerSpec, type ModelDevice, type NativeNetwork, type OptimizerSpec, type ParamInfo, type RepresentationPolicy,
} from '../native.js';
import {
  expectFinite, expectFloat32Array, expectInteger, expectLength, expectNumberIn, expectOneOf, expectUint8Array, expectZeroOne, typeError,
} from '../validate.js';

export type { LayerSpec, OptimizerSpec, ParamInfo, RepresentationPolicy };

export interface NetworkConfig {
  /** The layers, in order. */
  layers: LayerSpec[];
  /** One sample's shape: [features] or [height, width, channels] (NHWC). */
  inputShape: number[];
  /** Seeds PyTorch-style default initialisation (uniform ±1/√fan_in for weights and biases). */
  seed: number;
  /**
   * The device table every op runs through (default 'cpu'): 'cuda' needs a GPU (src/backends/device.ts chooses it
   * for `--device cuda`); 'cuda-emulated' runs the CUDA kernels on the host emulator (tests); 'cpu-reference' the
   * CPU's plain reference loops.
   */
  device?: ModelDevice;
}

// Set by Network's static block: the native object behind a Network, for the fused learner only.
let nativeOf: (network: Network) => NativeNetwork;

/** The native network behind `network` (src/agents/native_learner.ts passes it to native.Learner). Internal. */
export function nativeNetworkOf(network: Network): NativeNetwork {
  if (!(network instanceof Network)) throw typeError('a Network', 'network', network);
  return nativeOf(network);
}

export class Network {
  readonly config: NetworkConfig;
  #native: NativeNetwork;

  static {
    nativeOf = (network) => network.#native;
  }

  constructor(config: NetworkConfig) {
    if (typeof config !== 'object' || config === null) throw typeError('an object {layers, inputShape, seed}', 'config', config);
    if (!Array.isArray(config.layers)) throw typeError('an array of layer specs', 'config.layers', config.layers);
    if (!Array.isArray(config.inputShape)) throw typeError('an array', 'config.inputShape', config.inputShape);
    expectInteger(config.seed, 'config.seed', 0);
    this.config = structuredClone(config);
    this.#native = config.device === undefined
      ? new native.Network(config.layers, config.inputShape, config.seed)
      : new native.Network(config.layers, config.inputShape, config.seed, config.device);
  }

  /** A new network with the same layers (weights re-initialised from `seed`, default: the same seed). */
  cloneArchitecture(seed = this.config.seed): Network {
    return new Network({ ...this.config, seed });
  }

  get inputSize(): number {
    return this.config.inputShape.reduce((a, b) => a * b, 1);
  }
  get outputSize(): number {
    return this.#native.outputSize;
  }
  get disposed(): boolean {
    return this.#native.disposed;
  }

  /** Forward pass; x holds batch samples back to back. Returns [batch, outputSize]. */
  forward(x: Float32Array, batch: number): Float32Array {
    expectInteger(batch, 'batch', 1);
    expectLength(expectFloat32Array(x, 'x'), batch * this.inputSize, 'x', 'batch · input size');
    // The kernels propagate NaN as IEEE says, but a ReLU (max(0, x)) turns NaN into 0: refuse it at the input.
    expectFinite(x, 'x');
    return this.#native.forward(x, batch);
  }

  /**
   * Gradients of the last forward pass given dLoss/dOutput; overwrites the stored gradients. `dInput`, when given
   * ([batch, input size]), is overwritten with dLoss/dInput (a model built of several Networks chains through it).
   */
  backward(dOut: Float32Array, dInput?: Float32Array): void {
    if (dInput === undefined) this.#native.backward(expectFloat32Array(dOut, 'dOut'));
    else this.#native.backward(expectFloat32Array(dOut, 'dOut'), expectFloat32Array(dInput, 'dInput'));
  }

  setOptimizer(spec: OptimizerSpec): void {
    if (typeof spec !== 'object' || spec === null) throw typeError('an optimizer spec {type, lr, ...}', 'optimizer', spec);
    expectOneOf(spec.type, 'optimizer.type', ['adam', 'rmsprop', 'sgd'] as const);
    this.#native.setOptimizer(spec);
  }

  /** One optimizer step; pruned weights stay exactly zero. */
  step(): void {
    this.#native.step();
  }

  /** The weight layers (conv2d and linear) in order, with their size, kept count and representation. */
  params(): ParamInfo[] {
    return this.#native.params();
  }

  getWeight(index: number): Float32Array {
    return this.#native.getWeight(this.#layer(index));
  }
  setWeight(index: number, w: Float32Array): void {
    this.#native.setWeight(this.#layer(index), expectFloat32Array(w, 'w'));
  }
  getBias(index: number): Float32Array {
    return this.#native.getBias(this.#layer(index));
  }
  setBias(index: number, b: Float32Array): void {
    this.#native.setBias(this.#layer(index), expectFloat32Array(b, 'b'));
  }
  getMask(index: number): Uint8Array {
    return this.#native.getMask(this.#layer(index));
  }
  /** Removes weights where mask is 0; weights pruned earlier stay pruned. */
  setMask(index: number, mask: Uint8Array): void {
    expectZeroOne(expectUint8Array(mask, 'mask'), 'mask');
    this.#native.setMask(this.#layer(index), mask);
  }
  getWeightGrad(index: number): Float32Array {
    return this.#native.getWeightGrad(this.#layer(index));
  }
  getBiasGrad(index: number): Float32Array {
    return this.#native.getBiasGrad(this.#layer(index));
  }

  /** Magnitude-prunes each layer to its own sparsity (null leaves a layer as it is). */
  pruneLayers(sparsities: (number | null)[]): { thresholds: number[]; pruned: number } {
    if (!Array.isArray(sparsities)) throw typeError('an array of sparsities', 'sparsities', sparsities);
    sparsities.forEach((s, i) => s === null || expectNumberIn(s, `sparsities[${i}]`, 0, 1));
    const keptBefore = this.#keptWeights();
    const result = this.#native.pruneLayers(sparsities);
    return { thresholds: result.thresholds, pruned: keptBefore - this.#keptWeights() };
  }

  /** Magnitude-prunes the given layers together to one sparsity (global magnitude ranking). */
  pruneGlobal(sparsity: number, layers: number[] = this.params().map((p) => p.index)): { thresholds: number[]; pruned: number } {
    expectNumberIn(sparsity, 'sparsity', 0, 1);
    if (!Array.isArray(layers)) throw typeError('an array of layer indices', 'layers', layers);
    // A layer listed twice would enter the global ranking twice (and be counted twice in `pruned`).
    const repeated = layers.find((l, i) => layers.indexOf(l) !== i);
    if (repeated !== undefined) throw new RangeError(`Expected distinct layer indices for layers but received ${String(repeated)} more than once`);
    // `pruned` is measured as the change in kept weights, so it means what it says whatever was pruned before.
    const keptBefore = this.#keptWeights();
    const result = this.#native.pruneGlobal(sparsity, layers);
    return { thresholds: result.thresholds, pruned: keptBefore - this.#keptWeights() };
  }

  /** 'auto' (default) picks kernels by density; 'dense' | 'masked' | 'csr' force them (for tests and benchmarks). */
  setRepresentationPolicy(policy: RepresentationPolicy): void {
    this.#native.setRepresentationPolicy(expectOneOf(policy, 'policy', ['auto', 'dense', 'masked', 'csr'] as const));
  }

  /** Copies weights, biases and masks from a network with the same layers (the target-network update). */
  copyFrom(other: Network): void {
    if (!(other instanceof Network)) throw typeError('a Network', 'other', other);
    this.#native.copyFrom(other.#native);
  }

  /** Outputs of every ReLU in the last forward pass, in order ([batch, units] each). */
  activations(): Float32Array[] {
    return this.#native.activations();
  }

  getOptimizerState(): { step: number; tensors: Float32Array[] } {
    return this.#native.getOptimizerState();
  }
  setOptimizerState(state: { step: number; tensors: Float32Array[] }): void {
    if (typeof state !== 'object' || state === null) throw typeError('an optimizer state {step, tensors}', 'state', state);
    const { step, tensors } = state;
    expectInteger(step, 'state.step', 0);
    if (!Array.isArray(tensors)) throw typeError('an array of Float32Array', 'state.tensors', tensors);
    // As setWeight refuses them: NaN or Inf moments would turn every later step of the weights into NaN.
    const owned = tensors.map((t, i) => expectFinite(expectFloat32Array(t, `state.tensors[${i}]`), `state.tensors[${i}]`));
    this.#native.setOptimizerState({ step, tensors: owned });
  }

  #keptWeights(): number {
    return this.params().reduce((sum, p) => sum + p.kept, 0);
  }

  /** Sparsity over all weight layers (fraction of weights pruned). */
  sparsity(): number {
    const ps = this.params();
    const size = ps.reduce((a, p) => a + p.size, 0);
    const kept = ps.reduce((a, p) => a + p.kept, 0);
    return size === 0 ? 0 : 1 - kept / size;
  }

  dispose(): void {
    this.#native.dispose();
  }

  #layer(index: number): number {
    return expectInteger(index, 'index', 0, Math.max(0, this.#native.params().length - 1));
  }
}
