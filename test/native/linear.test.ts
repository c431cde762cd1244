import { describe, expect, it } from 'vitest';
import { native, type GemmOptions, type LinearShape, type NativeCsrMatrix } from '../../src/native.js';
import { expectClose } from '../helpers/compare.js';
import { randomFloat32, randomMask, rng, testSeed, type Rng } from '../helpers/random.js';
import { simdLevels, withSimdLevel } from '../helpers/simd.js';

// ---- float64 JavaScript references -------------------------------------------------------------------------------

/** c = alpha·op(a)·op(b) + beta·c, row-major; a is [m,k] ([k,m] when transA), b is [k,n] ([n,k] when transB). */
function gemmJs(a: Float32Array, b: Float32Array, c: Float32Array, o: GemmOptions): Float64Array {
  const { m, n, k } = o, alpha = o.alpha ?? 1, beta = o.beta ?? 0;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += (o.transA ? a[p * m + i] : a[i * k + p]) * (o.transB ? b[j * k + p] : b[p * n + j]);
      out[i * n + j] = alpha * acc + (beta === 0 ? 0 : beta * c[i * n + j]);
    }
  return out;
}

/** y[b, o] = Σ_i x[b, i]·w[o, i]·mask[o, i] (mask null: all kept). */
function linearJs(x: Float32Array, w: Float32Array, mask: Uint8Array | null, s: LinearShape): Float64Array {
  const y = new Float64Array(s.batch * s.outFeatures);
  for (let b = 0; b < s.batch; b++)
    for (let o = 0; o < s.outFeatures; o++) {
      let acc = 0;
      for (let i = 0; i < s.inFeatures; i++)
        if (!mask || mask[o * s.inFeatures + i]) acc += x[b * s.inFeatures + i] * w[o * s.inFeatures + i];
      y[b * s.outFeatures + o] = acc;
    }
  return y;
}

/** dx[b, i] = Σ_o dy[b, o]·w[o, i]·mask[o, i] */
function inputGradJs(dy: Float32Array, w: Float32Array, mask: Uint8Array, batch: number, rows: number, cols: number) {
  const dx = new Float64Array(batch * cols);
  for (let b = 0; b < batch; b++)
    for (let o = 0; o < rows; o++)
      for (let i = 0; i < cols; i++) if (mask[o * cols + i]) dx[b * cols + i] += dy[b * rows + o] * w[o * cols + i];
  return dx;
}

/** dValues in CSR order (row-major over kept entries): Σ_b dy[b, o]·x[b, i] */
function sddmmJs(dy: Float32Array, x: Float32Array, mask: Uint8Array, batch: number, rows: number, cols: number) {
  const out: number[] = [];
  for (let o = 0; o < rows; o++)
    for (let i = 0; i < cols; i++) {
      if (!mask[o * cols + i]) continue;
      let acc = 0;
      for (let b = 0; b < batch; b++) acc += dy[b * rows + o] * x[b * cols + i];
      out.push(acc);
    }
  return Float64Array.from(out);
}

function csrOf(r: Rng, rows: number, cols: number, sparsity: number) {
  const w = randomFloat32(r, rows * cols);
  const mask = randomMask(r, rows * cols, 1 - sparsity);
  return { w, mask, m: native.toCsr(w, mask, rows, cols) };
}

const gemmFns = [
  ['gemm', native.gemm],
  ['gemmReference', native.gemmReference],
] as const;
const spmmFns = [
  ['spmm', native.spmm],
  ['spmmReference', native.spmmReference],
  ['spmmInputGrad', native.spmmInputGrad],
  ['spmmInputGradReference', native.spmmInputGradReference],
] as const;
const sddmmFns = [
  ['sddmm', native.sddmm],
  ['sddmmReference', native.sddmmReference],
  ['spmmBackward', native.spmmBackward],
  ['spmmBackwardReference', native.spmmBackwardReference],
] as const;

// ---- bad calls ---------------------------------------------------------------------------------------------------

