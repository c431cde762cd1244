// Graph constants as ONNX initializers: dense TensorProtos, or for pruned weights SparseTensorProtos in COO form
// with linearised indices (one index per kept weight into the row-major dense tensor, ascending).
// Index types: the ONNX spec (and its checker) allows only int64; onnxruntime also accepts int8/int16/int32, so
// 'compact' picks the smallest of those that holds the largest index (int32 for most layers): 8 bytes per kept
// weight instead of 12. A sparse tensor is used only where it is smaller than the dense one (ERK leaves small
// layers dense enough that COO would cost more).
import { onnx, type GraphConstant } from './onnx_graph_builder.js';
import type onnxProto from 'onnx-proto';

type TensorProto = onnxProto.onnx.ITensorProto;
type SparseTensorProto = onnxProto.onnx.ISparseTensorProto;
const DataType = onnx.TensorProto.DataType;

export type SparseIndexType = 'int64' | 'compact';
export const sparseIndexTypes: readonly SparseIndexType[] = ['int64', 'compact'];

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function denseTensor(c: GraphConstant): TensorProto {
  const dataType = c.data instanceof BigInt64Array ? DataType.INT64 : DataType.FLOAT;
  return { name: c.name, dims: c.dims, dataType, rawData: bytesOf(c.data) };
}

/** The smallest index array for linear indices below `size` under the chosen index type. */
function indexArray(type: SparseIndexType, size: number, nnz: number): { array: BigInt64Array | Int32Array | Int16Array | Int8Array; dataType: number } {
  if (type === 'int64') return { array: new BigInt64Array(nnz), dataType: DataType.INT64 };
  if (size - 1 <= 0x7f) return { array: new Int8Array(nnz), dataType: DataType.INT8 };
  if (size - 1 <= 0x7fff) return { array: new Int16Array(nnz), dataType: DataType.INT16 };
  return { array: new Int32Array(nnz), dataType: DataType.INT32 };
}

/** A pruned weight in COO form (kept entries by its mask), or null when that would not be smaller. */
function sparseTensor(c: GraphConstant & { data: Float32Array; mask: Uint8Array }, indexType: SparseIndexType): SparseTensorProto | null {
  const size = c.data.length;
  let nnz = 0;
  for (let i = 0; i < size; i++) nnz += c.mask[i];
  const { array: indices, dataType } = indexArray(indexType, size, nnz);
  if (nnz * (4 + indices.BYTES_PER_ELEMENT) >= size * 4) return null;
  const values = new Float32Array(nnz);
  for (let i = 0, j = 0; i < size; i++) {
    if (c.mask[i] === 0) continue;
    values[j] = c.data[i];
    if (indices instanceof BigInt64Array) indices[j] = BigInt(i);
    else indices[j] = i;
    j++;
  }
  return {
    dims: c.dims,
    values: { name: c.name, dims: [nnz], dataType: DataType.FLOAT, rawData: bytesOf(values) },
    indices: { name: `${c.name}.indices`, dims: [nnz], dataType, rawData: bytesOf(indices) },
  };
}

export interface EncodedInitializers {
  initializer: TensorProto[];
  sparseInitializer: SparseTensorProto[];
  /** Names of the constants stored sparse. */
  sparseNames: Set<string>;
}

/** All constants as initializers; with `sparse`, each pruned weight that gets smaller as COO is stored so. */
export function encodeInitializers(constants: GraphConstant[], sparse: false | SparseIndexType): EncodedInitializers {
  const out: EncodedInitializers = { initializer: [], sparseInitializer: [], sparseNames: new Set() };
  for (const c of constants) {
    const coo = sparse && c.mask && c.data instanceof Float32Array
      ? sparseTensor(c as GraphConstant & { data: Float32Array; mask: Uint8Array }, sparse)
      : null;
    if (coo) {
      out.sparseInitializer.push(coo);
      out.sparseNames.add(c.name);
    } else {
      out.initializer.push(denseTensor(c));
    }
  }
  return out;
}
