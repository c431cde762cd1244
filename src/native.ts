// The one file that loads the native addon and gives it types. Everything else imports from here.
// Contracts: every function is synchronous; wrong types throw TypeError, wrong values RangeError, in the format
// "Expected <what> for <name> but received <what it got>". Outputs are fresh arrays unless marked "in place".
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type DType = 'float32' | 'int32' | 'uint8';
export type SimdLevel = 'portable' | 'avx2' | 'avx512';

/** A native tensor that owns its memory; `data` is a view of it (no copy). */
export interface NativeTensor {
  readonly dtype: DType;
  readonly shape: number[];
  readonly size: number;
  readonly data: Float32Array | Int32Array | Uint8Array;
  readonly disposed: boolean;
  dispose(): void;
}

/** Native CSR matrix W[rows, cols] (rows = output features). */
export interface NativeCsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  readonly disposed: boolean;
  /** Copies of the structure and values. */
  rowPtr(): Int32Array;
  colIdx(): Int32Array;
  values(): Float32Array;
  toDense(): Float32Array;
  dispose(): void;
}

export interface GemmOptions {
  m: number; n: number; k: number;
  transA?: boolean; transB?: boolean;
  alpha?: number; beta?: number;
}
export interface LinearShape { batch: number; inFeatures: number; outFeatures: number }
export interface Conv2dShape {
  batch: number; height: number; width: number; inChannels: number; outChannels: number;
  kernel: number; stride?: number; padding?: number;
}
export interface Pool2dShape {
  batch: number; height: number; width: number; channels: number;
  kernel: number; stride?: number; padding?: number;
}
export interface LossResult { loss: number; grad: Float32Array }
export interface AdamOptions { lr: number; beta1: number; beta2: number; eps: number; step: number }
/** momentum > 0 (PyTorch's RMSprop momentum, in [0, 1)) needs a momentumBuffer; 0 or absent is the plain step. */
export interface RmspropOptions { lr: number; alpha: number; eps: number; centered: boolean; momentum?: number }
export type PruneScope = 'layer' | 'global';

/** Layer specs for the native Network; activations are NHWC for conv stacks, [batch, features] for linear. */
export type LayerSpec =
  | { type: 'linear'; out: number }
  | { type: 'conv2d'; out: number; kernel: number; stride?: number; padding?: number }
  | { type: 'relu' }
  | { type: 'flatten' }
  | { type: 'maxpool2d'; kernel: number; stride?: number; padding?: number }
  | { type: 'residual'; body: LayerSpec[] };

/** Batch B, online quantiles N and target samples N' of the IQN quantile Huber loss. */
export interface QuantileHuberLossShape { batch: number; quantiles: number; targetQuantiles: number }

/** Batch B, quantiles per state N, features D of the IQN embedding product. */
export interface EmbeddingProductShape { batch: number; quantiles: number; features: number }
/** The value-head ops' shape (native/ops/value_head.h): atoms for the C51 ops, vMin/vMax where the support is used. */
export interface ValueHeadShape { batch: number; actions: number; atoms?: number; vMin?: number; vMax?: number }
/** The C51 support z_j = vMin + j·(vMax − vMin)/(atoms − 1). */
export interface C51Support { atoms: number; vMin: number; vMax: number }

/** The device tables a Network or Learner can run on (ops/device_ops.h); CUDA ones only where built. */
export type ModelDevice = 'cpu' | 'cpu-reference' | 'cuda' | 'cuda-emulated';
export type Representation = 'dense' | 'masked' | 'csr';
export type RepresentationPolicy = 'auto' | Representation;
export type OptimizerSpec =
  | { type: 'adam'; lr: number; beta1?: number; beta2?: number; eps?: number }
  | { type: 'rmsprop'; lr: number; alpha?: number; eps?: number; centered?: boolean; momentum?: number }
  | { type: 'sgd'; lr: number };

/** One weight layer (conv2d or linear) of a Network, in construction order. */
export interface ParamInfo {
  index: number;
  kind: 'linear' | 'conv2d';
  /** linear: [out, in]; conv2d: [outC, kH, kW, inC] */
  shape: number[];
  size: number;
  /** weights kept (mask 1) */
  kept: number;
  representation: Representation;
}

