import { describe, expect, it } from 'vitest';
import { native, type Conv2dShape, type Pool2dShape } from '../../src/native.js';
import { expectClose } from '../helpers/compare.js';
import { randomFloat32, rng, testSeed, type Rng } from '../helpers/random.js';
import { simdLevels, withSimdLevel } from '../helpers/simd.js';

// ---- float64 JavaScript references: direct loops, NHWC, filters [outC, k, k, inC] --------------------------------

interface Dims {
  B: number; H: number; W: number; C: number; O: number; k: number; s: number; p: number; OH: number; OW: number;
}

function dims(shape: Conv2dShape): Dims {
  const s = shape.stride ?? 1, p = shape.padding ?? 0, k = shape.kernel;
  return {
    B: shape.batch, H: shape.height, W: shape.width, C: shape.inChannels, O: shape.outChannels, k, s, p,
    OH: Math.floor((shape.height + 2 * p - k) / s) + 1,
    OW: Math.floor((shape.width + 2 * p - k) / s) + 1,
  };
}

/** Calls visit(xIndex, wIndex, yIndex) for every multiply of the convolution (padding contributes nothing). */
function forEachTap(shape: Conv2dShape, visit: (xi: number, wi: number, yi: number) => void): void {
  const { B, H, W, C, O, k, s, p, OH, OW } = dims(shape);
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let o = 0; o < O; o++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const iy = oy * s - p + ky, ix = ox * s - p + kx;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              const yi = ((b * OH + oy) * OW + ox) * O + o;
              for (let c = 0; c < C; c++) visit(((b * H + iy) * W + ix) * C + c, ((o * k + ky) * k + kx) * C + c, yi);
            }
}

function convForwardJs(x: Float32Array, w: Float32Array, bias: Float32Array | null, shape: Conv2dShape): Float64Array {
  const { B, O, OH, OW } = dims(shape);
  const y = new Float64Array(B * OH * OW * O);
  if (bias) for (let i = 0; i < y.length; i++) y[i] = bias[i % O];
  forEachTap(shape, (xi, wi, yi) => { y[yi] += x[xi] * w[wi]; });
  return y;
}

function convBackwardJs(x: Float32Array, w: Float32Array, dy: Float32Array, shape: Conv2dShape) {
  const dx = new Float64Array(x.length), dw = new Float64Array(w.length), db = new Float64Array(shape.outChannels);
  for (let i = 0; i < dy.length; i++) db[i % shape.outChannels] += dy[i];
  forEachTap(shape, (xi, wi, yi) => {
    dx[xi] += dy[yi] * w[wi];
    dw[wi] += dy[yi] * x[xi];
  });
  return { dx, dw, db };
}

function maxPoolJs(x: Float32Array, shape: Pool2dShape) {
  const { batch: B, height: H, width: W, channels: C, kernel: k } = shape;
  const s = shape.stride ?? 1, p = shape.padding ?? 0;
  const OH = Math.floor((H + 2 * p - k) / s) + 1, OW = Math.floor((W + 2 * p - k) / s) + 1;
  const y = new Float32Array(B * OH * OW * C), argmax = new Int32Array(y.length);
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let c = 0; c < C; c++) {
          let best = -Infinity, where = -1;
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const iy = oy * s - p + ky, ix = ox * s - p + kx;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue; // padding is −∞: it never wins
              const xi = ((b * H + iy) * W + ix) * C + c;
              // Strictly greater, so ties keep the first; a NaN beats a number, so it shows in the output.
              if (where < 0 || x[xi] > best || (Number.isNaN(x[xi]) && !Number.isNaN(best))) {
                best = x[xi];
                where = xi;
              }
            }
          const yi = ((b * OH + oy) * OW + ox) * C + c;
          y[yi] = best;
          argmax[yi] = where;
        }
  return { y, argmax };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function outputCount(shape: Conv2dShape): number {
  const { B, O, OH, OW } = dims(shape);
  return B * OH * OW * O;
}

