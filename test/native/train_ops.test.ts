// Training ops (losses, row reductions, optimizer steps, elementwise) against float64 JavaScript references written
// from the PyTorch documentation's formulas, on random inputs that are fresh each run (PRUNERL_TEST_SEED replays).
import { describe, expect, it } from 'vitest';
import { native, type AdamOptions, type RmspropOptions } from '../../src/native.js';
import { randomFloat32, rng, testSeed, type Rng } from '../helpers/random.js';
import { simdLevels, withSimdLevel } from '../helpers/simd.js';

const sizes = [1, 3, 17, 33, 129, 1000];
// Above the kernels' 16k-element grain, so the threaded split is exercised too.
const largeSizes = [40_001];

/** max |a − b| / max |b|: the error relative to the reference's largest entry (no floor at 1, unlike expectClose). */
function relativeToScale(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let maxDiff = 0, scale = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? maxDiff : maxDiff / scale;
}

/** -1 when a and b hold the same values (NaN equal to NaN), else the first index where they differ. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function expectRelative(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what = ''): void {
  const err = relativeToScale(actual, expected);
  expect(err, `${what} relative error ${err} > ${tolerance}`).toBeLessThanOrEqual(tolerance);
}

/** Values spread over several magnitudes (and signs), so both small and large cases of a formula are met. */
function spreadFloat32(r: Rng, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r.next() * 2 - 1) * scale * 10 ** r.int(-3, 2);
  if (out.every((v) => v === 0)) out[0] = scale;
  return out;
}

const adamDefaults: AdamOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1 };
const rmspropDefaults: RmspropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, centered: false };
const f32 = (n: number) => new Float32Array(n);

