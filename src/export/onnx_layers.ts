// The network's layers as ONNX nodes. Our activations are NHWC; ONNX Conv and MaxPool are NCHW. So each value
// carries its layout, a Transpose is inserted only where an operator needs the other one (into NCHW before the
// first Conv/MaxPool, back to NHWC before Flatten, since our Flatten flattens in NHWC order), and conv weights are
// permuted from [outC, kH, kW, inC] to ONNX's [outC, inC, kH, kW]. Pruned weights are written as exact zeros and
// their masks travel with the constants, so the model writer can store them sparse.
import type { LayerSpec, Network, ParamInfo } from '../nn/network.js';
import { attr, type GraphBuilder } from './onnx_graph_builder.js';

type Layout = 'flat' | 'nhwc' | 'nchw';

interface Value {
  name: string;
  layout: Layout;
}

interface LayerContext {
  g: GraphBuilder;
  network: Network;
  params: ParamInfo[];
  /** The next weight layer's index: the Network numbers conv2d/linear layers depth-first in spec order. */
  nextParam: number;
}

/** Conv weights [outC, kH, kW, inC] → [outC, inC, kH, kW]; the same permutation for the mask. */
function nhwcKernelToNchw<T extends Float32Array | Uint8Array>(src: T, [outC, kH, kW, inC]: number[], dst: T): T {
  for (let o = 0; o < outC; o++)
    for (let y = 0; y < kH; y++)
      for (let x = 0; x < kW; x++)
        for (let i = 0; i < inC; i++) dst[((o * inC + i) * kH + y) * kW + x] = src[((o * kH + y) * kW + x) * inC + i];
  return dst;
}

/** The weight and bias of the next weight layer as graph constants, in ONNX layout, pruned entries exactly 0. */
function weightConstants(ctx: LayerContext, kind: 'linear' | 'conv2d'): { weight: string; bias: string } {
  const p = ctx.params[ctx.nextParam++];
  if (!p || p.kind !== kind) {
    throw new Error(`prunerl: the network's weight layer ${ctx.nextParam - 1} is not the ${kind} its spec says (a bug in the exporter)`);
  }
  let w = ctx.network.getWeight(p.index);
  let mask = ctx.network.getMask(p.index);
  let dims = p.shape;
  if (kind === 'conv2d') {
    w = nhwcKernelToNchw(w, p.shape, new Float32Array(w.length));
    mask = nhwcKernelToNchw(mask, p.shape, new Uint8Array(mask.length));
    const [outC, kH, kW, inC] = p.shape;
    dims = [outC, inC, kH, kW];
  }
  for (let i = 0; i < w.length; i++) if (mask[i] === 0) w[i] = 0;
  const bias = ctx.network.getBias(p.index);
  return {
    weight: ctx.g.floats(`layer${p.index}.weight`, dims, w, { mask, layer: p.index }),
    bias: ctx.g.floats(`layer${p.index}.bias`, [bias.length], bias, { layer: p.index }),
  };
}

function toLayout(g: GraphBuilder, v: Value, layout: 'nhwc' | 'nchw'): Value {
  if (v.layout === layout) return v;
  if (v.layout === 'flat') throw new Error(`prunerl: ${g.purpose} needs an image input but receives a flat one`);
  const perm = layout === 'nchw' ? [0, 3, 1, 2] : [0, 2, 3, 1];
  return { name: g.node('Transpose', [v.name], [attr.ints('perm', perm)], `to_${layout}`), layout };
}

function layerNodes(ctx: LayerContext, spec: LayerSpec, v: Value, path: string): Value {
  const { g } = ctx;
  g.purpose = `layer ${path} (${spec.type})`;
  switch (spec.type) {
    case 'linear': {
      const { weight, bias } = weightConstants(ctx, 'linear');
      // Gemm with transB keeps our [out, in] weight layout: y = x·Wᵀ + b.
      return { name: g.node('Gemm', [v.name, weight, bias], [attr.int('transB', 1)], `linear${path}`), layout: 'flat' };
    }
    case 'conv2d': {
      const x = toLayout(g, v, 'nchw');
      const { weight, bias } = weightConstants(ctx, 'conv2d');
      const k = spec.kernel, s = spec.stride ?? 1, p = spec.padding ?? 0;
      const attributes = [attr.ints('kernel_shape', [k, k]), attr.ints('strides', [s, s]), attr.ints('pads', [p, p, p, p])];
      return { name: g.node('Conv', [x.name, weight, bias], attributes, `conv${path}`), layout: 'nchw' };
    }
    case 'relu':
      return { name: g.node('Relu', [v.name], [], `relu${path}`), layout: v.layout };
    case 'maxpool2d': {
      // Our windows are clipped to the image (padding acts as −∞), which is ONNX MaxPool's padding rule too;
      // both round the output size down (ceil_mode 0).
      const x = toLayout(g, v, 'nchw');
      const k = spec.kernel, s = spec.stride ?? 1, p = spec.padding ?? 0;
      const attributes = [attr.ints('kernel_shape', [k, k]), attr.ints('strides', [s, s]), attr.ints('pads', [p, p, p, p])];
      return { name: g.node('MaxPool', [x.name], attributes, `maxpool${path}`), layout: 'nchw' };
    }
    case 'flatten': {
      if (v.layout === 'flat') return v; // our Flatten of a flat input is the identity
      const x = toLayout(g, v, 'nhwc');
      return { name: g.node('Flatten', [x.name], [attr.int('axis', 1)], `flatten${path}`), layout: 'flat' };
    }
    case 'residual': {
      let body = v;
      spec.body.forEach((inner, i) => (body = layerNodes(ctx, inner, body, `${path}.${i}`)));
      g.purpose = `layer ${path} (residual)`;
      const skip = body.layout === v.layout ? v : toLayout(g, v, body.layout as 'nhwc' | 'nchw');
      return { name: g.node('Add', [skip.name, body.name], [], `residual${path}`), layout: body.layout };
    }
  }
}

/**
 * Nodes computing the network's raw outputs [batch, outputSize] from `input`, a float32 tensor in the network's
 * input layout ([batch, ...inputShape]). Returns the output's name.
 */
export function networkNodes(g: GraphBuilder, network: Network, input: string): string {
  const ctx: LayerContext = { g, network, params: network.params(), nextParam: 0 };
  let v: Value = { name: input, layout: network.config.inputShape.length === 3 ? 'nhwc' : 'flat' };
  network.config.layers.forEach((spec, i) => (v = layerNodes(ctx, spec, v, String(i))));
  if (v.layout !== 'flat') v = layerNodes(ctx, { type: 'flatten' }, v, 'out');
  return v.name;
}