describe(`linear algebra: bad calls (seed ${testSeed})`, () => {
  const f = (n: number) => new Float32Array(n);
  const opts = { m: 2, n: 3, k: 4 };

  it.each(gemmFns)('%s rejects wrong array types, naming the argument', (_, fn) => {
    expect(() => fn(new Float64Array(8) as never, f(12), f(6), opts)).toThrow(TypeError);
    expect(() => fn(new Float64Array(8) as never, f(12), f(6), opts)).toThrow(/for a but received Float64Array/);
    expect(() => fn(f(8), [1, 2] as never, f(6), opts)).toThrow(/for b/);
    expect(() => fn(f(8), f(12), null as never, opts)).toThrow(/for c/);
    expect(() => fn(f(8), f(12), f(6), null as never)).toThrow(/an object for options/);
  });
  it.each(gemmFns)('%s rejects bad sizes and flags with the field name', (_, fn) => {
    expect(() => fn(f(8), f(12), f(6), { ...opts, m: -1 })).toThrow(RangeError);
    expect(() => fn(f(8), f(12), f(6), { ...opts, m: -1 })).toThrow(/options\.m/);
    expect(() => fn(f(8), f(12), f(6), { ...opts, k: 1.5 })).toThrow(/options\.k/);
    expect(() => fn(f(8), f(12), f(6), { m: 2, k: 4 } as never)).toThrow(TypeError);
    expect(() => fn(f(8), f(12), f(6), { m: 2, k: 4 } as never)).toThrow(/options\.n/);
    expect(() => fn(f(8), f(12), f(6), { ...opts, transA: 1 as never })).toThrow(/options\.transA/);
    expect(() => fn(f(8), f(12), f(6), { ...opts, alpha: Number.NaN })).toThrow(RangeError);
    expect(() => fn(f(8), f(12), f(6), { ...opts, beta: Infinity })).toThrow(/options\.beta/);
  });
  it.each(gemmFns)('%s rejects operands whose lengths do not match m, n, k', (_, fn) => {
    expect(() => fn(f(9), f(12), f(6), opts)).toThrow(RangeError);
    expect(() => fn(f(9), f(12), f(6), opts)).toThrow(/a to have 8 elements/);
    expect(() => fn(f(8), f(11), f(6), opts)).toThrow(/b to have 12 elements/);
    expect(() => fn(f(8), f(12), f(7), opts)).toThrow(/c to have 6 elements/);
  });

  it('matmul and maskedMatmul reject bad operands and shapes', () => {
    const shape = { batch: 2, inFeatures: 3, outFeatures: 4 };
    const mask = new Uint8Array(12);
    expect(() => native.matmul(new Int32Array(6) as never, f(12), shape)).toThrow(/for x/);
    expect(() => native.matmul(f(6), f(12), 7 as never)).toThrow(/an object for shape/);
    expect(() => native.matmul(f(6), f(13), shape)).toThrow(RangeError); // w does not multiply x
    expect(() => native.matmul(f(6), f(13), shape)).toThrow(/w to have 12 elements/);
    expect(() => native.matmul(f(7), f(12), shape)).toThrow(/x to have 6 elements/);
    expect(() => native.matmul(f(6), f(12), { ...shape, batch: 0 })).toThrow(/shape\.batch/);
    expect(() => native.matmul(f(6), f(12), { ...shape, inFeatures: 2.5 })).toThrow(/shape\.inFeatures/);
    expect(() => native.matmul(f(6), f(12), { batch: 2, inFeatures: 3 } as never)).toThrow(TypeError);
    expect(() => native.maskedMatmul(f(6), f(12), f(12) as never, shape)).toThrow(/Uint8Array for mask/);
    expect(() => native.maskedMatmul(f(6), f(12), new Uint8Array(11), shape)).toThrow(/mask to have 12/);
    expect(() => native.maskedMatmul(f(6), f(11), mask, shape)).toThrow(/w to have 12/);
  });

  it('toCsr rejects bad weights, masks and sizes', () => {
    expect(() => native.toCsr(new Float64Array(6) as never, null, 2, 3)).toThrow(/for w/);
    expect(() => native.toCsr(f(6), new Int32Array(6) as never, 2, 3)).toThrow(/Uint8Array for mask/);
    expect(() => native.toCsr(f(6), new Uint8Array(5), 2, 3)).toThrow(/mask to have 6/);
    expect(() => native.toCsr(f(5), null, 2, 3)).toThrow(/w to have 6/);
    expect(() => native.toCsr(f(6), null, -2, 3)).toThrow(RangeError);
    expect(() => native.toCsr(f(6), null, -2, 3)).toThrow(/rows/);
    expect(() => native.toCsr(f(6), null, 2, 3.5)).toThrow(/cols/);
    expect(() => native.toCsr(f(6), null, 2, '3' as never)).toThrow(TypeError);
    expect(() => native.toCsr(f(0), null, 0, 0)).toThrow(RangeError);
  });

  it('a CsrMatrix is made only by toCsr and its copies fail after dispose()', () => {
    const m = native.toCsr(f(6).fill(1), null, 2, 3);
    const ctor = Object.getPrototypeOf(m).constructor as new () => unknown;
    expect(() => new ctor()).toThrow(TypeError);
    m.dispose();
    expect(m.disposed).toBe(true);
    expect(() => m.values()).toThrow(TypeError);
    expect(() => m.toDense()).toThrow(/disposed/);
    m.dispose(); // twice is harmless
  });

  it.each(spmmFns)('%s rejects a non-CSR or disposed matrix, a bad batch and wrong lengths', (_, fn) => {
    const m = native.toCsr(f(6).fill(1), null, 2, 3);
    const tensor = new native.Tensor('float32', [6]);
    // spmm: x is [batch, 3]; the input gradient takes dy [batch, 2]
    const input = fn === native.spmm || fn === native.spmmReference ? f(3) : f(2);
    const name = input.length === 3 ? 'x' : 'dy';
    expect(() => fn(input, {} as never, 1)).toThrow(TypeError);
    expect(() => fn(input, {} as never, 1)).toThrow(/CsrMatrix from toCsr for m/);
    expect(() => fn(input, tensor as never, 1)).toThrow(/for m/);
    expect(() => fn(new Float64Array(input.length) as never, m, 1)).toThrow(new RegExp(`for ${name}`));
    expect(() => fn(input, m, 0)).toThrow(/batch/);
    expect(() => fn(input, m, 1.5)).toThrow(RangeError);
    expect(() => fn(input, m, 2)).toThrow(new RegExp(`${name} to have ${input.length * 2} elements`));
    m.dispose();
    expect(() => fn(input, m, 1)).toThrow(TypeError);
    expect(() => fn(input, m, 1)).toThrow(/live CsrMatrix for m but received a disposed/);
    tensor.dispose();
  });

  it.each(sddmmFns)('%s rejects a disposed matrix and wrong lengths', (_, fn) => {
    const m: NativeCsrMatrix = native.toCsr(f(6).fill(1), null, 2, 3);
    expect(() => fn(f(2), f(3), null as never, 1)).toThrow(/for m/);
    expect(() => fn(f(3), f(3), m, 1)).toThrow(/dy to have 2/);
    expect(() => fn(f(2), f(2), m, 1)).toThrow(/x to have 3/);
    expect(() => fn(f(2), new Uint8Array(3) as never, m, 1)).toThrow(/Float32Array for x/);
    expect(() => fn(f(2), f(3), m, -1)).toThrow(/batch/);
    m.dispose();
    expect(() => fn(f(2), f(3), m, 1)).toThrow(/disposed/);
  });
});