export interface NativeNetwork {
  readonly inputShape: number[];
  readonly outputSize: number;
  readonly disposed: boolean;
  /** Forward pass for a batch; x has batch·prod(inputShape) entries. Keeps activations for backward(). */
  forward(x: Float32Array, batch: number): Float32Array;
  /** Backward pass of the last forward(); dOut has batch·outputSize entries. Overwrites the gradients. */
  /** dInput (optional, [batch, input size]) receives dLoss/dInput of the last forward (overwritten). */
  backward(dOut: Float32Array, dInput?: Float32Array): void;
  setOptimizer(spec: OptimizerSpec): void;
  /** One optimizer step with the current gradients; pruned weights stay zero. */
  step(): void;
  params(): ParamInfo[];
  getWeight(index: number): Float32Array;
  setWeight(index: number, w: Float32Array): void;
  getBias(index: number): Float32Array;
  setBias(index: number, b: Float32Array): void;
  getMask(index: number): Uint8Array;
  /** Sets a layer's mask (weights at 0-entries become 0, never regrow); representation re-chosen. */
  setMask(index: number, mask: Uint8Array): void;
  getWeightGrad(index: number): Float32Array;
  getBiasGrad(index: number): Float32Array;
  /** Magnitude-prune each layer to its own sparsity (null: leave it). */
  pruneLayers(sparsities: (number | null)[]): { thresholds: number[]; pruned: number };
  /** Magnitude-prune the chosen layers together to one global sparsity. */
  pruneGlobal(sparsity: number, layers: number[]): { thresholds: number[]; pruned: number };
  setRepresentationPolicy(policy: RepresentationPolicy): void;
  /** Copies weights, biases, masks (not optimizer state) from a network of the same spec: the target-network sync. */
  copyFrom(other: NativeNetwork): void;
  /** Output of every activation layer (ReLU) of the last forward, for dormant-neuron and srank metrics. */
  activations(): Float32Array[];
  /** Optimizer state as named flat arrays (dense layout) and the step count, for checkpoints. */
  getOptimizerState(): { step: number; tensors: Float32Array[] };
  setOptimizerState(state: { step: number; tensors: Float32Array[] }): void;
  dispose(): void;
}

/** The head the fused learner computes (src/agents/q_head.ts's QHead without SAC's). */
export type LearnerHead =
  | { kind: 'q' | 'dueling'; actions: number }
  | { kind: 'c51'; actions: number; atoms: number; vMin: number; vMax: number; dueling: boolean };

/** The fused value-based update (learner_binding.cpp; model/learner.h): one native call per update. */
export interface NativeLearner {
  readonly disposed: boolean;
  /**
   * One update of the online network (target forward, online forward(s), head, loss, backward, optimizer step);
   * writes the per-sample losses (|TD error|, or the C51 cross-entropy) into perSample and returns the mean loss.
   * The batch arrays are read in place; weights is null without prioritized replay.
   */
  update(obs: Float32Array, nextObs: Float32Array, actions: Int32Array, rewards: Float32Array, discounts: Float32Array,
         dones: Float32Array, weights: Float32Array | null, perSample: Float32Array): number;
  /**
   * How the updates ran on a device that records them (the resident CUDA tables: CUDA graphs): captures (run once
   * directly, then recorded), replays (one graph launch each), and why recording failed ('' if it did not; the
   * learner then launches op by op). Zeros on the CPU.
   */
  graphStats(): { captures: number; replays: number; error: string };
  dispose(): void;
}

/** What the CUDA runtime reports (cudaDeviceInfo() never throws). */
export interface CudaDeviceInfo {
  /** false: the addon was built without nvcc (node-gyp, or cmake-js without CUDA) */
  compiled: boolean;
  deviceCount: number;
  runtimeVersion: number;
  /** 0 when no driver is installed */
  driverVersion: number;
  /** why deviceCount is 0, null otherwise */
  reason: string | null;
  devices: { index: number; name: string; computeCapability: string; memoryBytes: number; multiprocessors: number }[];
  /** cuBLAS, loaded at run time for the GPU's dense products (native/cuda/cublas_loader.cu); without it (or with
   *  PRUNERL_CUBLAS=0) our own GEMM kernel runs, and `reason` says why in one line. */
  cublas: { found: boolean; library: string | null; reason: string | null };
}

