// A Policy as an ONNX ModelProto: input `obs` [batch, ...env shape] in the env's dtype, cast and scaled inside the
// graph exactly as the trainer feeds the network (float32(obs)·scale); the network's layers; the Q-head; outputs
// `q_values` float32 [batch, actions] and `action` int64 [batch]. Metadata records what the policy is.
import { headOutputs } from '../agents/q_head.js';
import type { Policy } from '../train/policy_file.js';
import { prunerlVersion } from '../version.js';
import { GraphBuilder, attr, onnx } from './onnx_graph_builder.js';
import { headNodes } from './onnx_head.js';
import { networkNodes } from './onnx_layers.js';
import { encodeInitializers, type SparseIndexType } from './onnx_initializers.js';
import type onnxProto from 'onnx-proto';

const DataType = onnx.TensorProto.DataType;

/** The achieved sparsity of one weight layer, as recorded in the model's metadata. */
export interface LayerSparsity {
  layer: number;
  kind: 'linear' | 'conv2d';
  /** Our layout: linear [out, in]; conv2d [outC, kH, kW, inC]. */
  shape: number[];
  size: number;
  kept: number;
  sparsity: number;
  /** How the weight is stored in this file. */
  storage: 'dense' | 'sparse';
}

export interface EncodedModel {
  bytes: Uint8Array;
  irVersion: number;
  layers: LayerSparsity[];
}

/** The oldest IR version that goes with an opset (ONNX's versioning table); sparse initializers need IR 6. */
function irVersionFor(opset: number, sparse: boolean): number {
  const byOpset = opset >= 21 ? 10 : opset >= 19 ? 9 : opset >= 15 ? 8 : opset >= 12 ? 7 : opset >= 11 ? 6 : opset >= 10 ? 5 : opset >= 9 ? 4 : 3;
  return Math.max(byOpset, sparse ? 6 : 3);
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/** The policy's graph (nodes and constants) for an opset; throws the one-line opset error if it is too old. */
export function buildPolicyGraph(policy: Policy, opset: number): GraphBuilder {
  const { network, observation, head } = policy;
  if (headOutputs(head) !== network.outputSize) {
    throw new RangeError(`Expected a network with ${headOutputs(head)} outputs for policy.network (a ${head.kind} head with ${head.actions} actions) but received one with ${network.outputSize}`);
  }
  const inputShape = network.config.inputShape;
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  if (size(observation.shape) !== size(inputShape)) {
    throw new RangeError(`Expected a shape with ${size(inputShape)} elements (the network's input [${inputShape.join(', ')}]) for policy.observation.shape but received [${observation.shape.join(', ')}]`);
  }
  const g = new GraphBuilder(opset);
  g.name('obs');
  g.purpose = 'the observation input';
  let x = 'obs';
  if (observation.dtype !== 'float32') x = g.node('Cast', [x], [attr.int('to', DataType.FLOAT)], 'obs_float');
  if (observation.scale !== 1) {
    // float32(obs)·scale with scale = 1/n (1/255 for pixels) is, to float32, obs / n: dividing by n reproduces the
    // trainer's input bit for bit, where multiplying by float32(1/255) can be 1 ulp off.
    const n = Math.round(1 / observation.scale);
    x = 1 / n === observation.scale
      ? g.node('Div', [x, g.floats('obs_divisor', [1], Float32Array.of(n))], [], 'obs_scaled')
      : g.node('Mul', [x, g.floats('obs_scale', [1], Float32Array.of(observation.scale))], [], 'obs_scaled');
  }
  if (observation.shape.join() !== inputShape.join()) x = g.node('Reshape', [x, g.ints('obs_shape', [-1, ...inputShape])], [], 'obs_reshaped');
  const out = networkNodes(g, network, x);
  headNodes(g, out, head);
  return g;
}

function metadata(policy: Policy, layers: LayerSparsity[]): { key: string; value: string }[] {
  const { meta, head, observation } = policy;
  const size = layers.reduce((a, l) => a + l.size, 0), kept = layers.reduce((a, l) => a + l.kept, 0);
  const entries: Record<string, string> = {
    'prunerl.version': prunerlVersion,
    'prunerl.trained_with': String(meta.version ?? ''),
    'prunerl.env': String(meta.env),
    'prunerl.agent': String(meta.agent),
    'prunerl.net': String(meta.net),
    'prunerl.width': String(meta.width),
    'prunerl.head': JSON.stringify(head),
    'prunerl.observation': JSON.stringify(observation),
    'prunerl.sparsity': String(size === 0 ? 0 : 1 - kept / size),
    'prunerl.layer_sparsity': JSON.stringify(layers),
  };
  return Object.entries(entries).map(([key, value]) => ({ key, value }));
}

/** Encodes a built graph as a ModelProto, with pruned weights dense or (`sparse`) as sparse initializers. */
export function encodePolicyModel(policy: Policy, g: GraphBuilder, sparse: false | SparseIndexType): EncodedModel {
  const { initializer, sparseInitializer, sparseNames } = encodeInitializers(g.constants, sparse);
  const layers: LayerSparsity[] = policy.network.params().map((p) => ({
    layer: p.index, kind: p.kind, shape: p.shape, size: p.size, kept: p.kept,
    sparsity: p.size === 0 ? 0 : 1 - p.kept / p.size,
    storage: sparseNames.has(`layer${p.index}.weight`) ? 'sparse' : 'dense',
  }));
  const { observation, head } = policy;
  const irVersion = irVersionFor(g.opset, sparseInitializer.length > 0);
  const model = onnx.ModelProto.create({
    irVersion,
    opsetImport: [{ domain: '', version: g.opset }],
    producerName: 'prunerl',
    producerVersion: prunerlVersion,
    docString: head.kind === 'tanh-gaussian'
      ? 'Deterministic SAC policy: obs → action (float32 [batch, dims]) = tanh(μ)·(high − low)/2 + (high + low)/2.'
      : 'Greedy policy: obs → q_values (float32 [batch, actions]; C51: expected value over atoms; IQN: mean over K quantile midpoints) and action (int64 [batch], argmax).',
    graph: {
      name: `${policy.meta.net}_x${policy.meta.width}_${head.kind}`,
      node: g.nodes,
      initializer,
      sparseInitializer,
      input: [valueInfo('obs', observation.dtype === 'uint8' ? DataType.UINT8 : DataType.FLOAT, ['batch', ...observation.shape])],
      output: head.kind === 'tanh-gaussian'
        ? [valueInfo('action', DataType.FLOAT, ['batch', head.actions])]
        : [valueInfo('q_values', DataType.FLOAT, ['batch', head.actions]), valueInfo('action', DataType.INT64, ['batch'])],
    },
    metadataProps: metadata(policy, layers),
  });
  return { bytes: onnx.ModelProto.encode(model).finish(), irVersion, layers };
}
