// A small ONNX graph under construction: nodes in topological order, constant tensors, unique names, and the
// opset it targets. Every node goes through node(), which checks that the chosen opset has the operator, so an
// export that asks for an opset too old fails with one line before anything is written. Operators whose form
// changed across opsets (reductions taking axes as an input) get a helper that picks the right form.
import onnxProto from 'onnx-proto';
import { rangeError } from '../validate.js';

export const onnx = onnxProto.onnx;
export type NodeProto = onnxProto.onnx.INodeProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

/** The first opset with each operator in the form we emit (e.g. Slice with starts/ends as inputs is opset 10). */
export const OPERATOR_SINCE: Readonly<Record<string, number>> = {
  Add: 7, Sub: 7, Mul: 7, Div: 7, // numpy broadcasting
  ArgMax: 1, Cast: 6, Conv: 1, Flatten: 1, Gemm: 7, Identity: 1, MaxPool: 1, Relu: 6, Reshape: 5,
  ReduceMean: 1, ReduceSum: 1, Slice: 10, Softmax: 1, Tanh: 6, Transpose: 1,
};

/** The newest opset we emit and test against onnxruntime. */
export const MAX_OPSET = 21;

/** A constant of the graph before encoding; `mask` marks the kept entries of a pruned weight (ONNX layout). */
export interface GraphConstant {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
  mask?: Uint8Array;
  /** The weight layer it belongs to (Network params() index), for metadata. */
  layer?: number;
}

export const attr = {
  int: (name: string, i: number): AttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i }),
  ints: (name: string, ints: number[]): AttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints }),
  float: (name: string, f: number): AttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f }),
};

export class GraphBuilder {
  readonly opset: number;
  readonly nodes: NodeProto[] = [];
  readonly constants: GraphConstant[] = [];
  /** What is being built, for error messages ("the dueling head", "layer 3 (conv2d)"). */
  purpose = 'the network';
  #names = new Set<string>();

  constructor(opset: number) {
    this.opset = opset;
  }

  /** A fresh tensor name based on `base`. */
  name(base: string): string {
    let name = base;
    for (let i = 1; this.#names.has(name); i++) name = `${base}_${i}`;
    this.#names.add(name);
    return name;
  }

  /** Throws the one-line opset error unless the target opset is at least `since`. */
  requireOpset(since: number, what: string): void {
    if (this.opset < since) {
      throw rangeError(`an opset ≥ ${since} (${this.purpose} needs ${what}, added in opset ${since})`, 'opset', this.opset);
    }
  }

  /** Adds a node and returns its (first) output's name. */
  node(opType: string, inputs: string[], attributes: AttributeProto[] = [], output = opType.toLowerCase()): string {
    const since = OPERATOR_SINCE[opType];
    if (since === undefined) throw new Error(`prunerl: no opset entry for operator ${opType} (a bug in the exporter)`);
    this.requireOpset(since, opType);
    const name = this.name(output);
    this.nodes.push({ opType, input: inputs, output: [name], name, attribute: attributes });
    return name;
  }

  /** A float32 constant (weights, biases, the C51 support, scale factors). */
  floats(base: string, dims: number[], data: Float32Array, extra: Partial<GraphConstant> = {}): string {
    const name = this.name(base);
    this.constants.push({ name, dims, data, ...extra });
    return name;
  }

  /** An int64 constant (shapes, slice bounds, axes). */
  ints(base: string, values: number[]): string {
    const name = this.name(base);
    this.constants.push({ name, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }

  /** x[..., start:end, ...] along `axis` (Slice, opset 10 form). */
  slice(x: string, axis: number, start: number, end: number, output: string): string {
    const starts = this.ints(`${output}_starts`, [start]);
    const ends = this.ints(`${output}_ends`, [end]);
    const axes = this.ints(`${output}_axes`, [axis]);
    return this.node('Slice', [x, starts, ends, axes], [], output);
  }

  /** ReduceMean / ReduceSum over `axes`: axes became an input in opset 18 (ReduceMean) and 13 (ReduceSum). */
  reduce(op: 'ReduceMean' | 'ReduceSum', x: string, axes: number[], keepdims: boolean, output: string): string {
    const axesAsInput = this.opset >= (op === 'ReduceMean' ? 18 : 13);
    const keep = attr.int('keepdims', keepdims ? 1 : 0);
    if (axesAsInput) return this.node(op, [x, this.ints(`${output}_axes`, axes)], [keep], output);
    return this.node(op, [x], [attr.ints('axes', axes), keep], output);
  }
}