/** The ops every device implements (native/ops/device_ops.h), each bound once over the device's table
 *  (native/napi/device_ops_binding.cpp, whose list this mirrors; test/native/cuda.test.ts checks the two agree). */
export const deviceOpNames = [
  'gemm', 'matmul', 'maskedMatmul', 'spmm', 'spmmInputGrad', 'sddmm', 'spmmBackward', 'huberLoss', 'adamStep',
  'rmspropStep', 'relu', 'reluBackward', 'mseLoss', 'softmaxCrossEntropy', 'argmaxRows', 'maxRows', 'gatherRows',
  'biasAdd', 'biasGrad', 'maxPool2dForward', 'maxPool2dBackward', 'magnitudePrune', 'kthSmallestAbs',
  'embeddingProduct', 'embeddingProductBackward', 'quantileHuberLoss',
  'duelingQ', 'duelingQBackward', 'duelingLogits', 'duelingLogitsBackward', 'c51Probabilities', 'c51Expectation',
  'tdTarget', 'c51Project', 'tdLoss', 'c51Loss', 'applyMask', 'sgdStep',
] as const satisfies readonly (keyof NativeAddon)[];
export type DeviceOpName = (typeof deviceOpNames)[number];

/** The CUDA kernels: the device ops over CUDA's table, so the CPU functions' signatures and checks; host arrays are
 *  copied to the device and back. Without CUDA compiled in, or with no device, each throws an Error saying so. */
export type NativeCudaKernels = Pick<NativeAddon, DeviceOpName> & {
  /** Times one kernel on device-resident data with CUDA events (bench/cuda.js). gemm: C[m,n] = A[m,k]·B[n,k]ᵀ;
   *  spmm/sddmm: batch m, W [n, k] at `sparsity`; prune: n weights to `sparsity`. */
  benchmark(op: 'gemm' | 'spmm' | 'sddmm' | 'prune',
            options: { m?: number; n?: number; k?: number; sparsity?: number; iterations?: number; seed?: number }):
    { ms: number; flops: number; bytes: number; nnz: number };
};

export interface NativeAddon {
  Tensor: new (dtype: DType, shape: number[]) => NativeTensor;
  /** A Network whose every op runs through `device`'s table (default 'cpu'; 'cpu-reference': the plain reference
   *  kernels). RangeError for a device this addon lacks, or one without a kernel a Network needs (naming the op). */
  Network: new (spec: LayerSpec[], inputShape: number[], seed: number, device?: ModelDevice) => NativeNetwork;
  Learner: new (online: NativeNetwork, target: NativeNetwork,
                options: { head: LearnerHead; double: boolean; loss: 'huber' | 'mse'; graphs?: boolean }) => NativeLearner;

  threadCount(): number;
  simdLevel(): SimdLevel;
  supportedSimdLevels(): SimdLevel[];
  setSimdLevel(level: SimdLevel): void;
  buildInfo(): { cuda: boolean; napiVersion: number };