describe(`training ops: bad calls (seed ${testSeed})`, () => {
  it('rejects wrong array types, naming the argument', () => {
    expect(() => native.huberLoss(new Float64Array(3) as never, f32(3), 1)).toThrow(TypeError);
    expect(() => native.huberLoss(new Float64Array(3) as never, f32(3), 1))
      .toThrow(/Float32Array for pred but received Float64Array/);
    expect(() => native.mseLoss(f32(3), new Int32Array(3) as never))
      .toThrow(/Float32Array for target but received Int32Array/);
    expect(() => native.softmaxCrossEntropy(f32(4), [0, 1, 0, 1] as never, 2, 2))
      .toThrow(/for target but received an array/);
    expect(() => native.softmaxCrossEntropy(f32(4), f32(4), 2, 2, new Float64Array(2) as never)).toThrow(/for weights/);
    expect(() => native.argmaxRows(new Uint8Array(4) as never, 2, 2)).toThrow(/Float32Array for q/);
    expect(() => native.gatherRows(f32(4), f32(2) as never, 2, 2))
      .toThrow(/Int32Array for index but received Float32Array/);
    expect(() => native.adamStep(f32(3), f32(3), new Float64Array(3) as never, f32(3), adamDefaults))
      .toThrow(/Float32Array for m\b/);
    expect(() => native.adamStep(f32(3), f32(3), f32(3), f32(3), null as never))
      .toThrow(/an object for options but received null/);
    expect(() => native.rmspropStep(f32(3), f32(3), f32(3), new Float64Array(3) as never, rmspropDefaults))
      .toThrow(/for gradAvg/);
    expect(() => native.relu([1, 2] as never)).toThrow(/Float32Array for x but received an array/);
    expect(() => native.reluBackward(f32(2), undefined as never)).toThrow(/Float32Array for dy but received undefined/);
    expect(() => native.biasAdd(f32(4), new Int32Array(2) as never, 2, 2)).toThrow(/Float32Array for bias/);
    expect(() => native.biasGrad(f32(4), '2' as never, 2)).toThrow(/an integer for rows but received string/);
  });

  it('rejects missing or mistyped options fields', () => {
    const { step: _step, ...noStep } = adamDefaults;
    expect(() => native.adamStep(f32(3), f32(3), f32(3), f32(3), noStep as never))
      .toThrow(/options\.step but received undefined/);
    expect(() => native.adamStep(f32(3), f32(3), f32(3), f32(3), { ...adamDefaults, lr: '1e-3' } as never))
      .toThrow(TypeError);
    expect(() => native.rmspropStep(f32(3), f32(3), f32(3), null, { ...rmspropDefaults, centered: 1 } as never))
      .toThrow(/a boolean for options\.centered but received number 1/);
  });

  it('requires gradAvg for centered RMSprop (TypeError) and accepts null otherwise', () => {
    const call = () => native.rmspropStep(f32(3), f32(3), f32(3), null, { ...rmspropDefaults, centered: true });
    expect(call).toThrow(TypeError);
    expect(call).toThrow(/for gradAvg but received null/);
    expect(() => native.rmspropStepReference(f32(3), f32(3), f32(3), null, { ...rmspropDefaults, centered: false }))
      .not.toThrow();
  });

  it('rejects mismatched lengths', () => {
    expect(() => native.huberLoss(f32(3), f32(2), 1)).toThrow(RangeError);
    expect(() => native.huberLoss(f32(3), f32(2), 1))
      .toThrow(/Expected target to have 3 elements \(pred.length\) but received 2/);
    expect(() => native.mseLoss(f32(0), f32(0))).toThrow(/non-empty Float32Array for pred/);
    expect(() => native.adamStep(f32(3), f32(3), f32(3), f32(4), adamDefaults))
      .toThrow(/Expected v to have 3 elements/);
    expect(() => native.adamStepReference(f32(3), f32(2), f32(3), f32(3), adamDefaults))
      .toThrow(/Expected grads to have 3/);
    expect(() => native.rmspropStep(f32(3), f32(3), f32(2), null, rmspropDefaults))
      .toThrow(/Expected squareAvg to have 3/);
    expect(() => native.rmspropStep(f32(3), f32(3), f32(3), f32(5), { ...rmspropDefaults, centered: true }))
      .toThrow(/Expected gradAvg to have 3/);
    expect(() => native.reluBackward(f32(5), f32(4))).toThrow(/Expected dy to have 5 elements \(y.length\)/);
    expect(() => native.biasAdd(f32(6), f32(2), 2, 3)).toThrow(/Expected bias to have 3 elements/);
    expect(() => native.softmaxCrossEntropy(f32(6), f32(6), 2, 3, f32(3)))
      .toThrow(/Expected weights to have 2 elements/);
    expect(() => native.gatherRows(f32(6), new Int32Array(3), 2, 3)).toThrow(/Expected index to have 2 elements/);
  });

  it('rejects rows·cols that differ from the array length, and bad counts', () => {
    expect(() => native.argmaxRows(f32(6), 2, 4))
      .toThrow(/Expected q to have 8 elements \(rows·cols = 2·4\) but received 6/);
    expect(() => native.maxRows(f32(6), 4, 2)).toThrow(RangeError);
    expect(() => native.softmaxRows(f32(6), 2, 2)).toThrow(/Expected x to have 4 elements/);
    expect(() => native.softmaxCrossEntropy(f32(6), f32(5), 2, 3))
      .toThrow(/Expected target to have 6 elements \(rows·atoms = 2·3\)/);
    expect(() => native.biasGrad(f32(6), 3, 3)).toThrow(/Expected dy to have 9 elements/);
    expect(() => native.argmaxRows(f32(6), 2, 0))
      .toThrow(/integer in \[1, 2147483647\] for cols but received number 0/);
    expect(() => native.argmaxRows(f32(6), 1.5, 4)).toThrow(/for rows but received number 1.5/);
    expect(() => native.softmaxCrossEntropy(f32(0), f32(0), 0, 3)).toThrow(/for rows but received number 0/);
    expect(() => native.biasAdd(f32(6), f32(3), -2, 3)).toThrow(RangeError);
  });

  it('rejects NaN and out-of-range hyperparameters, and step < 1', () => {
    const adam = (o: Partial<AdamOptions>) => () =>
      native.adamStep(f32(3), f32(3), f32(3), f32(3), { ...adamDefaults, ...o });
    expect(adam({ lr: NaN })).toThrow(RangeError);
    expect(adam({ lr: NaN })).toThrow(/a finite number >= 0 for options\.lr but received number NaN/);
    expect(adam({ lr: -1e-3 })).toThrow(/options\.lr/);
    expect(adam({ lr: Infinity })).toThrow(/options\.lr/);
    expect(adam({ beta1: 1 })).toThrow(/a number in \[0, 1\) for options\.beta1 but received number 1/);
    expect(adam({ beta2: NaN })).toThrow(/options\.beta2/);
    expect(adam({ beta2: 0.99999999 })).toThrow(/options\.beta2/); // 1 once rounded to float32
    expect(adam({ eps: -1 })).toThrow(/options\.eps/);
    expect(adam({ step: 0 })).toThrow(/integer in \[1, \d+\] for options\.step but received number 0/);
    expect(adam({ step: 2.5 })).toThrow(/options\.step/);
    const rms = (o: Partial<RmspropOptions>) => () =>
      native.rmspropStep(f32(3), f32(3), f32(3), f32(3), { ...rmspropDefaults, ...o });
    expect(rms({ lr: NaN })).toThrow(/options\.lr but received number NaN/);
    expect(rms({ alpha: 1.5 })).toThrow(/a number in \[0, 1\] for options\.alpha/);
    expect(rms({ eps: NaN })).toThrow(/options\.eps/);
    expect(() => native.huberLoss(f32(3), f32(3), NaN))
      .toThrow(/a finite number > 0 for delta but received number NaN/);
    expect(() => native.huberLoss(f32(3), f32(3), 0)).toThrow(/for delta/);
    expect(() => native.softmaxCrossEntropy(f32(4), f32(4), 2, 2, Float32Array.of(1, NaN)))
      .toThrow(/finite values in weights/);
  });

  it('rejects an index out of range, naming the index and its row', () => {
    const q = f32(6);
    expect(() => native.gatherRows(q, Int32Array.of(0, 3), 2, 3)).toThrow(RangeError);
    expect(() => native.gatherRows(q, Int32Array.of(0, 3), 2, 3))
      .toThrow(/\[0, 3\) for index\[1\] \(the column to take from row 1\) but received 3/);
    expect(() => native.gatherRows(q, Int32Array.of(-1, 0), 2, 3)).toThrow(/index\[0\].*row 0.*received -1/);
  });

  it('rejects in-place arrays that share memory, and modifies nothing when a call fails', () => {
    const buffer = new Float32Array(8).fill(0.5);
    const p = buffer.subarray(0, 4), overlapping = buffer.subarray(2, 6);
    expect(() => native.adamStep(p, f32(4), overlapping, f32(4), adamDefaults)).toThrow(/memory of its own.*overlaps/);
    expect(() => native.rmspropStep(p, f32(4), f32(4), p, { ...rmspropDefaults, centered: true })).toThrow(/overlaps/);
    expect(() => native.biasAdd(buffer, buffer.subarray(0, 4), 2, 4)).toThrow(/memory of its own for y/);
    const params = Float32Array.of(1, 2, 3), m = f32(3), v = f32(3);
    expect(() => native.adamStep(params, Float32Array.of(1, 1, 1), m, v, { ...adamDefaults, step: 0 }))
      .toThrow(RangeError);
    expect(Array.from(params)).toEqual([1, 2, 3]);
    expect(Array.from(m)).toEqual([0, 0, 0]);
  });
});