// ---- behaviour ---------------------------------------------------------------------------------------------------

describe(`gemm: behaviour (seed ${testSeed})`, () => {
  // [m, n, k]: tiny, odd, thin (dot products), packed A or B, long depth (several depth blocks), and large enough
  // to be split over threads (by rows, columns, and rows of a transposed C).
  const shapes: [number, number, number][] = [
    [1, 1, 1], [3, 17, 33], [1, 129, 70], [2, 40, 100], [40, 3, 100], [20, 70, 50], [70, 20, 50], [33, 129, 65],
    [13, 37, 1100], [129, 33, 17], [100, 130, 90], [20, 300, 200],
  ];
  const cases = [
    { transA: false, transB: false }, { transA: true, transB: false },
    { transA: false, transB: true }, { transA: true, transB: true },
  ];

  it.each(simdLevels)('matches the float64 reference for all trans combinations, alpha and beta (%s)', (level) => {
    const r = rng();
    withSimdLevel(level, () => {
      for (const [m, n, k] of shapes)
        for (const trans of cases) {
          const o: GemmOptions = { m, n, k, ...trans, alpha: r.next() < 0.5 ? 1 : 0.75, beta: r.next() < 0.5 ? 0 : -0.5 };
          const a = randomFloat32(r, m * k), b = randomFloat32(r, k * n), c = randomFloat32(r, m * n);
          const expected = gemmJs(a, b, c, o);
          const fast = Float32Array.from(c), reference = Float32Array.from(c);
          native.gemm(a, b, fast, o);
          native.gemmReference(a, b, reference, o);
          expectClose(fast, expected, 2e-5);
          expectClose(reference, expected, 1e-6);
        }
    });
  });

  it('beta = 0 overwrites C, NaNs included; k = 0 scales C by beta', () => {
    const r = rng();
    const a = randomFloat32(r, 6), b = randomFloat32(r, 12);
    for (const fn of [native.gemm, native.gemmReference]) {
      const c = new Float32Array(8).fill(Number.NaN);
      fn(a, b, c, { m: 2, n: 4, k: 3, transA: true });
      expect(c.every(Number.isFinite)).toBe(true);
      const d = Float32Array.from([1, 2, 3, 4]);
      fn(new Float32Array(0), new Float32Array(0), d, { m: 2, n: 2, k: 0, beta: 0.5 });
      expect(Array.from(d)).toEqual([0.5, 1, 1.5, 2]);
    }
  });

  it('gives bit-identical results on repeated calls (no timing-dependent order)', () => {
    const r = rng();
    const o = { m: 96, n: 200, k: 300, transB: true };
    const a = randomFloat32(r, o.m * o.k), b = randomFloat32(r, o.k * o.n);
    const first = new Float32Array(o.m * o.n), second = new Float32Array(o.m * o.n);
    native.gemm(a, b, first, o);
    native.gemm(a, b, second, o);
    expect(second).toEqual(first);
  });

  it.each(simdLevels)('matmul computes x·wᵀ (%s)', (level) => {
    const r = rng();
    withSimdLevel(level, () => {
      for (const [batch, inFeatures, outFeatures] of [[1, 1, 1], [1, 300, 17], [32, 100, 64], [5, 33, 129]]) {
        const shape = { batch, inFeatures, outFeatures };
        const x = randomFloat32(r, batch * inFeatures), w = randomFloat32(r, outFeatures * inFeatures);
        expectClose(native.matmul(x, w, shape), linearJs(x, w, null, shape), 2e-5);
      }
    });
  });
});

