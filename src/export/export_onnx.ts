// exportOnnx: a trained policy (a run directory, a policy file, or a Policy in memory) → a standard ONNX file that
// onnxruntime runs. Defaults / validate / build / write, in that order; every bad argument fails with one line
// before anything is written, and the file appears atomically (never truncated at the output path).
import { accessSync, constants as fsConstants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkHead } from '../agents/q_head.js';
import { Network } from '../nn/network.js';
import { loadPolicy, type Policy } from '../train/policy_file.js';
import { expectInteger, expectOneOf, rangeError, typeError } from '../validate.js';
import { writeFileAtomic } from './atomic_file.js';
import { MAX_OPSET } from './onnx_graph_builder.js';
import { sparseIndexTypes, type SparseIndexType } from './onnx_initializers.js';
import { buildPolicyGraph, encodePolicyModel, type EncodedModel, type LayerSparsity } from './onnx_model.js';

export type { LayerSparsity, SparseIndexType };

export const DEFAULT_OPSET = 17;

export interface OnnxModelOptions {
  /** ONNX opset to target, 1..21 (default 17); too old for an operator the network needs is an error. */
  opset?: number;
  /** Store pruned weight tensors as sparse initializers (COO) where that is smaller (default false). */
  sparse?: boolean;
  /** Sparse index type: 'int64' (the ONNX standard, default) or 'compact' (int8/16/32, onnxruntime only). */
  sparseIndices?: SparseIndexType;
}

export interface ExportOnnxOptions extends OnnxModelOptions {
  /** The .onnx file to write (replaced atomically if it exists). */
  out: string;
}

export interface ExportOnnxResult {
  path: string;
  /** Size of the written file. */
  bytes: number;
  /** Size of the same model with every weight stored dense, and with pruned weights sparse. */
  denseBytes: number;
  sparseBytes: number;
  sparse: boolean;
  opset: number;
  irVersion: number;
  /** Weights and biases in the model, and how many of them are kept (not pruned). */
  parameters: { total: number; kept: number };
  layers: LayerSparsity[];
}

interface ResolvedOptions { opset: number; sparse: boolean; sparseIndices: SparseIndexType }

function resolveModelOptions(options: OnnxModelOptions): ResolvedOptions {
  const opset = expectInteger(options.opset ?? DEFAULT_OPSET, 'opset', 1, MAX_OPSET);
  const sparse = options.sparse ?? false;
  if (typeof sparse !== 'boolean') throw typeError('a boolean', 'sparse', sparse);
  const sparseIndices = expectOneOf(options.sparseIndices ?? 'int64', 'sparseIndices', sparseIndexTypes);
  return { opset, sparse, sparseIndices };
}

function checkPolicy(policy: Policy): Policy {
  if (typeof policy !== 'object' || policy === null || !(policy.network instanceof Network)) {
    throw typeError('a run directory, a policy file or a Policy {network, head, observation, meta}', 'policy', policy);
  }
  if (policy.network.disposed) throw new RangeError('Expected a live network for policy.network but it has been disposed');
  checkHead(policy.head);
  const { shape, dtype, scale } = policy.observation ?? {};
  expectOneOf(dtype, 'policy.observation.dtype', ['float32', 'uint8'] as const);
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw typeError('an array of positive integers', 'policy.observation.shape', shape);
  }
  if (typeof scale !== 'number') throw typeError('a finite, non-zero number', 'policy.observation.scale', scale);
  if (!Number.isFinite(scale) || scale === 0) throw rangeError('a finite, non-zero number', 'policy.observation.scale', scale);
  return policy;
}

/** The output path, resolved, if a file can be written there; otherwise the one-line reason. */
function checkOutputPath(out: unknown): string {
  if (typeof out !== 'string' || out.length === 0) throw typeError('a file path', 'out', out);
  const path = resolve(out);
  const folder = dirname(path);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new RangeError(`Expected a file path for out but received '${out}', which is a directory`);
  }
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new RangeError(`Expected a path in an existing folder for out but received '${out}' (no folder ${folder})`);
  }
  try {
    accessSync(folder, fsConstants.W_OK);
  } catch {
    throw new RangeError(`Expected a writable path for out but received '${out}' (folder ${folder} is not writable)`);
  }
  return path;
}

/** Both encodings of a policy: the requested one and the other, for reporting sizes. */
function encodeBoth(policy: Policy, o: ResolvedOptions): { chosen: EncodedModel; dense: EncodedModel; sparse: EncodedModel } {
  const graph = buildPolicyGraph(policy, o.opset);
  const dense = encodePolicyModel(policy, graph, false);
  const sparse = encodePolicyModel(policy, graph, o.sparseIndices);
  return { chosen: o.sparse ? sparse : dense, dense, sparse };
}

/** The ONNX model of a policy as bytes, without writing a file (e.g. for onnxruntime's InferenceSession.create). */
export function policyToOnnx(policy: Policy, options: OnnxModelOptions = {}): EncodedModel {
  const o = resolveModelOptions(options);
  const graph = buildPolicyGraph(checkPolicy(policy), o.opset);
  return encodePolicyModel(policy, graph, o.sparse ? o.sparseIndices : false);
}

/**
 * Exports a policy to ONNX. `source` is a run directory (its policy.prl), a policy file, or a Policy; a policy
 * loaded here is disposed afterwards, one passed in is left as it is.
 */
export function exportOnnx(source: string | Policy, options: ExportOnnxOptions): ExportOnnxResult {
  if (typeof options !== 'object' || options === null) throw typeError('an options object {out, sparse?, opset?}', 'options', options);
  const o = resolveModelOptions(options);
  const path = checkOutputPath(options.out);
  const loaded = typeof source === 'string';
  const policy = loaded ? loadPolicy(source) : checkPolicy(source);
  try {
    const { chosen, dense, sparse } = encodeBoth(policy, o);
    try {
      writeFileAtomic(path, [chosen.bytes]);
    } catch (err) {
      throw new Error(`Expected a writable path for out but writing ${path} failed (${(err as Error).message.split(/[,\n]/)[0]})`);
    }
    const biases = policy.network.params().reduce((a, p) => a + p.shape[0], 0);
    const weights = chosen.layers.reduce((a, l) => a + l.size, 0);
    const keptWeights = chosen.layers.reduce((a, l) => a + l.kept, 0);
    return {
      path, bytes: chosen.bytes.byteLength, denseBytes: dense.bytes.byteLength, sparseBytes: sparse.bytes.byteLength,
      sparse: o.sparse, opset: o.opset, irVersion: chosen.irVersion,
      parameters: { total: weights + biases, kept: keptWeights + biases },
      layers: chosen.layers,
    };
  } finally {
    if (loaded) policy.network.dispose();
  }
}