// ---- float64 references -----------------------------------------------------------------------------------------

function huberRef(pred: Float32Array, target: Float32Array, delta: number) {
  const n = pred.length, grad = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i] - target[i], a = Math.abs(d);
    sum += a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
    grad[i] = Math.max(-delta, Math.min(delta, d)) / n;
  }
  return { loss: sum / n, grad };
}

function mseRef(pred: Float32Array, target: Float32Array) {
  const n = pred.length, grad = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i] - target[i];
    sum += d * d;
    grad[i] = (2 * d) / n;
  }
  return { loss: sum / n, grad };
}

function softmaxRef(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity, sum = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[r * cols + c]);
    for (let c = 0; c < cols; c++) sum += Math.exp(x[r * cols + c] - max);
    for (let c = 0; c < cols; c++) out[r * cols + c] = Math.exp(x[r * cols + c] - max) / sum;
  }
  return out;
}

// CE_r = −Σ_a t_a·log softmax(z)_a; loss = Σ w_r·CE_r / rows; grad = w_r·(softmax − t) / rows.
function crossEntropyRef(z: Float32Array, t: Float32Array, rows: number, atoms: number, w?: Float32Array) {
  const p = softmaxRef(z, rows, atoms), grad = new Float64Array(rows * atoms), perRow = new Float64Array(rows);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const wr = w ? w[r] : 1;
    for (let a = 0; a < atoms; a++) {
      const i = r * atoms + a;
      perRow[r] -= t[i] * Math.log(p[i]);
      grad[i] = (wr * (p[i] - t[i])) / rows;
    }
    loss += (wr * perRow[r]) / rows;
  }
  return { loss, grad, perRow };
}

