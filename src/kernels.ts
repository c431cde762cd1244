// The public kernel API: the sparse and dense building blocks on plain TypedArrays, for users who benchmark
// kernels or build their own layers. A contract: other checks (benchmarks, the CUDA backend's tests) rely on it.
// Each product and pruning call takes `{ device: 'cpu' | 'cuda' }` last: 'cuda' copies the arrays to the GPU, runs
// the CUDA kernel and copies back (without a GPU it throws one line saying why: a kernel timed on the CPU under a
// 'cuda' label would mislead; PRUNERL_CUDA_EMULATE=1 runs the CUDA kernels on the host emulator instead, for tests).
import { CUDA_EMULATE_ENV, devices, resolveDevice, type Device } from './backends/device.js';
import { native, type DeviceOpName, type NativeAddon, type NativeCsrMatrix, type PruneScope } from './native.js';
import {
  expectFloat32Array, expectInteger, expectLength, expectNumberIn, expectOneOf, expectUint8Array, typeError,
} from './validate.js';

export interface MatmulShape {
  batch: number;
  inFeatures: number;
  outFeatures: number;
}

/** A compressed sparse row matrix in native memory; `dispose()` frees it (the GC is only a backstop). */
export type CsrMatrix = NativeCsrMatrix;

/** Where a kernel runs. */
export interface KernelOptions {
  /** 'cpu' (default) or 'cuda'. */
  device?: Device;
}

/** The device ops of `options.device` (native.*, native.cuda.* or, emulated, native.cudaEmulated.*). */
function opsFor(options: KernelOptions): Pick<NativeAddon, DeviceOpName> {
  if (typeof options !== 'object' || options === null) throw typeError('an object {device}', 'options', options);
  const device = expectOneOf(options.device ?? 'cpu', 'options.device', devices);
  if (device === 'cpu') return native;
  if (process.env[CUDA_EMULATE_ENV] === '1' && !native.cudaAvailable() && native.cudaEmulated) return native.cudaEmulated;
  resolveDevice(device, { strict: true });  // no GPU: throws the one line saying why
  return native.cuda;
}

function checkShape(shape: MatmulShape): MatmulShape {
  if (typeof shape !== 'object' || shape === null) throw typeError('an object {batch, inFeatures, outFeatures}', 'shape', shape);
  expectInteger(shape.batch, 'shape.batch', 1);
  expectInteger(shape.inFeatures, 'shape.inFeatures', 1);
  expectInteger(shape.outFeatures, 'shape.outFeatures', 1);
  return shape;
}

function checkCsr(m: unknown, name: string): CsrMatrix {
  if (typeof m !== 'object' || m === null || !('nnz' in m) || !('dispose' in m)) throw typeError('a CsrMatrix from kernels.toCsr', name, m);
  const csr = m as CsrMatrix;
  if (csr.disposed) throw new TypeError(`Expected a live CsrMatrix for ${name} but received a disposed one`);
  return csr;
}

/** y = x·wᵀ with no mask: y[b*outF + o] = Σ_i x[b*inF + i] · w[o*inF + i]. */
export function matmul(x: Float32Array, w: Float32Array, shape: MatmulShape, options: KernelOptions = {}): Float32Array {
  const { batch, inFeatures, outFeatures } = checkShape(shape);
  expectLength(expectFloat32Array(x, 'x'), batch * inFeatures, 'x', 'batch · inFeatures');
  expectLength(expectFloat32Array(w, 'w'), outFeatures * inFeatures, 'w', 'outFeatures · inFeatures');
  return opsFor(options).matmul(x, w, shape);
}

/** y[b*outF + o] = Σ_i x[b*inF + i] · w[o*inF + i] · mask[o*inF + i] */
export function maskedMatmul(x: Float32Array, w: Float32Array, mask: Uint8Array, shape: MatmulShape, options: KernelOptions = {}): Float32Array {
  const { batch, inFeatures, outFeatures } = checkShape(shape);
  expectLength(expectFloat32Array(x, 'x'), batch * inFeatures, 'x', 'batch · inFeatures');
  expectLength(expectFloat32Array(w, 'w'), outFeatures * inFeatures, 'w', 'outFeatures · inFeatures');
  expectLength(expectUint8Array(mask, 'mask'), outFeatures * inFeatures, 'mask', 'outFeatures · inFeatures');
  return opsFor(options).maskedMatmul(x, w, mask, shape);
}