  // dense, masked and CSR linear algebra (linear_binding.cpp)
  /** In place on c: c = alpha·op(a)·op(b) + beta·c (row-major). */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, options: GemmOptions): void;
  gemmReference(a: Float32Array, b: Float32Array, c: Float32Array, options: GemmOptions): void;
  /** y = x·wᵀ */
  matmul(x: Float32Array, w: Float32Array, shape: LinearShape): Float32Array;
  maskedMatmul(x: Float32Array, w: Float32Array, mask: Uint8Array, shape: LinearShape): Float32Array;
  toCsr(w: Float32Array, mask: Uint8Array | null, rows: number, cols: number): NativeCsrMatrix;
  spmm(x: Float32Array, m: NativeCsrMatrix, batch: number): Float32Array;
  spmmReference(x: Float32Array, m: NativeCsrMatrix, batch: number): Float32Array;
  /** dx = dy·W */
  spmmInputGrad(dy: Float32Array, m: NativeCsrMatrix, batch: number): Float32Array;
  spmmInputGradReference(dy: Float32Array, m: NativeCsrMatrix, batch: number): Float32Array;
  /** dValues[j] = Σ_b dy[b,row_j]·x[b,col_j] */
  sddmm(dy: Float32Array, x: Float32Array, m: NativeCsrMatrix, batch: number): Float32Array;
  sddmmReference(dy: Float32Array, x: Float32Array, m: NativeCsrMatrix, batch: number): Float32Array;
  /** spmmInputGrad and sddmm in one pass over the column view (what a CSR layer's backward runs) */
  spmmBackward(dy: Float32Array, x: Float32Array, m: NativeCsrMatrix, batch: number): { dx: Float32Array; dValues: Float32Array };
  spmmBackwardReference(dy: Float32Array, x: Float32Array, m: NativeCsrMatrix, batch: number):
    { dx: Float32Array; dValues: Float32Array };

  // pruning (prune_binding.cpp)
  magnitudePrune(weights: Float32Array[], masks: Uint8Array[], sparsity: number, scope: PruneScope):
    { thresholds: number[]; pruned: number };
  magnitudePruneReference(weights: Float32Array[], masks: Uint8Array[], sparsity: number, scope: PruneScope):
    { thresholds: number[]; pruned: number };
  /** k-th smallest |w| (0-based), O(n) */
  kthSmallestAbs(w: Float32Array, k: number): number;
  /** IQN's τ-embedding product (native/ops/embedding_product.h): out[b·N + j, d] = state[b, d]·embedding[b·N + j, d],
   *  written into `out` ([batch·quantiles, features], its own memory) and returned. */
  embeddingProduct(state: Float32Array, embedding: Float32Array, shape: EmbeddingProductShape, out: Float32Array): Float32Array;
  embeddingProductReference(state: Float32Array, embedding: Float32Array, shape: EmbeddingProductShape, out: Float32Array): Float32Array;
  /** Its gradients, overwriting dState[b, d] = Σ_j dOut·embedding (j in order) and dEmbedding = dOut·state. */
  embeddingProductBackward(dOut: Float32Array, state: Float32Array, embedding: Float32Array, shape: EmbeddingProductShape,
                           dState: Float32Array, dEmbedding: Float32Array): void;
  embeddingProductBackwardReference(dOut: Float32Array, state: Float32Array, embedding: Float32Array,
                                    shape: EmbeddingProductShape, dState: Float32Array, dEmbedding: Float32Array): void;
  /** IQN's quantile Huber loss (native/ops/quantile_huber.h; reference: src/agents/iqn/quantile_huber.ts, bit for
   *  bit): overwrites grad [batch·quantiles] and perSample [batch] (their own memory), returns the batch loss. */
  quantileHuberLoss(pred: Float32Array, taus: Float32Array, target: Float32Array, shape: QuantileHuberLossShape,
                    kappa: number, weights: Float32Array | null, grad: Float32Array, perSample: Float32Array): number;
  quantileHuberLossReference(pred: Float32Array, taus: Float32Array, target: Float32Array, shape: QuantileHuberLossShape,
                             kappa: number, weights: Float32Array | null, grad: Float32Array, perSample: Float32Array): number;

  // the value-based learner's head, target and loss ops (value_head_binding.cpp; native/ops/value_head.h), the
  // arithmetic of src/agents/q_head.ts, dqn_update.ts and c51_update.ts; new arrays out unless said otherwise
  /** Q [batch·actions] = V + A_a − mean A from dueling outputs [batch·(actions + 1)] (V first). */
  duelingQ(out: Float32Array, shape: ValueHeadShape): Float32Array;
  /** dOut [batch·(actions + 1)] from dQ [batch·actions]: dV = Σ_a dQ_a, dA_j = dQ_j − mean_a dQ_a. */
  duelingQBackward(dQ: Float32Array, shape: ValueHeadShape): Float32Array;
  /** C51 logits [batch·actions·atoms] = V_z + A_a,z − mean_a A_a,z from outputs [batch·(actions + 1)·atoms]. */
  duelingLogits(out: Float32Array, shape: ValueHeadShape & { atoms: number }): Float32Array;
  duelingLogitsBackward(dLogits: Float32Array, shape: ValueHeadShape & { atoms: number }): Float32Array;
  /** Softmax over atoms of each of `rows` rows. */
  c51Probabilities(logits: Float32Array, rows: number, atoms: number): Float32Array;
  /** Q [rows] = Σ_z p_z·z_z. */
  c51Expectation(p: Float32Array, rows: number, support: C51Support): Float32Array;
  /** y_b = r_b + γ_b·(1 − done_b)·next_b. */
  tdTarget(rewards: Float32Array, discounts: Float32Array, dones: Float32Array, nextValue: Float32Array): Float32Array;
  /** The categorical projection m [batch·atoms] of pNext [batch·actions·atoms]'s greedy rows onto the support. */
  c51Project(pNext: Float32Array, greedy: Int32Array, rewards: Float32Array, discounts: Float32Array, dones: Float32Array,
             shape: Required<ValueHeadShape>): Float32Array;
  /** DQN's TD loss of taken [batch] against y [batch]: |TD error| per sample, dQ [batch·actions] (the taken action's
   *  entries only) and the (importance-weighted) mean loss. */
  tdLoss(taken: Float32Array, y: Float32Array, weights: Float32Array | null, actions: Int32Array, shape: ValueHeadShape,
         kind: 'huber' | 'mse'): { loss: number; perSample: Float32Array; dQ: Float32Array };
  /** C51's weighted cross-entropy of the taken actions' logits against m [batch·atoms]; dLogits [batch·actions·atoms]. */
  c51Loss(logits: Float32Array, m: Float32Array, weights: Float32Array | null, actions: Int32Array,
          shape: ValueHeadShape & { atoms: number }): { loss: number; perSample: Float32Array; dLogits: Float32Array };
  /** In place: w[i] = mask[i] ? w[i] : 0. */
  applyMask(w: Float32Array, mask: Uint8Array): void;
  /** In place: params[i] −= lr·grads[i] (float). */
  sgdStep(params: Float32Array, grads: Float32Array, lr: number): void;

  // training ops (train_ops_binding.cpp)
  huberLoss(pred: Float32Array, target: Float32Array, delta: number): LossResult;
  mseLoss(pred: Float32Array, target: Float32Array): LossResult;
  softmaxCrossEntropy(logits: Float32Array, target: Float32Array, rows: number, atoms: number,
                      weights?: Float32Array | null): LossResult & { perRow: Float32Array };
  argmaxRows(q: Float32Array, rows: number, cols: number): Int32Array;
  maxRows(q: Float32Array, rows: number, cols: number): Float32Array;
  gatherRows(q: Float32Array, index: Int32Array, rows: number, cols: number): Float32Array;
  softmaxRows(x: Float32Array, rows: number, cols: number): Float32Array;
  /** In place on params, m, v. */
  adamStep(params: Float32Array, grads: Float32Array, m: Float32Array, v: Float32Array, options: AdamOptions): void;
  adamStepReference(params: Float32Array, grads: Float32Array, m: Float32Array, v: Float32Array,
                    options: AdamOptions): void;
  /**
   * In place on params, squareAvg, gradAvg (required when centered) and momentumBuffer (required when
   * options.momentum > 0: buf = μ·buf + g/avg, p −= lr·buf, as torch.optim.RMSprop).
   */
  rmspropStep(params: Float32Array, grads: Float32Array, squareAvg: Float32Array, gradAvg: Float32Array | null,
              options: RmspropOptions, momentumBuffer?: Float32Array | null): void;
  rmspropStepReference(params: Float32Array, grads: Float32Array, squareAvg: Float32Array,
                       gradAvg: Float32Array | null, options: RmspropOptions, momentumBuffer?: Float32Array | null): void;
  relu(x: Float32Array): Float32Array;
  reluBackward(y: Float32Array, dy: Float32Array): Float32Array;
  /** In place on y: y[r,c] += bias[c] */
  biasAdd(y: Float32Array, bias: Float32Array, rows: number, cols: number): void;
  biasGrad(dy: Float32Array, rows: number, cols: number): Float32Array;

  // convolution and pooling, NHWC (conv_binding.cpp)
  conv2dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, shape: Conv2dShape): Float32Array;
  conv2dForwardReference(x: Float32Array, w: Float32Array, bias: Float32Array | null, shape: Conv2dShape): Float32Array;
  conv2dBackward(x: Float32Array, w: Float32Array, dy: Float32Array, shape: Conv2dShape):
    { dx: Float32Array; dw: Float32Array; db: Float32Array };
  conv2dBackwardReference(x: Float32Array, w: Float32Array, dy: Float32Array, shape: Conv2dShape):
    { dx: Float32Array; dw: Float32Array; db: Float32Array };
  maxPool2dForward(x: Float32Array, shape: Pool2dShape): { y: Float32Array; argmax: Int32Array };
  maxPool2dBackward(dy: Float32Array, argmax: Int32Array, inputSize: number): Float32Array;

  // CUDA backend (cuda_binding.cpp)
  /** true when CUDA was compiled in and a device is present */
  cudaAvailable(): boolean;
  cudaDeviceInfo(): CudaDeviceInfo;
  cuda: NativeCudaKernels;
  /**
   * The same kernels compiled for the host emulator (native/cuda_emu: blocks in turn, each block's threads as
   * fibers with real barriers and warp collectives), for testing CUDA code without a GPU; absent from builds
   * without it (node-gyp). Correct, not fast: use it to check kernels, never to train.
   */
  cudaEmulated?: NativeCudaKernels;
  /** Launches, blocks and threads per kernel name run by cudaEmulated so far in this process. */
  cudaEmulatorStats?(): Record<string, { launches: number; blocks: number; threads: number }>;
  /** The emulator's semantics probes (native/cuda_emu/self_test.h): raw results, checked by the tests. */
  cudaEmulatorSelfTest?(): {
    shuffles: Int32Array; shuffleOutputs: number; barrier: Int32Array; sharedAtStart: Uint32Array;
    atomicSum: number; atomicMinimum: number; deadlock: string; exitedLane: string; invalidConfig: string;
  };
  /** The emulator's stream-capture probes (native/cuda_emu/capture_self_test.cpp): probe → error name, status or value. */
  cudaEmulatorCaptureSelfTest?(): Record<string, string>;
  /**
   * A test hook, not API: one CapturedGraph scenario (native/cuda/graph_test_hook.h) on 'cuda' or 'cuda-emulated';
   * present when either backend is built in.
   */
  cudaGraphTestHook?(device: 'cuda' | 'cuda-emulated', request: CudaGraphTestRequest): {
    arrays: Record<string, Float32Array>; messages: Record<string, string>; captured: boolean;
  };
}