/** rows probability distributions over atoms (each row sums to 1 up to float rounding). */
function randomDistributions(r: Rng, rows: number, atoms: number): Float32Array {
  const t = new Float32Array(rows * atoms);
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    const raw = Array.from({ length: atoms }, () => (r.next() < 0.3 ? 0 : r.next()));
    if (!raw.some((v) => v > 0)) raw[r.int(0, atoms)] = 1;
    for (const v of raw) sum += v;
    raw.forEach((v, a) => (t[row * atoms + a] = v / sum));
  }
  return t;
}

describe(`losses: behaviour (seed ${testSeed})`, () => {
  const r = rng();

  it('Huber equals torch smooth_l1_loss (beta = 1, mean) on known values', () => {
    // per element: 0.5·0² = 0, 0.5·0.5² = 0.125, 3 − 0.5 = 2.5, |−2| − 0.5 = 1.5 → mean 4.125 / 4
    const { loss, grad } = native.huberLoss(Float32Array.of(0, 0.5, 3, -1), Float32Array.of(0, 0, 0, 1), 1);
    expect(loss).toBeCloseTo(4.125 / 4, 12);
    expect(Array.from(grad)).toEqual([0, 0.125, 0.25, -0.25].map(Math.fround));
  });

  it('Huber matches the float64 reference on both branches, for delta 1 and others', () => {
    const branch = { quadratic: 0, linear: 0 };
    for (const n of [...sizes, ...largeSizes])
      for (const delta of [1, 0.25, 3]) {
        // Differences from about 2e-3 to 40, so both sides of every delta are met.
        const pred = spreadFloat32(r, n, 2), target = spreadFloat32(r, n, 2);
        pred.forEach((v, i) => (Math.abs(v - target[i]) < delta ? branch.quadratic++ : branch.linear++));
        const ref = huberRef(pred, target, delta);
        const { loss, grad } = native.huberLoss(pred, target, delta);
        expect(Math.abs(loss - ref.loss) / Math.abs(ref.loss)).toBeLessThan(1e-12);
        expectRelative(grad, ref.grad, 1e-7, `huber n=${n} delta=${delta}`);
      }
    expect(branch.quadratic).toBeGreaterThan(1000);
    expect(branch.linear).toBeGreaterThan(1000);
  });

  it('MSE matches the float64 reference', () => {
    for (const n of [...sizes, ...largeSizes]) {
      const pred = spreadFloat32(r, n, 3), target = randomFloat32(r, n, 1e-2);
      const ref = mseRef(pred, target);
      const { loss, grad } = native.mseLoss(pred, target);
      expect(Math.abs(loss - ref.loss) / ref.loss).toBeLessThan(1e-12);
      expectRelative(grad, ref.grad, 1e-7, `mse n=${n}`);
    }
  });

  it('softmax cross-entropy matches the float64 reference, with and without per-row weights', () => {
    for (const [rows, atoms] of [[1, 1], [1, 51], [3, 17], [32, 51], [7, 2]]) {
      for (const scale of [1, 30]) {
        const z = randomFloat32(r, rows * atoms, scale), t = randomDistributions(r, rows, atoms);
        const w = Float32Array.from({ length: rows }, () => 0.05 + r.next());
        for (const weights of [undefined, w]) {
          const ref = crossEntropyRef(z, t, rows, atoms, weights);
          const out = native.softmaxCrossEntropy(z, t, rows, atoms, weights);
          expect(Math.abs(out.loss - ref.loss)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(ref.loss)));
          expectRelative(out.grad, ref.grad, 1e-6, `CE grad ${rows}x${atoms}`);
          expectRelative(out.perRow, ref.perRow, 1e-6, `CE perRow ${rows}x${atoms}`);
          expect(Number.isFinite(out.loss)).toBe(true);
        }
        const unweighted = native.softmaxCrossEntropy(z, t, rows, atoms, null);
        const ones = native.softmaxCrossEntropy(z, t, rows, atoms, new Float32Array(rows).fill(1));
        expect(unweighted.loss).toBe(ones.loss);
        expect(Array.from(unweighted.grad)).toEqual(Array.from(ones.grad));
      }
    }
  });

  it('softmax cross-entropy gradient agrees with central finite differences of the loss', () => {
    const rows = 3, atoms = 7;
    const z = randomFloat32(r, rows * atoms, 2), t = randomDistributions(r, rows, atoms);
    const w = Float32Array.from({ length: rows }, () => 0.1 + r.next());
    for (const weights of [undefined, w]) {
      const { grad } = native.softmaxCrossEntropy(z, t, rows, atoms, weights);
      const numeric = new Float64Array(rows * atoms);
      for (let i = 0; i < z.length; i++) {
        const plus = z.slice(), minus = z.slice();
        plus[i] += 1e-3;
        minus[i] -= 1e-3;
        const step = plus[i] - minus[i]; // the float32 step actually taken
        numeric[i] = (native.softmaxCrossEntropy(plus, t, rows, atoms, weights).loss -
          native.softmaxCrossEntropy(minus, t, rows, atoms, weights).loss) / step;
      }
      expectRelative(grad, numeric, 1e-4, 'CE finite differences');
    }
  });
});