function randomConvInputs(r: Rng, shape: Conv2dShape) {
  const { B, H, W, C, O, k } = dims(shape);
  return {
    x: randomFloat32(r, B * H * W * C),
    w: randomFloat32(r, O * k * k * C),
    bias: randomFloat32(r, O),
    dy: randomFloat32(r, outputCount(shape)),
  };
}

// Fixed cases for the shapes the project runs (MinAtar, Impala) and the edges (1×1, a kernel wider than the image
// without its padding, stride larger than the kernel), then random ones.
const fixedConvCases: Conv2dShape[] = [
  { batch: 1, height: 1, width: 1, inChannels: 1, outChannels: 1, kernel: 1 },
  { batch: 3, height: 10, width: 10, inChannels: 4, outChannels: 16, kernel: 3 }, // MinAtar ×1
  { batch: 1, height: 10, width: 10, inChannels: 4, outChannels: 48, kernel: 3 }, // MinAtar ×3
  { batch: 3, height: 9, width: 9, inChannels: 16, outChannels: 16, kernel: 3, padding: 1 }, // Impala residual
  { batch: 3, height: 11, width: 7, inChannels: 3, outChannels: 16, kernel: 3, stride: 2, padding: 1 },
  { batch: 1, height: 6, width: 7, inChannels: 16, outChannels: 3, kernel: 5, stride: 2, padding: 2 },
  { batch: 3, height: 5, width: 3, inChannels: 1, outChannels: 4, kernel: 5, padding: 2 },
  { batch: 3, height: 7, width: 5, inChannels: 3, outChannels: 4, kernel: 1 }, // patches are x itself
  { batch: 1, height: 13, width: 13, inChannels: 4, outChannels: 3, kernel: 1, stride: 2 },
  { batch: 3, height: 9, width: 8, inChannels: 3, outChannels: 1, kernel: 3, stride: 4 }, // windows skip pixels
  // Window rows of 1–3 floats, and of 2–10 floats cut by the padding: every length class of the copy.
  { batch: 1, height: 6, width: 5, inChannels: 1, outChannels: 3, kernel: 3, padding: 1 },
  { batch: 3, height: 7, width: 6, inChannels: 2, outChannels: 4, kernel: 5, stride: 2, padding: 2 },
];

function randomConvShape(r: Rng): Conv2dShape {
  const pick = <T>(options: T[]): T => options[r.int(0, options.length)];
  const kernel = pick([1, 3, 5]);
  const padding = r.int(0, Math.min(2, kernel - 1) + 1);
  const least = Math.max(1, kernel - 2 * padding);
  return {
    batch: pick([1, 3]), height: r.int(least, least + 9), width: r.int(least, least + 9),
    inChannels: pick([1, 3, 4, 16]), outChannels: pick([1, 3, 4, 16]), kernel, stride: pick([1, 2]), padding,
  };
}

function describeShape(s: Conv2dShape): string {
  const sizes = `B${s.batch} ${s.height}x${s.width}x${s.inChannels} -> ${s.outChannels}`;
  return `${sizes} k${s.kernel} s${s.stride ?? 1} p${s.padding ?? 0}`;
}

const tiny: Conv2dShape = { batch: 1, height: 4, width: 5, inChannels: 2, outChannels: 3, kernel: 3 };