/** cudaGraphTestHook's request (native/cuda/graph_test_hook.h says what each scenario does). */
export interface CudaGraphTestRequest {
  scenario: 'replay' | 'frozen' | 'refused' | 'reset';
  call?: string;
  rows: number;
  cols: number;
  replays?: number;
  x?: Float32Array; w?: Float32Array; b: Float32Array; b2?: Float32Array; y: Float32Array;
}

function candidatePaths(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, '..');
  const fromEnv = process.env.PRUNERL_ADDON ? [resolve(process.env.PRUNERL_ADDON)] : [];
  return [
    ...fromEnv,
    join(root, 'build', 'Release', 'prunerl.node'),
    join(root, 'build', 'Debug', 'prunerl.node'),
    join(root, 'build', 'prunerl.node'),
  ];
}

function loadAddon(): NativeAddon {
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  for (const path of candidatePaths()) {
    if (!existsSync(path)) {
      tried.push(`${path} (not found)`);
      continue;
    }
    try {
      return require(path) as NativeAddon;
    } catch (err) {
      tried.push(`${path} (${(err as Error).message.split('\n')[0]})`);
    }
  }
  throw new Error(
    'prunerl: the native addon is not built. Run `npm run build:native` (CMake, via cmake-js) or ' +
      '`npm run build:gyp` (node-gyp, CPU only) in the prunerl package directory. Tried: ' + tried.join('; '),
  );
}

export const native: NativeAddon = loadAddon();
