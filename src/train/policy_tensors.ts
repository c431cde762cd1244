// How one weight layer is stored in policy.prl. A pruned layer is stored in CSR (row pointers, column indices and
// the kept values; rows = output units or channels, columns = the rest of the weight's shape), so a 95%-pruned
// policy file is a fraction of the dense one; a dense or barely pruned layer keeps the dense weight and its mask,
// whichever is smaller. Files written before CSR storage (dense w/m only) still load.
type Tensor = Float32Array | Int32Array | Uint8Array;

export interface LayerWeights {
  weight: Float32Array;
  mask: Uint8Array;
}

/** Bytes of the two storages: dense = 4 per weight + 1 per mask entry; CSR = 8 per kept weight + row pointers. */
function csrIsSmaller(size: number, rows: number, kept: number): boolean {
  return 8 * kept + 4 * (rows + 1) < 5 * size;
}

/** The tensors that store layer `index` (`rows` = its shape[0]). */
export function layerTensors(index: number, rows: number, { weight, mask }: LayerWeights): [string, Tensor][] {
  let kept = 0;
  for (let i = 0; i < mask.length; i++) kept += mask[i]!;
  if (!csrIsSmaller(weight.length, rows, kept)) return [[`w${index}`, weight], [`m${index}`, mask]];
  const cols = weight.length / rows;
  const rowPtr = new Int32Array(rows + 1), colIdx = new Int32Array(kept), values = new Float32Array(kept);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      if (mask[i]) { colIdx[k] = c; values[k] = weight[i]!; k++; }
    }
    rowPtr[r + 1] = k;
  }
  return [[`rp${index}`, rowPtr], [`ci${index}`, colIdx], [`v${index}`, values]];
}

/** Layer `index` back as a dense weight and mask of `size` entries, from either storage; null when absent. */
export function layerFromTensors(index: number, size: number, rows: number, tensors: Map<string, unknown>): LayerWeights | null {
  const w = tensors.get(`w${index}`), m = tensors.get(`m${index}`);
  if (w instanceof Float32Array && m instanceof Uint8Array) {
    return w.length === size && m.length === size ? { weight: w, mask: m } : null;
  }
  const rowPtr = tensors.get(`rp${index}`), colIdx = tensors.get(`ci${index}`), values = tensors.get(`v${index}`);
  if (!(rowPtr instanceof Int32Array) || !(colIdx instanceof Int32Array) || !(values instanceof Float32Array)) return null;
  const cols = size / rows;
  if (rowPtr.length !== rows + 1 || colIdx.length !== values.length || rowPtr[rows] !== values.length) return null;
  const weight = new Float32Array(size), mask = new Uint8Array(size);
  for (let r = 0; r < rows; r++) {
    const from = rowPtr[r]!, to = rowPtr[r + 1]!;
    if (from > to || to > values.length) return null;
    for (let k = from; k < to; k++) {
      const c = colIdx[k]!;
      if (c < 0 || c >= cols) return null;
      weight[r * cols + c] = values[k]!;
      mask[r * cols + c] = 1;
    }
  }
  return { weight, mask };
}