describe(`conv2d: bad calls (seed ${testSeed})`, () => {
  const x = new Float32Array(4 * 5 * 2), w = new Float32Array(3 * 9 * 2), dy = new Float32Array(2 * 3 * 3);
  const forwards = [native.conv2dForward, native.conv2dForwardReference];
  const backwards = [native.conv2dBackward, native.conv2dBackwardReference];

  it('rejects wrong array types with a TypeError naming the argument', () => {
    for (const f of forwards) {
      expect(() => f(new Float64Array(x.length) as never, w, null, tiny)).toThrow(TypeError);
      expect(() => f(new Float64Array(x.length) as never, w, null, tiny)).toThrow(/for x but received Float64Array/);
      expect(() => f(x, Array.from(w) as never, null, tiny)).toThrow(/for w but received an array/);
      expect(() => f(x, w, new Int32Array(3) as never, tiny)).toThrow(/for bias but received Int32Array/);
      expect(() => f(x, w, null, 'shape' as never)).toThrow(/an object for shape/);
    }
    for (const f of backwards) {
      expect(() => f(x, w, new Uint8Array(dy.length) as never, tiny)).toThrow(TypeError);
      expect(() => f(x, w, new Uint8Array(dy.length) as never, tiny)).toThrow(/for dy/);
    }
  });

  it('rejects shape fields that are missing, not integers or not positive', () => {
    const bad: [Partial<Conv2dShape>, RegExp, ErrorConstructor][] = [
      [{ batch: undefined }, /shape\.batch/, TypeError],
      [{ height: 0 }, /shape\.height/, RangeError],
      [{ width: 4.5 }, /shape\.width/, RangeError],
      [{ inChannels: -2 }, /shape\.inChannels/, RangeError],
      [{ outChannels: NaN }, /shape\.outChannels/, RangeError],
      [{ kernel: 0 }, /shape\.kernel/, RangeError],
      [{ stride: 0 }, /shape\.stride/, RangeError],
      [{ padding: -1 }, /shape\.padding/, RangeError],
      [{ stride: '2' as never }, /shape\.stride/, TypeError],
    ];
    for (const [patch, message, kind] of bad) {
      const shape = { ...tiny, ...patch };
      for (const f of forwards) {
        expect(() => f(x, w, null, shape)).toThrow(kind);
        expect(() => f(x, w, null, shape)).toThrow(message);
      }
      for (const f of backwards) expect(() => f(x, w, dy, shape)).toThrow(message);
    }
  });

  it('rejects padding ≥ kernel and a kernel larger than the padded image', () => {
    expect(() => native.conv2dForward(x, w, null, { ...tiny, padding: 3 })).toThrow(RangeError);
    expect(() => native.conv2dForward(x, w, null, { ...tiny, padding: 3 })).toThrow(/kernel − 1 = 2\] for padding/);
    const oneByOne = { ...tiny, kernel: 1, padding: 1 };
    expect(() => native.conv2dForward(x, new Float32Array(3 * 2), null, oneByOne)).toThrow(/for padding/);
    const wide = { ...tiny, height: 2, kernel: 3 }; // 3 > 2 + 2·0
    expect(() => native.conv2dForward(new Float32Array(2 * 5 * 2), w, null, wide)).toThrow(RangeError);
    expect(() => native.conv2dForward(new Float32Array(2 * 5 * 2), w, null, wide)).toThrow(/for kernel/);
    expect(() => native.conv2dBackwardReference(x, w, dy, { ...tiny, width: 1, padding: 0 })).toThrow(/for kernel/);
  });

  it('rejects shapes whose tensors would pass 2^31 elements before allocating anything', () => {
    const huge = { batch: 2 ** 16, height: 2 ** 8, width: 2 ** 8, inChannels: 1, outChannels: 1, kernel: 1 };
    expect(() => native.conv2dForward(x, w, null, huge)).toThrow(/2\^31/);
    const manyPatches = {
      batch: 2 ** 10, height: 2 ** 8, width: 2 ** 8, inChannels: 4, outChannels: 1, kernel: 3, padding: 1,
    };
    expect(() => native.conv2dBackward(x, w, dy, manyPatches)).toThrow(/im2col patches/);
  });

  it('rejects wrong lengths with a RangeError giving the expected count and its formula', () => {
    for (const f of forwards) {
      expect(() => f(x.subarray(1), w, null, tiny)).toThrow(RangeError);
      expect(() => f(x.subarray(1), w, null, tiny)).toThrow(
        'Expected x to have 40 elements (batch·height·width·inChannels = 1·4·5·2) but received 39');
      expect(() => f(x, new Float32Array(55), null, tiny)).toThrow(
        'Expected w to have 54 elements (outChannels·kernel·kernel·inChannels = 3·3·3·2) but received 55');
      expect(() => f(x, w, new Float32Array(2), tiny)).toThrow(/Expected bias to have 3 elements/);
      expect(() => f(x, w, new Float32Array(0), tiny)).toThrow(/Expected bias to have 3 elements/);
    }
    for (const f of backwards) {
      expect(() => f(x, w, new Float32Array(17), tiny)).toThrow(
        'Expected dy to have 18 elements (batch·outHeight·outWidth·outChannels = 1·2·3·3) but received 17');
      expect(() => f(new Float32Array(41), w, dy, tiny)).toThrow(/Expected x to have 40 elements/);
    }
  });
});

