// Fuzz-style checks of the native boundary: every export of the addon (found through Object.keys(native), so a new
// export is covered without touching this file), every method of its objects (Tensor, CsrMatrix, Network), and the
// same on disposed objects, called with random bad arguments: wrong types, wrong lengths, NaN, negative and huge
// sizes, disposed objects, wrong mask dtypes. Each call must return or throw a one-line TypeError/RangeError;
// anything else (a plain Error, a crash of the test process) fails, except "no CUDA device" or "built without CUDA" from cuda.* calls. Replay a failure with PRUNERL_TEST_SEED.
import { types } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { native } from '../../src/native.js';
import { rng, testSeed, type Rng } from '../helpers/random.js';

type Fn = (...args: unknown[]) => unknown;
const addon = native as unknown as Record<string, unknown>;

/** Every callable export, nested namespaces (e.g. `cuda`) included, as [path, function, isClass]. */
function exportedFunctions(): [string, Fn, boolean][] {
  const out: [string, Fn, boolean][] = [];
  const visit = (obj: Record<string, unknown>, prefix: string, depth: number) => {
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (typeof v === 'function') out.push([prefix + key, v as Fn, /^[A-Z]/.test(key)]);
      else if (v && typeof v === 'object' && depth < 2) visit(v as Record<string, unknown>, `${prefix}${key}.`, depth + 1);
    }
  };
  visit(addon, '', 0);
  return out;
}

/** Live and disposed native objects, made fresh for each use. */
function liveTensor() { return new native.Tensor('float32', [2, 3]); }
function liveCsr() { return native.toCsr(new Float32Array([1, 0, 2, 0, 0, 3]), null, 2, 3); }
function liveNetwork() { return new native.Network([{ type: 'linear', out: 2 }], [3], 1); }
function disposed<T extends { dispose(): void }>(make: () => T): T {
  const o = make();
  o.dispose();
  return o;
}

// gc() in this process, so hostile getters can collect in the middle of a native call.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const isProxy = (v: unknown) => types.isProxy(v);

/** Hostile values: user code (getters, Proxy traps) that runs while the addon reads its arguments. */
function hostileValues(): unknown[] {
  const detached = new Float32Array(6);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  const cyclic: unknown[] = [1];
  cyclic.push(cyclic);
  const selfResidual: Record<string, unknown> = { type: 'residual', body: [] };
  (selfResidual.body as unknown[]).push(selfResidual);
  const gcEverywhere = new Proxy({ batch: 2, inFeatures: 3, outFeatures: 2, m: 2, n: 2, k: 3, type: 'adam', lr: 0.1 }, {
    get(target, key) { collect(); return (target as Record<string | symbol, unknown>)[key]; },
  });
  const throwing = new Proxy({}, { get() { throw new TypeError('Expected nothing from this hostile Proxy'); } });
  const shrinking = new ArrayBuffer(24, { maxByteLength: 48 } as never);
  return [detached, cyclic, [selfResidual], gcEverywhere, throwing, new Float32Array(shrinking), [gcEverywhere]];
}

/** Bad (or at least suspicious) values of every kind the boundary sees. */
function badValues(): unknown[] {
  const obj = (fields: Record<string, unknown>) => fields;
  return [
    undefined, null, NaN, -1, 0, 1, 2.5, -0.5, 1e10, 2 ** 31, 2 ** 53, Infinity, -Infinity, true, '', 'float32', 'bogus',
    10n, Symbol('s'), () => 1, {}, [], [NaN], [-1], [2, 3], [1e10, 1e10], ['x'], [{}], [null],
    new Float32Array(0), new Float32Array(3), Float32Array.of(NaN, Infinity, -1), new Float64Array(6),
    new Int32Array(4), Int32Array.of(-1, 7, 2 ** 30), new Uint8Array(6), new Uint16Array(6), new ArrayBuffer(8),
    new DataView(new ArrayBuffer(8)), [new Float32Array(2)], [new Uint8Array(2), new Float32Array(2)],
    obj({ m: -1, n: 2, k: 3 }), obj({ m: NaN, n: NaN, k: NaN }), obj({ m: 2, n: 2, k: 2, alpha: 'x' }),
    obj({ batch: 1, inFeatures: -3, outFeatures: 2 }), obj({ batch: 1e10, inFeatures: 1e10, outFeatures: 1 }),
    obj({ batch: 1, height: 3, width: 3, inChannels: 1, outChannels: 1, kernel: 5 }),
    obj({ batch: 1, height: 3, width: 3, channels: 1, kernel: 0, stride: -1 }),
    obj({ lr: NaN, beta1: 2, beta2: -1, eps: 0, step: 0 }), obj({ lr: 0.1, alpha: 0.9, eps: 1e-8, centered: 'yes' }),
    obj({ type: 'adam', lr: -1 }), obj({ type: 'nope', lr: 1 }), obj({ step: -1, tensors: [new Float32Array(1)] }),
    [{ type: 'linear', out: -1 }], [{ type: 'conv2d', out: 1, kernel: 99 }], [{ type: 'residual', body: 'x' }],
    [{ type: 'linear', out: 1e10 }], [{ type: 'mystery' }],
    liveTensor(), disposed(liveTensor), liveCsr(), disposed(liveCsr), disposed(liveNetwork),
    ...hostileValues(),
  ];
}