/** Compresses the kept entries (mask ≠ 0) of w[rows, cols] into a native CSR matrix. */
export function toCsr(w: Float32Array, mask: Uint8Array, shape: { rows: number; cols: number }): CsrMatrix {
  if (typeof shape !== 'object' || shape === null) throw typeError('an object {rows, cols}', 'shape', shape);
  const rows = expectInteger(shape.rows, 'shape.rows', 1);
  const cols = expectInteger(shape.cols, 'shape.cols', 1);
  expectLength(expectFloat32Array(w, 'w'), rows * cols, 'w', 'rows · cols');
  expectLength(expectUint8Array(mask, 'mask'), rows * cols, 'mask', 'rows · cols');
  return native.toCsr(w, mask, rows, cols);
}

/** y = x·Wᵀ for a CSR W[rows = outFeatures, cols = inFeatures]; the same result as maskedMatmul. */
export function spmm(x: Float32Array, m: CsrMatrix, batch: number, options: KernelOptions = {}): Float32Array {
  const csr = checkCsr(m, 'm');
  expectInteger(batch, 'batch', 1);
  expectLength(expectFloat32Array(x, 'x'), batch * csr.cols, 'x', 'batch · m.cols');
  return opsFor(options).spmm(x, csr, batch);
}

/** dx = dy·W for a CSR W: the input gradient of spmm. */
export function spmmInputGrad(dy: Float32Array, m: CsrMatrix, batch: number, options: KernelOptions = {}): Float32Array {
  const csr = checkCsr(m, 'm');
  expectInteger(batch, 'batch', 1);
  expectLength(expectFloat32Array(dy, 'dy'), batch * csr.rows, 'dy', 'batch · m.rows');
  return opsFor(options).spmmInputGrad(dy, csr, batch);
}

/** The weight gradient of spmm at the stored positions only: dValues[j] = Σ_b dy[b, row_j] · x[b, col_j]. */
export function sddmm(dy: Float32Array, x: Float32Array, m: CsrMatrix, batch: number, options: KernelOptions = {}): Float32Array {
  const csr = checkCsr(m, 'm');
  expectInteger(batch, 'batch', 1);
  expectLength(expectFloat32Array(dy, 'dy'), batch * csr.rows, 'dy', 'batch · m.rows');
  expectLength(expectFloat32Array(x, 'x'), batch * csr.cols, 'x', 'batch · m.cols');
  return opsFor(options).sddmm(dy, x, csr, batch);
}

/**
 * In place: afterwards exactly round(sparsity·n) entries of each tensor ('layer') or of all of them together
 * ('global') are masked (mask 0, weight 0); entries already masked stay masked; every kept |w| is ≥ every newly
 * pruned |w|. Returns the thresholds used (one per tensor) and how many entries it newly pruned.
 */
export function magnitudePrune(
  weights: Float32Array[], masks: Uint8Array[], sparsity: number, scope: PruneScope, options: KernelOptions = {},
): { thresholds: number[]; pruned: number } {
  if (!Array.isArray(weights)) throw typeError('an array of Float32Array', 'weights', weights);
  if (!Array.isArray(masks)) throw typeError('an array of Uint8Array', 'masks', masks);
  if (weights.length === 0) throw new RangeError('Expected at least one tensor for weights but received an empty array');
  if (masks.length !== weights.length) {
    throw new RangeError(`Expected masks to have ${weights.length} entries (one per weight tensor) but received ${masks.length}`);
  }
  weights.forEach((w, i) => expectFloat32Array(w, `weights[${i}]`));
  masks.forEach((m, i) => expectLength(expectUint8Array(m, `masks[${i}]`), weights[i].length, `masks[${i}]`, `weights[${i}].length`));
  expectNumberIn(sparsity, 'sparsity', 0, 1);
  expectOneOf(scope, 'scope', ['layer', 'global'] as const);
  return opsFor(options).magnitudePrune(weights, masks, sparsity, scope);
}

/** The k-th smallest |w| (k 0-based) in O(n), without sorting. */
export function kthSmallestAbs(w: Float32Array, k: number, options: KernelOptions = {}): number {
  expectFloat32Array(w, 'w');
  expectInteger(k, 'k', 0, Math.max(0, w.length - 1));
  return opsFor(options).kthSmallestAbs(w, k);
}