describe(`max-pool: bad calls (seed ${testSeed})`, () => {
  const shape: Pool2dShape = { batch: 2, height: 5, width: 5, channels: 3, kernel: 3, stride: 2, padding: 1 };
  const x = new Float32Array(2 * 5 * 5 * 3);

  it('rejects wrong types', () => {
    expect(() => native.maxPool2dForward(new Float64Array(x.length) as never, shape))
      .toThrow(/for x but received Float64Array/);
    expect(() => native.maxPool2dForward(x, null as never)).toThrow(TypeError);
    expect(() => native.maxPool2dForward(x, { ...shape, channels: undefined } as never)).toThrow(/shape\.channels/);
    expect(() => native.maxPool2dBackward(new Float32Array(2), new Float32Array(2) as never, 4)).toThrow(TypeError);
    expect(() => native.maxPool2dBackward(new Float32Array(2), new Float32Array(2) as never, 4)).toThrow(/for argmax/);
    expect(() => native.maxPool2dBackward(new Float32Array(2), new Int32Array(2), '4' as never))
      .toThrow(/for inputSize/);
  });

  it('rejects bad shape values', () => {
    expect(() => native.maxPool2dForward(x, { ...shape, kernel: 0 })).toThrow(/shape\.kernel/);
    expect(() => native.maxPool2dForward(x, { ...shape, stride: 1.5 })).toThrow(/shape\.stride/);
    expect(() => native.maxPool2dForward(x, { ...shape, padding: 3 })).toThrow(/for padding/);
    expect(() => native.maxPool2dForward(x, { ...shape, padding: 0, kernel: 6 })).toThrow(/for kernel/);
    const huge = { ...shape, batch: 2 ** 20, height: 2 ** 10, width: 2 ** 10 };
    expect(() => native.maxPool2dForward(x, huge)).toThrow(/2\^31/);
  });

  it('rejects wrong lengths and argmax entries out of range', () => {
    expect(() => native.maxPool2dForward(x.subarray(3), shape)).toThrow(
      'Expected x to have 150 elements (batch·height·width·channels = 2·5·5·3) but received 147');
    expect(() => native.maxPool2dBackward(new Float32Array(3), new Int32Array(2), 4))
      .toThrow(/Expected argmax to have 3 elements/);
    expect(() => native.maxPool2dBackward(new Float32Array(2), Int32Array.of(0, 4), 4)).toThrow(RangeError);
    expect(() => native.maxPool2dBackward(new Float32Array(2), Int32Array.of(0, 4), 4)).toThrow(
      /inputSize − 1 = 3\] for argmax but received 4 at index 1/);
    expect(() => native.maxPool2dBackward(new Float32Array(2), Int32Array.of(-1, 0), 4))
      .toThrow(/received -1 at index 0/);
    expect(() => native.maxPool2dBackward(new Float32Array(2), Int32Array.of(0, 1), 0)).toThrow(/for inputSize/);
  });
});