/** Calls fn and checks the outcome: a value, or a one-line TypeError/RangeError. Returns whether it threw. */
function callChecked(what: string, call: () => unknown): boolean {
  try {
    call();
    return false;
  } catch (err) {
    // Besides bad arguments, the one refusal allowed is the environment's: a CUDA call on a machine without a device.
    const noDevice = err instanceof Error && /no CUDA device|built without CUDA|kernel workbench/.test(err.message);
    const ok = err instanceof TypeError || err instanceof RangeError || noDevice;
    if (!ok) throw new Error(`${what} threw ${String(err)} (expected a TypeError or RangeError); seed ${testSeed}`);
    const message = (err as Error).message;
    if (message.length === 0 || message.includes('\n'))
      throw new Error(`${what} threw a ${(err as Error).name} whose message is not one line: ${JSON.stringify(message)}`);
    return true;
  }
}

function randomArgs(r: Rng, pool: unknown[]): unknown[] {
  const n = r.int(0, 6);
  return Array.from({ length: n }, () => pool[r.int(0, pool.length)]);
}

function describeArgs(args: unknown[]): string {
  return args
    .map((a) => {
      if (isProxy(a)) return 'Proxy';
      if (ArrayBuffer.isView(a)) return `${a.constructor.name}(${(a as Uint8Array).length ?? ''})`;
      if (typeof a === 'bigint') return `${a}n`;
      if (typeof a === 'symbol' || typeof a === 'function') return typeof a;
      try { return JSON.stringify(a) ?? String(a); } catch { return String(a); }
    })
    .join(', ');
}

// Calls per export; PRUNERL_FUZZ_ROUNDS raises it for a longer local run.
const ROUNDS = Number(process.env.PRUNERL_FUZZ_ROUNDS) || 60;