describe(`row reductions: behaviour (seed ${testSeed})`, () => {
  const r = rng(testSeed + 1);

  it('argmax takes the first index of the max, and max / gather agree with it', () => {
    for (const [rows, cols] of [[1, 1], [3, 4], [32, 18], [17, 33]]) {
      // Few distinct values, so ties for the max are common.
      const q = Float32Array.from({ length: rows * cols }, () => r.int(-2, 3) * 0.5);
      const arg = native.argmaxRows(q, rows, cols), max = native.maxRows(q, rows, cols);
      const index = Int32Array.from({ length: rows }, () => r.int(0, cols));
      const gathered = native.gatherRows(q, index, rows, cols);
      for (let row = 0; row < rows; row++) {
        const values = Array.from(q.subarray(row * cols, (row + 1) * cols));
        const best = Math.max(...values);
        expect(arg[row]).toBe(values.indexOf(best));
        expect(max[row]).toBe(best);
        expect(gathered[row]).toBe(values[index[row]]);
      }
    }
    expect(Array.from(native.argmaxRows(Float32Array.of(1, 3, 3, 2, 7, 7, 7, 0), 2, 4))).toEqual([1, 0]);
  });

  it('reports NaN as the max (its first index), as torch.argmax does', () => {
    const q = Float32Array.of(1, NaN, 5, NaN, 0, 9);
    expect(Array.from(native.argmaxRows(q, 2, 3))).toEqual([1, 0]);
    expect(native.maxRows(q, 2, 3).every(Number.isNaN)).toBe(true);
  });

  it('handles zero rows', () => {
    expect(native.argmaxRows(f32(0), 0, 4).length).toBe(0);
    expect(native.gatherRows(f32(0), new Int32Array(0), 0, 4).length).toBe(0);
    expect(native.softmaxRows(f32(0), 0, 4).length).toBe(0);
  });

  it('softmax rows match the reference and stay finite for large logits', () => {
    for (const [rows, cols] of [[1, 1], [3, 17], [32, 51]])
      for (const scale of [1, 100, 1e4]) {
        const x = randomFloat32(r, rows * cols, scale);
        const out = native.softmaxRows(x, rows, cols);
        expectRelative(out, softmaxRef(x, rows, cols), 1e-6, `softmax ${rows}x${cols} scale ${scale}`);
        for (let row = 0; row < rows; row++) {
          const sum = out.subarray(row * cols, (row + 1) * cols).reduce((a, b) => a + b, 0);
          expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
        }
      }
  });
});

// ---- optimizers: float64 implementations of the algorithms in PyTorch's documentation ---------------------------