describe(`CSR and masked products: behaviour (seed ${testSeed})`, () => {
  const sparsities = [0, 0.5, 0.9, 0.99, 1];
  // [rows, cols]; batches cover the gather path (< 4), partial vectors and several vector chunks.
  const shapes: [number, number][] = [[1, 1], [1, 37], [37, 1], [17, 33], [64, 300]];
  const batches = [1, 3, 4, 17, 32, 33];

  it('toCsr keeps the masked entries in row order; a null mask keeps non-zero weights', () => {
    const w = Float32Array.from([0, 1, 2, 0, 3, 0]);
    const masked = native.toCsr(w, Uint8Array.from([1, 1, 0, 0, 1, 1]), 2, 3);
    expect([masked.rows, masked.cols, masked.nnz]).toEqual([2, 3, 4]);
    expect(Array.from(masked.rowPtr())).toEqual([0, 2, 4]);
    expect(Array.from(masked.colIdx())).toEqual([0, 1, 1, 2]);
    expect(Array.from(masked.values())).toEqual([0, 1, 3, 0]); // a kept entry may be 0
    expect(Array.from(masked.toDense())).toEqual([0, 1, 0, 0, 3, 0]);
    const byValue = native.toCsr(w, null, 2, 3);
    expect(Array.from(byValue.colIdx())).toEqual([1, 2, 1]);
    expect(Array.from(byValue.toDense())).toEqual(Array.from(w));
    const empty = native.toCsr(w, new Uint8Array(6), 2, 3);
    expect(empty.nnz).toBe(0);
    expect(Array.from(empty.rowPtr())).toEqual([0, 0, 0]);
    for (const m of [masked, byValue, empty]) m.dispose();
  });

  it.each(simdLevels)('spmm, spmmInputGrad and sddmm match float64 references (%s)', (level) => {
    const r = rng();
    withSimdLevel(level, () => {
      for (const [rows, cols] of shapes)
        for (const sparsity of sparsities)
          for (const batch of batches) {
            const { w, mask, m } = csrOf(r, rows, cols, sparsity);
            const shape = { batch, inFeatures: cols, outFeatures: rows };
            const x = randomFloat32(r, batch * cols), dy = randomFloat32(r, batch * rows);
            const y = linearJs(x, w, mask, shape);
            const dx = inputGradJs(dy, w, mask, batch, rows, cols);
            const dValues = sddmmJs(dy, x, mask, batch, rows, cols);
            expectClose(native.spmm(x, m, batch), y);
            expectClose(native.spmmInputGrad(dy, m, batch), dx);
            expectClose(native.sddmm(dy, x, m, batch), dValues);
            expectClose(native.spmmReference(x, m, batch), y, 1e-6);
            expectClose(native.spmmInputGradReference(dy, m, batch), dx, 1e-6);
            expectClose(native.sddmmReference(dy, x, m, batch), dValues, 1e-6);
            for (const backward of [native.spmmBackward, native.spmmBackwardReference]) {
              const both = backward(dy, x, m, batch);
              expectClose(both.dx, dx);
              expectClose(both.dValues, dValues);
            }
            m.dispose();
          }
    });
  });

  it.each(simdLevels)('masked matmul == CSR == dense with zeros, on layer-sized shapes (%s)', (level) => {
    const r = rng();
    withSimdLevel(level, () => {
      // [32, 64, 5120, 0.95]: a transposed input past the L2 budget, where the CSR forward splits the batch.
      for (const [batch, rows, cols, sparsity] of [[32, 128, 400, 0.9], [1, 200, 300, 0.95], [7, 64, 1024, 0.5],
        [32, 64, 5120, 0.95]]) {
        const { w, mask, m } = csrOf(r, rows, cols, sparsity);
        const shape = { batch, inFeatures: cols, outFeatures: rows };
        const x = randomFloat32(r, batch * cols);
        const zeroed = w.map((v, i) => (mask[i] ? v : 0));
        const expected = linearJs(x, w, mask, shape);
        expectClose(native.maskedMatmul(x, w, mask, shape), expected, 2e-5);
        expectClose(native.spmm(x, m, batch), expected, 2e-5);
        expectClose(native.matmul(x, zeroed, shape), expected, 2e-5);
        m.dispose();
      }
    });
  });

  it.each(simdLevels)('spmmBackward (fused) matches its reference on random odd layer shapes (%s)', (level) => {
    const r = rng();
    withSimdLevel(level, () => {
      for (let trial = 0; trial < 12; trial++) {
        const rows = r.int(1, 200), cols = r.int(1, 700), batch = r.int(1, 70);
        const sparsity = [0.5, 0.9, 0.95, 0.99][r.int(0, 4)];
        const { m } = csrOf(r, rows, cols, sparsity);
        const x = randomFloat32(r, batch * cols), dy = randomFloat32(r, batch * rows);
        const fast = native.spmmBackward(dy, x, m, batch), reference = native.spmmBackwardReference(dy, x, m, batch);
        expectClose(fast.dx, reference.dx, 2e-5);
        expectClose(fast.dValues, reference.dValues, 2e-5);
        // The fused pass and the two separate products compute the same sums.
        expectClose(fast.dx, native.spmmInputGrad(dy, m, batch), 2e-5);
        expectClose(fast.dValues, native.sddmm(dy, x, m, batch), 2e-5);
        // Deterministic: the split depends on sizes and thread count only.
        expect(native.spmmBackward(dy, x, m, batch)).toEqual(fast);
        m.dispose();
      }
    });
  });

  it('builds the column view lazily once; repeated input gradients are bit-identical', () => {
    const r = rng();
    const { w, mask, m } = csrOf(r, 40, 50, 0.8);
    const dy = randomFloat32(r, 5 * 40);
    const first = native.spmmInputGrad(dy, m, 5);
    expect(native.spmmInputGrad(dy, m, 5)).toEqual(first);
    expectClose(first, inputGradJs(dy, w, mask, 5, 40, 50));
    m.dispose();
  });
});