describe(`native boundary fuzz (seed ${testSeed})`, () => {
  const functions = exportedFunctions();

  it('finds the exports to fuzz', () => {
    const names = functions.map(([n]) => n);
    for (const expected of ['Tensor', 'Network', 'gemm', 'toCsr', 'spmm', 'magnitudePrune', 'adamStep', 'conv2dForward'])
      expect(names).toContain(expected);
  });

  for (const [name, fn, isClass] of functions) {
    it(`${name}: random bad arguments give a TypeError/RangeError or a result, never a crash`, () => {
      const r = rng(testSeed ^ [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7));
      const pool = badValues();
      for (let round = 0; round < ROUNDS; round++) {
        const args = randomArgs(r, pool);
        const what = `${isClass ? 'new ' : ''}${name}(${describeArgs(args)})`;
        callChecked(what, () => {
          const result = isClass ? new (fn as unknown as new (...a: unknown[]) => unknown)(...args) : fn(...args);
          if (result && typeof (result as { dispose?: unknown }).dispose === 'function') (result as { dispose(): void }).dispose();
        });
      }
    });
  }

  const objects: [string, () => Record<string, unknown>][] = [
    ['Tensor', () => liveTensor() as unknown as Record<string, unknown>],
    ['CsrMatrix', () => liveCsr() as unknown as Record<string, unknown>],
    ['Network', () => liveNetwork() as unknown as Record<string, unknown>],
  ];
  for (const [kind, make] of objects) {
    it(`${kind} methods: random bad arguments, live and disposed, never crash`, () => {
      const r = rng(testSeed + kind.length);
      const pool = badValues();
      for (const state of ['live', 'disposed'] as const) {
        const obj = make();
        if (state === 'disposed') (obj.dispose as Fn).call(obj);
        const proto = Object.getPrototypeOf(obj) as object;
        const members = Object.getOwnPropertyNames(proto).filter((k) => k !== 'constructor' && k !== 'dispose');
        for (const member of members) {
          const d = Object.getOwnPropertyDescriptor(proto, member)!;
          if (d.get) callChecked(`${state} ${kind}.${member}`, () => (obj as Record<string, unknown>)[member]);
          if (typeof d.value !== 'function') continue;
          for (let round = 0; round < ROUNDS / 4; round++) {
            const args = randomArgs(r, pool);
            const threw = callChecked(`${state} ${kind}.${member}(${describeArgs(args)})`, () =>
              (d.value as Fn).apply(obj, args));
            // A disposed object refuses every method that needs its memory (all but the read-only counters).
            if (state === 'disposed' && kind === 'Network') expect(threw, `disposed Network.${member}()`).toBe(true);
          }
        }
        (obj.dispose as Fn).call(obj);  // a second dispose() is a no-op
      }
    });
  }

  // Valid calls, then each argument (and each field of an options argument) swapped for every bad value: this
  // reaches the checks behind the first argument, which random argument lists rarely get past.
  const f = (n: number) => Float32Array.from({ length: n }, (_, i) => (i % 5) - 2);
  const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1 };
  const conv = { batch: 1, height: 3, width: 3, inChannels: 2, outChannels: 2, kernel: 2 };
  const valid: Record<string, () => unknown[]> = {
    gemm: () => [f(6), f(6), f(4), { m: 2, n: 2, k: 3, transB: true }],
    matmul: () => [f(6), f(6), { batch: 2, inFeatures: 3, outFeatures: 2 }],
    maskedMatmul: () => [f(6), f(6), new Uint8Array(6).fill(1), { batch: 2, inFeatures: 3, outFeatures: 2 }],
    toCsr: () => [f(6), new Uint8Array(6).fill(1), 2, 3],
    spmm: () => [f(6), liveCsr(), 2],
    spmmInputGrad: () => [f(4), liveCsr(), 2],
    sddmm: () => [f(4), f(6), liveCsr(), 2],
    spmmBackward: () => [f(4), f(6), liveCsr(), 2],
    magnitudePrune: () => [[f(6)], [new Uint8Array(6).fill(1)], 0.5, 'layer'],
    kthSmallestAbs: () => [f(6), 2],
    huberLoss: () => [f(3), f(3), 1],
    mseLoss: () => [f(3), f(3)],
    softmaxCrossEntropy: () => [f(6), f(6), 2, 3, null],
    argmaxRows: () => [f(6), 2, 3],
    maxRows: () => [f(6), 2, 3],
    gatherRows: () => [f(6), Int32Array.of(0, 2), 2, 3],
    softmaxRows: () => [f(6), 2, 3],
    adamStep: () => [f(6), f(6), f(6), f(6), { ...adam }],
    rmspropStep: () => [f(6), f(6), f(6), f(6), { lr: 1e-3, alpha: 0.9, eps: 1e-8, centered: true }],
    relu: () => [f(6)],
    reluBackward: () => [f(6), f(6)],
    biasAdd: () => [f(6), f(3), 2, 3],
    biasGrad: () => [f(6), 2, 3],
    conv2dForward: () => [f(18), f(16), f(2), { ...conv }],
    conv2dBackward: () => [f(18), f(16), f(8), { ...conv }],
    maxPool2dForward: () => [f(18), { batch: 1, height: 3, width: 3, channels: 2, kernel: 2 }],
    maxPool2dBackward: () => [f(8), Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7), 18],
    duelingQ: () => [f(8), { batch: 2, actions: 3 }],
    duelingQBackward: () => [f(6), { batch: 2, actions: 3 }],
    duelingLogits: () => [f(16), { batch: 2, actions: 3, atoms: 2 }],
    duelingLogitsBackward: () => [f(12), { batch: 2, actions: 3, atoms: 2 }],
    c51Probabilities: () => [f(6), 2, 3],
    c51Expectation: () => [f(6), 2, { atoms: 3, vMin: -1, vMax: 1 }],
    tdTarget: () => [f(2), f(2), f(2), f(2)],
    c51Project: () => [f(12), Int32Array.of(0, 1), f(2), f(2), f(2), { batch: 2, actions: 2, atoms: 3, vMin: -1, vMax: 1 }],
    tdLoss: () => [f(2), f(2), f(2), Int32Array.of(0, 1), { batch: 2, actions: 2 }, 'huber'],
    c51Loss: () => [f(12), f(6), null, Int32Array.of(0, 1), { batch: 2, actions: 2, atoms: 3 }],
    applyMask: () => [f(6), new Uint8Array(6).fill(1)],
    sgdStep: () => [f(6), f(6), 0.1],
  };
  for (const name of Object.keys(valid)) {
    const fn = addon[name] as Fn;
    const variants = [name, `${name}Reference`].filter((n) => typeof addon[n] === 'function');
    it(`${variants.join(' / ')}: one bad argument or field in a valid call never crashes`, () => {
      expect(() => fn(...valid[name]())).not.toThrow();
      const pool = badValues();
      for (const variant of variants) {
        const call = addon[variant] as Fn;
        const base = valid[name]();
        for (let i = 0; i < base.length; i++) {
          const options = base[i] && typeof base[i] === 'object' && !ArrayBuffer.isView(base[i]) && !Array.isArray(base[i]);
          const fields = options ? Object.keys(base[i] as object) : [];
          for (const bad of pool) {
            const args = valid[name]();
            args[i] = bad;
            callChecked(`${variant} with argument ${i} = ${describeArgs([bad])}`, () => call(...args));
            for (const field of fields) {
              const withField = valid[name]();
              withField[i] = { ...(withField[i] as object), [field]: bad };
              callChecked(`${variant} with ${field} = ${describeArgs([bad])}`, () => call(...withField));
            }
          }
        }
      }
    });
  }

  // Targeted cases the issue names: each must throw (not merely not crash).
  const x = new Float32Array(6), w = new Float32Array(6);
  const mustThrow: [string, () => unknown, typeof TypeError | typeof RangeError][] = [
    ['matmul with a negative batch', () => native.matmul(x, w, { batch: -2, inFeatures: 3, outFeatures: 2 }), RangeError],
    ['matmul with NaN inFeatures', () => native.matmul(x, w, { batch: 2, inFeatures: NaN, outFeatures: 2 }), RangeError],
    ['matmul with a short x', () => native.matmul(x.subarray(1), w, { batch: 2, inFeatures: 3, outFeatures: 2 }), RangeError],
    ['matmul with an Int32Array w', () => native.matmul(x, new Int32Array(6) as never, { batch: 2, inFeatures: 3, outFeatures: 2 }), TypeError],
    ['maskedMatmul with a Float32Array mask', () => native.maskedMatmul(x, w, new Float32Array(6) as never, { batch: 2, inFeatures: 3, outFeatures: 2 }), TypeError],
    ['toCsr with a Float32Array mask', () => native.toCsr(w, new Float32Array(6) as never, 2, 3), TypeError],
    ['toCsr with a mask of the wrong length', () => native.toCsr(w, new Uint8Array(5), 2, 3), RangeError],
    ['toCsr with negative rows', () => native.toCsr(w, null, -2, 3), RangeError],
    ['spmm on a disposed CsrMatrix', () => native.spmm(x, disposed(liveCsr), 2), TypeError],
    ['spmm with NaN batch', () => native.spmm(x, liveCsr(), NaN), RangeError],
    ['sddmm with a short dy', () => native.sddmm(new Float32Array(3), x, liveCsr(), 2), RangeError],
    ['magnitudePrune with a Float32Array mask', () => native.magnitudePrune([w], [new Float32Array(6) as never], 0.5, 'layer'), TypeError],
    ['magnitudePrune with sparsity NaN', () => native.magnitudePrune([w], [new Uint8Array(6)], NaN, 'layer'), RangeError],
    ['magnitudePrune with masks of the wrong length', () => native.magnitudePrune([w], [new Uint8Array(5)], 0.5, 'layer'), RangeError],
    ['adamStep with moments of the wrong length', () => native.adamStep(w, w, new Float32Array(5), w, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1 }), RangeError],
    ['conv2dForward with a negative kernel', () => native.conv2dForward(x, w, null, { batch: 1, height: 2, width: 3, inChannels: 1, outChannels: 1, kernel: -1 }), RangeError],
    ['Tensor with a negative size', () => new native.Tensor('float32', [-1]), RangeError],
    ['Tensor with a NaN size', () => new native.Tensor('float32', [NaN]), RangeError],
    ['data of a disposed Tensor', () => disposed(liveTensor).data, TypeError],
    ['forward on a disposed Network', () => disposed(liveNetwork).forward(new Float32Array(3), 1), TypeError],
    ['forward with a short input', () => liveNetwork().forward(new Float32Array(2), 1), RangeError],
    ['setMask with a Float32Array mask', () => liveNetwork().setMask(0, new Float32Array(6) as never), TypeError],
  ];
  for (const [what, call, type] of mustThrow) {
    it(`throws a ${type.name} naming the argument: ${what}`, () => {
      expect(call).toThrow(type);
      expect(callChecked(what, call)).toBe(true);
    });
  }
});