describe(`conv2d: behaviour (seed ${testSeed})`, () => {
  const r = rng();
  const cases = [...fixedConvCases, ...Array.from({ length: 12 }, () => randomConvShape(r))];

  for (const level of simdLevels) {
    it(`forward: fast and reference match a float64 direct convolution (${level})`, () => {
      withSimdLevel(level, () => {
        for (const shape of cases) {
          const { x, w, bias } = randomConvInputs(r, shape);
          for (const b of [bias, null]) {
            const expected = convForwardJs(x, w, b, shape);
            const label = `${describeShape(shape)} bias=${b !== null}`;
            const reference = native.conv2dForwardReference(x, w, b, shape);
            expect(reference.length, label).toBe(expected.length);
            expectClose(reference, expected, 1e-5);
            expectClose(native.conv2dForward(x, w, b, shape), expected, 5e-5);
          }
        }
      });
    });

    it(`backward: fast and reference match float64 direct gradients (${level})`, () => {
      withSimdLevel(level, () => {
        for (const shape of cases) {
          const { x, w, dy } = randomConvInputs(r, shape);
          const expected = convBackwardJs(x, w, dy, shape);
          const variants = [[native.conv2dBackwardReference, 1e-5], [native.conv2dBackward, 5e-5]] as const;
          for (const [f, tolerance] of variants) {
            const got = f(x, w, dy, shape);
            expectClose(got.dx, expected.dx, tolerance);
            expectClose(got.dw, expected.dw, tolerance);
            expectClose(got.db, expected.db, tolerance);
          }
        }
      });
    });
  }

  it('shape defaults: stride 1 and padding 0 when left out', () => {
    const shape = { batch: 1, height: 5, width: 6, inChannels: 3, outChannels: 2, kernel: 3 };
    const { x, w, bias } = randomConvInputs(r, shape);
    expect(Array.from(native.conv2dForward(x, w, bias, shape)))
      .toEqual(Array.from(native.conv2dForward(x, w, bias, { ...shape, stride: 1, padding: 0 })));
    expect(native.conv2dForward(x, w, bias, shape).length).toBe(3 * 4 * 2);
  });

  it('is deterministic: the same call gives bit-identical results', () => {
    const shape = { batch: 32, height: 10, width: 10, inChannels: 4, outChannels: 16, kernel: 3 };
    const { x, w, bias, dy } = randomConvInputs(r, shape);
    expect(native.conv2dForward(x, w, bias, shape)).toEqual(native.conv2dForward(x, w, bias, shape));
    const first = native.conv2dBackward(x, w, dy, shape), second = native.conv2dBackward(x, w, dy, shape);
    expect(first.dx).toEqual(second.dx);
    expect(first.dw).toEqual(second.dw);
    expect(first.db).toEqual(second.db);
  });

  it('backward matches central finite differences of forward on a tiny case', () => {
    // The loss L = Σ y·g is linear in x, w and bias, so a central difference is exact up to rounding for any step.
    const shape: Conv2dShape = {
      batch: 2, height: 4, width: 5, inChannels: 2, outChannels: 3, kernel: 3, stride: 2, padding: 1,
    };
    const { x, w, bias, dy: g } = randomConvInputs(r, shape);
    const loss = (xs: Float32Array, ws: Float32Array, bs: Float32Array) =>
      dot(native.conv2dForward(xs, ws, bs, shape), g);
    const step = 0.25;
    const numeric = (values: Float32Array, evaluate: () => number) =>
      Array.from(values, (_, i) => {
        const keep = values[i];
        values[i] = keep + step;
        const up = evaluate();
        values[i] = keep - step;
        const down = evaluate();
        values[i] = keep;
        return (up - down) / (2 * step);
      });
    const analytic = native.conv2dBackward(x, w, g, shape);
    expectClose(analytic.dx, numeric(x, () => loss(x, w, bias)), 1e-4);
    expectClose(analytic.dw, numeric(w, () => loss(x, w, bias)), 1e-4);
    expectClose(analytic.db, numeric(bias, () => loss(x, w, bias)), 1e-4);
  });

  it('with identity filters, forward is im2col and backward dx is col2im: <im2col(x), p> = <x, col2im(p)>', () => {
    const shapes: Conv2dShape[] = [
      { batch: 3, height: 7, width: 6, inChannels: 3, outChannels: 0, kernel: 3, stride: 2, padding: 1 },
      { batch: 1, height: 5, width: 5, inChannels: 1, outChannels: 0, kernel: 5, stride: 1, padding: 2 },
      { batch: 3, height: 8, width: 9, inChannels: 4, outChannels: 0, kernel: 3, stride: 3, padding: 2 },
      { batch: 1, height: 4, width: 3, inChannels: 2, outChannels: 0, kernel: 1, stride: 2, padding: 0 },
    ];
    for (const base of shapes) {
      const patchSize = base.kernel * base.kernel * base.inChannels;
      const shape = { ...base, outChannels: patchSize }; // one output channel per patch entry
      const identity = new Float32Array(patchSize * patchSize);
      for (let i = 0; i < patchSize; i++) identity[i * patchSize + i] = 1;
      const { x } = randomConvInputs(r, shape);
      const patches = native.conv2dForward(x, identity, null, shape);
      // Each patch entry is one input value (or a padding zero), copied exactly.
      expect(Array.from(patches), describeShape(shape)).toEqual(Array.from(convForwardJs(x, identity, null, shape)));
      const p = randomFloat32(r, patches.length);
      const { dx } = native.conv2dBackward(x, identity, p, shape);
      const left = dot(patches, p), right = dot(x, dx);
      expect(Math.abs(left - right), describeShape(shape)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(left)));
      expectClose(dx, convBackwardJs(x, identity, p, shape).dx, 1e-6);
    }
  });

  it('the conv and its backward are adjoint on random filters: <conv(x), dy> = <x, dx> = <w, dw>', () => {
    for (let trial = 0; trial < 6; trial++) {
      const shape = randomConvShape(r);
      const { x, w, dy } = randomConvInputs(r, shape);
      const { dx, dw } = native.conv2dBackward(x, w, dy, shape);
      const forward = dot(native.conv2dForward(x, w, null, shape), dy);
      const scale = Math.max(1, Math.abs(forward));
      expect(Math.abs(forward - dot(x, dx)), describeShape(shape)).toBeLessThanOrEqual(1e-4 * scale);
      expect(Math.abs(forward - dot(w, dw)), describeShape(shape)).toBeLessThanOrEqual(1e-4 * scale);
    }
  });
});