// Each reference also tracks, per element, the scale its float32 rounding errors are relative to: a weight's start
// plus every update it received (updates of opposite sign can cancel to a weight near 0), and the same running
// average over |g| that m or gradAvg takes over g (their terms can cancel too).
interface AdamState { p: Float64Array; m: Float64Array; v: Float64Array; pScale: Float64Array; mScale: Float64Array }
interface RmspropState {
  p: Float64Array; sq: Float64Array; ga: Float64Array; pScale: Float64Array; gaScale: Float64Array;
}

function adamState(p: Float32Array): AdamState {
  const n = p.length;
  const zeros = () => new Float64Array(n);
  return { p: Float64Array.from(p), m: zeros(), v: zeros(), pScale: Float64Array.from(p, Math.abs), mScale: zeros() };
}

function rmspropState(p: Float32Array): RmspropState {
  const n = p.length;
  const zeros = () => new Float64Array(n);
  return { p: Float64Array.from(p), sq: zeros(), ga: zeros(), pScale: Float64Array.from(p, Math.abs),
           gaScale: zeros() };
}

// The kernels take their hyperparameters as float32 (AdamConfig, RmspropConfig), so the references use the same
// rounded values: with β2 = 0.999 the float32 1 − β2 is 1.3e-5 away from 0.001, a different (equally valid) β2
// rather than an error of the step.
const hyper = <T extends object>(o: T): T =>
  Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, typeof v === 'number' && k !== 'step' ? Math.fround(v) : v]),
  ) as T;

// torch.optim.Adam (no weight decay, no amsgrad): m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), θ −= γ·m̂/(√v̂ + ε)
function adamRef(s: AdamState, g: Float32Array, options: AdamOptions): void {
  const o = hyper(options);
  for (let i = 0; i < g.length; i++) {
    s.m[i] = o.beta1 * s.m[i] + (1 - o.beta1) * g[i];
    s.v[i] = o.beta2 * s.v[i] + (1 - o.beta2) * g[i] * g[i];
    const mHat = s.m[i] / (1 - o.beta1 ** o.step), vHat = s.v[i] / (1 - o.beta2 ** o.step);
    const update = (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
    s.p[i] -= update;
    s.pScale[i] += Math.abs(update);
    s.mScale[i] = o.beta1 * s.mScale[i] + (1 - o.beta1) * Math.abs(g[i]);
  }
}

// torch.optim.RMSprop (no momentum, no weight decay): v = αv + (1−α)g²; centered: ḡ = αḡ + (1−α)g, ṽ = v − ḡ²;
// θ −= γ·g/(√ṽ + ε)
function rmspropRef(s: RmspropState, g: Float32Array, options: RmspropOptions): void {
  const o = hyper(options);
  for (let i = 0; i < g.length; i++) {
    s.sq[i] = o.alpha * s.sq[i] + (1 - o.alpha) * g[i] * g[i];
    let variance = s.sq[i];
    if (o.centered) {
      s.ga[i] = o.alpha * s.ga[i] + (1 - o.alpha) * g[i];
      s.gaScale[i] = o.alpha * s.gaScale[i] + (1 - o.alpha) * Math.abs(g[i]);
      variance -= s.ga[i] * s.ga[i];
    }
    const update = (o.lr * g[i]) / (Math.sqrt(variance) + o.eps);
    s.p[i] -= update;
    s.pScale[i] += Math.abs(update);
  }
}

/** max |a − b| over the largest error scale of the array. */
function expectWithinScale(actual: Float32Array, expected: Float64Array, scale: Float64Array, tolerance: number,
                           what: string): void {
  let maxDiff = 0, maxScale = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxScale = Math.max(maxScale, scale[i]);
  }
  const err = maxDiff / maxScale;
  expect(err, `${what}: error ${err} of its scale > ${tolerance}`).toBeLessThanOrEqual(tolerance);
}