describe(`max-pool: behaviour (seed ${testSeed})`, () => {
  const r = rng();
  const cases: Pool2dShape[] = [
    // Channel counts cover whole vectors (8, 16), vectors plus a tail (12, 17, 33) and tails alone (1, 3).
    { batch: 3, height: 10, width: 10, channels: 16, kernel: 3, stride: 2, padding: 1 }, // Impala
    { batch: 1, height: 9, width: 7, channels: 3, kernel: 3, stride: 2, padding: 1 },
    { batch: 3, height: 5, width: 6, channels: 1, kernel: 2, stride: 2 },
    { batch: 1, height: 7, width: 7, channels: 17, kernel: 3, stride: 1, padding: 2 },
    { batch: 3, height: 3, width: 1, channels: 12, kernel: 1, stride: 1 },
    { batch: 1, height: 1, width: 1, channels: 33, kernel: 2, stride: 1, padding: 1 },
    { batch: 3, height: 11, width: 4, channels: 8, kernel: 5, stride: 3, padding: 2 },
  ];
  const sizeOf = (s: Pool2dShape) => s.batch * s.height * s.width * s.channels;

  for (const level of simdLevels) {
    it(`forward matches the JavaScript reference (values and argmax) (${level})`, () => {
      withSimdLevel(level, () => {
        for (const shape of cases) {
          const x = randomFloat32(r, sizeOf(shape));
          const got = native.maxPool2dForward(x, shape), expected = maxPoolJs(x, shape);
          expect(Array.from(got.y), JSON.stringify(shape)).toEqual(Array.from(expected.y));
          expect(Array.from(got.argmax), JSON.stringify(shape)).toEqual(Array.from(expected.argmax));
        }
      });
    });
  }

  for (const level of simdLevels) {
    it(`ties go to the first (smallest) index (${level})`, () => {
      withSimdLevel(level, () => {
        const shape: Pool2dShape = { batch: 1, height: 2, width: 2, channels: 2, kernel: 2 };
        const x = Float32Array.of(1, 5, 3, 5, 3, 5, 3, 2); // channel 0: 1,3,3,3  channel 1: 5,5,5,2
        const { y, argmax } = native.maxPool2dForward(x, shape);
        expect(Array.from(y)).toEqual([3, 5]);
        expect(Array.from(argmax)).toEqual([2, 1]);
        for (const pooled of cases) {
          // Three distinct values: most windows hold ties.
          const quantised = Float32Array.from(randomFloat32(r, sizeOf(pooled)), (v) => Math.round(v));
          const got = native.maxPool2dForward(quantised, pooled).argmax;
          expect(Array.from(got)).toEqual(Array.from(maxPoolJs(quantised, pooled).argmax));
        }
      });
    });
  }

  for (const level of simdLevels) {
    it(`padding never wins, even when every input is negative (${level})`, () => {
      withSimdLevel(level, () => {
        for (const shape of cases) {
          const x = Float32Array.from(randomFloat32(r, sizeOf(shape)), (v) => -1 - Math.abs(v));
          const { y, argmax } = native.maxPool2dForward(x, shape);
          for (let j = 0; j < y.length; j++) {
            expect(y[j]).toBeLessThan(-0.999);
            expect(x[argmax[j]]).toBe(y[j]);
            expect(argmax[j] % shape.channels).toBe(j % shape.channels); // the winner is in the same channel
          }
          expect(Array.from(argmax)).toEqual(Array.from(maxPoolJs(x, shape).argmax));
        }
      });
    });
  }

  for (const level of simdLevels) {
    it(`a NaN in a window shows in the output, the first NaN winning (${level})`, () => {
      withSimdLevel(level, () => {
        const shape: Pool2dShape = { batch: 1, height: 2, width: 2, channels: 1, kernel: 2 };
        const { y, argmax } = native.maxPool2dForward(Float32Array.of(1, NaN, 3, 2), shape);
        expect(y[0]).toBeNaN();
        expect(argmax[0]).toBe(1);
        for (const pooled of cases) {
          const x = Float32Array.from(randomFloat32(r, sizeOf(pooled)), (v) => (r.next() < 0.1 ? NaN : v));
          const got = native.maxPool2dForward(x, pooled), expected = maxPoolJs(x, pooled);
          expect(Array.from(got.y)).toEqual(Array.from(expected.y));
          expect(Array.from(got.argmax)).toEqual(Array.from(expected.argmax));
        }
      });
    });
  }

  it('backward scatters dy to the winners, summing where windows share one', () => {
    for (const shape of cases) {
      // Rounded inputs so overlapping windows (stride < kernel) often pick the same winner.
      const x = Float32Array.from(randomFloat32(r, sizeOf(shape), 2), (v) => Math.round(v));
      const { y, argmax } = native.maxPool2dForward(x, shape);
      const dy = randomFloat32(r, y.length);
      const expected = new Float64Array(x.length);
      for (let j = 0; j < dy.length; j++) expected[argmax[j]] += dy[j];
      const dx = native.maxPool2dBackward(dy, argmax, x.length);
      expect(dx.length).toBe(x.length);
      expectClose(dx, expected, 1e-6);
    }
  });

  it('pool then backward is the gradient of Σ y·dy (finite differences)', () => {
    const shape: Pool2dShape = { batch: 1, height: 5, width: 5, channels: 2, kernel: 3, stride: 2, padding: 1 };
    // Well-separated values, so a small step never changes a window's winner.
    const x = Float32Array.from(randomFloat32(r, sizeOf(shape)), (v, i) => v * 0.01 + i);
    const dy = randomFloat32(r, native.maxPool2dForward(x, shape).y.length);
    const dx = native.maxPool2dBackward(dy, native.maxPool2dForward(x, shape).argmax, x.length);
    const step = 0.125;
    for (let i = 0; i < x.length; i++) {
      const keep = x[i];
      x[i] = keep + step;
      const up = dot(native.maxPool2dForward(x, shape).y, dy);
      x[i] = keep - step;
      const down = dot(native.maxPool2dForward(x, shape).y, dy);
      x[i] = keep;
      expect((up - down) / (2 * step)).toBeCloseTo(dx[i], 4);
    }
  });
});