const adamCases: Omit<AdamOptions, 'step'>[] = [
  { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  { lr: 6.25e-5, beta1: 0.9, beta2: 0.999, eps: 1.5e-4 }, // Dopamine's DQN: eps comparable to √v̂
  { lr: 0.1, beta1: 0.5, beta2: 0.9, eps: 1e-3 },
];
const rmspropCases: RmspropOptions[] = [
  { lr: 1e-2, alpha: 0.99, eps: 1e-8, centered: false },
  { lr: 2.5e-4, alpha: 0.95, eps: 0.01, centered: true }, // MinAtar's DQN settings
  { lr: 1e-3, alpha: 0.9, eps: 1e-6, centered: true },
];

describe(`optimizers: behaviour (seed ${testSeed})`, () => {
  const r = rng(testSeed + 2);
  const steps = 5;

  it('Adam: the first step from zero moments moves each weight by lr against its gradient sign', () => {
    const p = Float32Array.of(1, 1, 1), g = Float32Array.of(0.3, -2, 1e-2);
    native.adamStep(p, g, f32(3), f32(3), { ...adamDefaults, lr: 0.01, eps: 1e-12 });
    expectRelative(p, [0.99, 1.01, 0.99], 1e-6);
  });

  const adamFns = [['adamStep', native.adamStep], ['adamStepReference', native.adamStepReference]] as const;
  for (const [name, step] of adamFns) {
    it(`${name} follows PyTorch's Adam over ${steps} steps at every SIMD level`, () => {
      for (const level of simdLevels)
        for (const options of adamCases)
          for (const n of [...sizes, ...largeSizes]) {
            // Small weights so that the updates, not the starting values, set the scale being compared.
            const p = randomFloat32(r, n, 1e-3), m = f32(n), v = f32(n);
            const ref = adamState(p);
            for (let t = 1; t <= steps; t++) {
              const g = spreadFloat32(r, n, 1);
              withSimdLevel(level, () => step(p, g, m, v, { ...options, step: t }));
              adamRef(ref, g, { ...options, step: t });
            }
            const what = `${name} ${level} n=${n} lr=${options.lr}`;
            expectWithinScale(m, ref.m, ref.mScale, 1e-5, `${what} m`);
            expectRelative(v, ref.v, 1e-5, `${what} v`);
            expectWithinScale(p, ref.p, ref.pScale, 1e-5, `${what} p`);
          }
    });
  }

  const rmspropFns = [
    ['rmspropStep', native.rmspropStep],
    ['rmspropStepReference', native.rmspropStepReference],
  ] as const;
  for (const [name, step] of rmspropFns) {
    it(`${name} follows PyTorch's RMSprop (plain and centered) over ${steps} steps at every SIMD level`, () => {
      for (const level of simdLevels)
        for (const options of rmspropCases)
          for (const n of [...sizes, ...largeSizes]) {
            const p = randomFloat32(r, n, 1e-3), sq = f32(n);
            const ga = options.centered ? f32(n) : null;
            const ref = rmspropState(p);
            for (let t = 1; t <= steps; t++) {
              const g = spreadFloat32(r, n, 1);
              withSimdLevel(level, () => step(p, g, sq, ga, options));
              rmspropRef(ref, g, options);
            }
            const what = `${name} ${level} n=${n} centered=${options.centered}`;
            expectRelative(sq, ref.sq, 1e-5, `${what} squareAvg`);
            if (ga) expectWithinScale(ga, ref.ga, ref.gaScale, 1e-5, `${what} gradAvg`);
            expectWithinScale(p, ref.p, ref.pScale, 1e-5, `${what} p`);
          }
    });
  }

  it('centered RMSprop stays finite under a constant gradient (where sq − ga² rounds below zero)', () => {
    for (const level of simdLevels) {
      const n = 37, p = f32(n), sq = f32(n), ga = f32(n), g = randomFloat32(r, n, 1);
      const fast = { p: f32(n), sq: f32(n), ga: f32(n) };
      const options = { lr: 1e-6, alpha: 0.9, eps: 1e-8, centered: true };
      for (let t = 0; t < 400; t++) {
        native.rmspropStepReference(p, g, sq, ga, options);
        withSimdLevel(level, () => native.rmspropStep(fast.p, g, fast.sq, fast.ga, options));
      }
      expect(p.every(Number.isFinite), `reference ${level}`).toBe(true);
      expect(firstDifference(fast.p, p), `fast ${level}`).toBe(-1);
    }
  });

  it('RMSprop leaves a gradAvg it was given untouched when not centered', () => {
    const ga = Float32Array.of(0.5, 0.5);
    native.rmspropStep(Float32Array.of(1, 2), Float32Array.of(1, 1), f32(2), ga, rmspropDefaults);
    expect(Array.from(ga)).toEqual([0.5, 0.5]);
  });

  it('fast steps give results bit-identical to the references at every SIMD level and thread split', () => {
    for (const level of simdLevels)
      for (const n of [...sizes, ...largeSizes]) {
        const p0 = randomFloat32(r, n, 1), grads = [1, 2, 3].map(() => spreadFloat32(r, n, 1));
        const adam = [0, 1].map(() => ({ p: p0.slice(), m: f32(n), v: f32(n) }));
        const rms = [0, 1].map(() => ({ p: p0.slice(), sq: f32(n), ga: f32(n) }));
        grads.forEach((g, i) => {
          const options = { ...adamDefaults, lr: 0.05, step: i + 1 };
          withSimdLevel(level, () => native.adamStep(adam[0].p, g, adam[0].m, adam[0].v, options));
          native.adamStepReference(adam[1].p, g, adam[1].m, adam[1].v, options);
          const centered = { ...rmspropDefaults, centered: true };
          withSimdLevel(level, () => native.rmspropStep(rms[0].p, g, rms[0].sq, rms[0].ga, centered));
          native.rmspropStepReference(rms[1].p, g, rms[1].sq, rms[1].ga, centered);
        });
        // The same operations in the same order, with FMA contraction off: any difference is a bug, not rounding.
        for (const key of ['p', 'm', 'v'] as const)
          expect(firstDifference(adam[0][key], adam[1][key]), `adam ${key} ${level} n=${n}`).toBe(-1);
        for (const key of ['p', 'sq', 'ga'] as const)
          expect(firstDifference(rms[0][key], rms[1][key]), `rmsprop ${key} ${level} n=${n}`).toBe(-1);
      }
  });
});

// ---- elementwise ------------------------------------------------------------------------------------------------

describe(`elementwise: behaviour (seed ${testSeed})`, () => {
  const r = rng(testSeed + 3);

  it('relu and its backward match the reference at every SIMD level', () => {
    for (const level of simdLevels)
      for (const n of [...sizes, ...largeSizes]) {
        const x = spreadFloat32(r, n, 1);
        for (let i = 0; i < n; i += 7) x[i] = 0; // exact zeros: dx is 0 there (the output is not > 0)
        const dy = randomFloat32(r, n, 1);
        const y = withSimdLevel(level, () => native.relu(x));
        const dx = withSimdLevel(level, () => native.reluBackward(y, dy));
        for (let i = 0; i < n; i++) {
          if (y[i] !== Math.max(0, x[i])) throw new Error(`relu ${level} n=${n}: y[${i}] = ${y[i]} for x = ${x[i]}`);
          if (dx[i] !== (x[i] > 0 ? dy[i] : 0)) throw new Error(`reluBackward ${level} n=${n}: dx[${i}] = ${dx[i]}`);
        }
        expect(Object.is(native.relu(Float32Array.of(-0))[0], 0)).toBe(true);
      }
  });

  it('biasAdd and biasGrad match the reference at every SIMD level', () => {
    const shapes = [[1, 1], [3, 17], [32, 33], [5, 129], [3000, 17], [0, 4]];
    for (const level of simdLevels)
      for (const [rows, cols] of shapes) {
        const y = randomFloat32(r, rows * cols, 2), bias = spreadFloat32(r, cols, 1);
        const expected = Float32Array.from(y, (v, i) => v + bias[i % cols]); // one float32 add, as the kernel
        withSimdLevel(level, () => native.biasAdd(y, bias, rows, cols));
        expect(Array.from(y)).toEqual(Array.from(expected));

        const dy = spreadFloat32(r, rows * cols, 1), sums = new Float64Array(cols);
        for (let i = 0; i < dy.length; i++) sums[i % cols] += dy[i];
        const db = withSimdLevel(level, () => native.biasGrad(dy, rows, cols));
        // Each sum is accumulated in double and rounded once: within one float32 rounding of the exact value.
        for (let c = 0; c < cols; c++)
          expect(Math.abs(db[c] - sums[c]), `biasGrad ${level} column ${c}`)
            .toBeLessThanOrEqual(Math.abs(sums[c]) * 2 ** -23);
      }
  });
});
