// The value-based learner's head, target and loss ops (native/ops/value_head.h) on every device: bad calls first (the
// same refusal from every device's binding, before any kernel), then the CPU against plain TypeScript re-statements
// of src/agents/q_head.ts, dqn_update.ts and c51_update.ts (the references the fused learner is checked against),
// then the CUDA kernels against the CPU on the emulator and, when present, the GPU (value_head_device_cases.ts).
import { describe, expect, it } from 'vitest';
import { c51Projection } from '../../src/agents/c51_update.js';
import { c51HeadBackward, c51Logits, c51Probabilities, c51Support, qHeadBackward, qValues } from '../../src/agents/q_head.js';
import { native, type NativeCudaKernels } from '../../src/native.js';
import { expectClose } from '../helpers/compare.js';
import { randomFloat32, randomMask, rng, testSeed } from '../helpers/random.js';
import { valueHeadDeviceCases } from './value_head_device_cases.js';
import { valueHeadInputs, valueHeadShapes, type C51Shape } from './value_head_inputs.js';
import { thrown } from '../helpers/thrown.js';

const emulated = native.cudaEmulated;
const compiled = native.cudaDeviceInfo().compiled;


describe('value-head ops: bad calls', () => {
  const f = (n: number) => new Float32Array(n).fill(0.5);
  const i32 = (...v: number[]) => Int32Array.from(v);
  const q = { batch: 2, actions: 3 };
  const c51 = { batch: 2, actions: 3, atoms: 4, vMin: -1, vMax: 1 };
  const shared = f(8);
  type Ops = typeof native | NativeCudaKernels;
  const bad: [string, RegExp, (k: Ops) => unknown][] = [
    ['duelingQ type', /Float32Array for out/, (k) => k.duelingQ(new Float64Array(8) as never, q)],
    ['duelingQ out', /out to have 8 elements/, (k) => k.duelingQ(f(6), q)],
    ['duelingQ actions', /shape\.actions/, (k) => k.duelingQ(f(2), { batch: 2, actions: 0 })],
    ['duelingQBackward dQ', /dQ to have 6 elements/, (k) => k.duelingQBackward(f(8), q)],
    ['duelingLogits atoms', /shape\.atoms/, (k) => k.duelingLogits(f(8), { ...q, atoms: 1 })],
    ['duelingLogitsBackward dLogits', /dLogits to have 24/, (k) => k.duelingLogitsBackward(f(32), c51)],
    ['c51Probabilities rows', /rows/, (k) => k.c51Probabilities(f(4), 0, 4)],
    ['c51Probabilities logits', /logits to have 8/, (k) => k.c51Probabilities(f(7), 2, 4)],
    ['c51Expectation support', /support\.vMax/, (k) => k.c51Expectation(f(8), 2, { atoms: 4, vMin: 1, vMax: 1 })],
    ['c51Expectation vMin', /support\.vMin/, (k) => k.c51Expectation(f(8), 2, { atoms: 4, vMin: Number.NaN, vMax: 1 })],
    ['tdTarget empty', /rewards/, (k) => k.tdTarget(f(0), f(0), f(0), f(0))],
    ['tdTarget dones', /dones to have 2/, (k) => k.tdTarget(f(2), f(2), f(3), f(2))],
    ['c51Project greedy', /greedy\[1\] but received 3/, (k) => k.c51Project(f(24), i32(0, 3), f(2), f(2), f(2), c51)],
    ['c51Project negative', /greedy\[0\] but received -1/, (k) => k.c51Project(f(24), i32(-1, 0), f(2), f(2), f(2), c51)],
    ['c51Project vMax', /shape\.vMax/, (k) => k.c51Project(f(24), i32(0, 0), f(2), f(2), f(2), { ...c51, vMax: -2 })],
    ['tdLoss action', /\[0, 3\) for actions\[1\] but received 3/, (k) => k.tdLoss(f(2), f(2), null, i32(0, 3), q, 'huber')],
    ['tdLoss kind', /'huber' or 'mse' for kind/, (k) => k.tdLoss(f(2), f(2), null, i32(0, 1), q, 'l1' as never)],
    ['tdLoss weights', /weights to have 2/, (k) => k.tdLoss(f(2), f(2), f(3), i32(0, 1), q, 'mse')],
    ['tdLoss weights NaN', /weights/, (k) => k.tdLoss(f(2), f(2), Float32Array.of(1, Number.NaN), i32(0, 1), q, 'mse')],
    ['tdLoss y', /y to have 2/, (k) => k.tdLoss(f(2), f(1), null, i32(0, 1), q, 'mse')],
    ['c51Loss action', /actions\[0\] but received -1/, (k) => k.c51Loss(f(24), f(8), null, i32(-1, 0), c51)],
    ['c51Loss m', /m to have 8/, (k) => k.c51Loss(f(24), f(9), null, i32(0, 0), c51)],
    ['applyMask mask', /mask to have 3/, (k) => k.applyMask(f(3), new Uint8Array(2))],
    ['applyMask binary', /only 0 and 1 in mask/, (k) => k.applyMask(f(3), Uint8Array.of(0, 2, 1))],
    ['applyMask overlap', /memory of its own for w/, (k) => k.applyMask(shared.subarray(0, 2), new Uint8Array(shared.buffer, 4, 2))],
    ['sgdStep grads', /grads to have 3/, (k) => k.sgdStep(f(3), f(2), 0.1)],
    ['sgdStep lr', /lr/, (k) => k.sgdStep(f(3), f(3), Number.NaN)],
    ['sgdStep lr range', /float range for lr/, (k) => k.sgdStep(f(3), f(3), 1e300)],
    ['sgdStep overlap', /memory of its own for params/, (k) => k.sgdStep(shared.subarray(0, 4), shared.subarray(3, 7), 0.1)],
  ];
  it('refuses each with one line naming the argument, the same on every device, before touching any array', () => {
    for (const [name, message, call] of bad) {
      const before = shared.slice();
      const cpu = thrown(() => call(native));
      expect(cpu.type, name).toMatch(/^(TypeError|RangeError)$/);
      expect(cpu.message, name).toMatch(message);
      expect(cpu.message.includes('\n'), name).toBe(false);
      if (compiled) expect(thrown(() => call(native.cuda)), name).toEqual(cpu);
      if (emulated) expect(thrown(() => call(emulated)), `${name} (emulated)`).toEqual(cpu);
      expect(shared, name).toEqual(before);
    }
  });
});

// ---- the CPU against the TypeScript references --------------------------------------------------------------------

/** C51 head of q_head.ts for a shape. */
const c51Head = (s: C51Shape, dueling: boolean) =>
  ({ kind: 'c51' as const, actions: s.actions, atoms: s.atoms, vMin: s.vMin, vMax: s.vMax, dueling });

/** dqn_update.ts's TD loss block, restated with the loss kernels' own sums (no native call). */
function tdLossReference(taken: Float32Array, y: Float32Array, weights: Float32Array | null, actions: Int32Array, A: number,
                         kind: 'huber' | 'mse') {
  const B = taken.length, invN = 1 / B;
  let sum = 0, weighted = 0;
  const perSample = new Float32Array(B), dQ = new Float32Array(B * A);
  for (let b = 0; b < B; b++) {
    const d = taken[b] - y[b], a = Math.abs(d);
    sum += kind === 'huber' ? (a < 1 ? 0.5 * d * d : a - 0.5) : d * d;
    const grad = Math.fround(kind === 'huber' ? Math.max(-1, Math.min(1, d)) * invN : 2 * d * invN);
    const perLoss = kind === 'huber' ? (a <= 1 ? 0.5 * a * a : a - 0.5) : a * a;
    if (weights) weighted += weights[b] * perLoss / B;
    perSample[b] = a;
    dQ[b * A + actions[b]] = grad * (weights ? weights[b] : 1);
  }
  return { loss: weights ? weighted : sum * invN, perSample, dQ };
}

/** c51_update.ts's loss block in plain arithmetic (Math.exp/log: within an ulp of the C++ library's). */
function c51LossReference(logits: Float32Array, m: Float32Array, weights: Float32Array | null, actions: Int32Array, s: C51Shape) {
  const { batch: B, actions: A, atoms: N } = s;
  const perSample = new Float32Array(B), dLogits = new Float32Array(B * A * N);
  let total = 0;
  for (let b = 0; b < B; b++) {
    const row = (b * A + actions[b]) * N;
    const z = logits.subarray(row, row + N), t = m.subarray(b * N, (b + 1) * N);
    const max = Math.max(...z);
    const sumExp = z.reduce((acc, v) => acc + Math.exp(v - max), 0);
    const ce = z.reduce((acc, v, j) => acc + t[j] * (Math.log(sumExp) - (v - max)), 0);
    const w = weights ? weights[b] : 1;
    for (let j = 0; j < N; j++) dLogits[row + j] = (Math.exp(z[j] - max) / sumExp - t[j]) * w / B;
    perSample[b] = ce;
    total += w * ce;
  }
  return { loss: total / B, perSample, dLogits };
}

describe(`value-head ops on the CPU against the TypeScript references (seed ${testSeed})`, () => {
  it('dueling Q, C51 logits and their backward: bit-identical to q_head.ts', () => {
    const r = rng();
    for (const s of valueHeadShapes) {
      const x = valueHeadInputs(r, s), B = s.batch, dueling = { kind: 'dueling' as const, actions: s.actions };
      expect(native.duelingQ(x.duelingOut, s)).toEqual(qValues(x.duelingOut, B, dueling));
      expect(native.duelingQBackward(x.dQ, s)).toEqual(qHeadBackward(x.dQ, B, dueling));
      expect(native.duelingLogits(x.duelingC51Out, s)).toEqual(c51Logits(x.duelingC51Out, B, c51Head(s, true)));
      expect(native.duelingLogitsBackward(x.dLogits, s)).toEqual(c51HeadBackward(x.dLogits, B, c51Head(s, true)));
    }
  });

  it('C51 probabilities within an ulp of q_head.ts (Math.exp), the expectation bit-identical to its Σ p·z', () => {
    const r = rng();
    for (const s of valueHeadShapes) {
      const x = valueHeadInputs(r, s), rows = s.batch * s.actions, N = s.atoms;
      expectClose(native.c51Probabilities(x.logits, rows, N), c51Probabilities(x.logits, rows, N), 2.4e-7);
      const z = c51Support(s);
      const q = Float32Array.from({ length: rows }, (_, row) => z.reduce((acc, zj, j) => acc + x.pNext[row * N + j] * zj, 0));
      expect(native.c51Expectation(x.pNext, rows, s)).toEqual(q);
    }
  });

  it('TD target and the C51 projection: bit-identical to dqn_update.ts and c51_update.ts (clamps and exact landings hit)', () => {
    const r = rng();
    let clamped = 0, exact = 0;
    for (const s of valueHeadShapes) {
      const x = valueHeadInputs(r, s), B = s.batch;
      const y = Float32Array.from({ length: B }, (_, b) => x.rewards[b] + x.discounts[b] * (1 - x.dones[b]) * x.nextValue[b]);
      expect(native.tdTarget(x.rewards, x.discounts, x.dones, x.nextValue)).toEqual(y);
      if (B > 1) expect([...x.dones].sort()[0] === 0 && [...x.dones].sort()[B - 1] === 1).toBe(true);
      const batch = { batchSize: B, rewards: x.rewards, discounts: x.discounts, dones: x.dones };
      expect(native.c51Project(x.pNext, x.greedy, x.rewards, x.discounts, x.dones, s))
        .toEqual(c51Projection(batch, x.pNext, x.greedy, c51Head(s, false)));
      // What the inputs covered: targets beyond the support, and targets on an atom.
      const dz = (s.vMax - s.vMin) / (s.atoms - 1);
      for (let b = 0; b < B; b++)
        for (const zj of c51Support(s)) {
          const tz = x.rewards[b] + x.discounts[b] * (1 - x.dones[b]) * zj;
          if (tz <= s.vMin || tz >= s.vMax) clamped++;
          else if (Number.isInteger((tz - s.vMin) / dz)) exact++;
        }
    }
    expect(clamped).toBeGreaterThan(0);
    expect(exact).toBeGreaterThan(0);
  });

  it('TD loss (Huber both sides of δ, MSE; with and without weights): bit-identical to the restated dqn_update.ts', () => {
    const r = rng();
    for (const s of valueHeadShapes)
      for (const kind of ['huber', 'mse'] as const)
        for (const weighted of [false, true]) {
          const x = valueHeadInputs(r, s), w = weighted ? x.weights : null;
          expect(native.tdLoss(x.taken, x.y, w, x.actions, s, kind)).toEqual(tdLossReference(x.taken, x.y, w, x.actions, s.actions, kind));
          if (s.batch > 1) {
            const gaps = x.taken.map((t, b) => Math.abs(t - x.y[b]));
            expect(gaps.some((g) => g < 1) && gaps.some((g) => g > 1)).toBe(true);
          }
        }
  });

  it('C51 loss: bit-identical to c51_update.ts\'s gather, softmaxCrossEntropy and scatter; within 1e-6 of the plain formula', () => {
    const r = rng();
    for (const s of valueHeadShapes)
      for (const weighted of [false, true]) {
        const x = valueHeadInputs(r, s), w = weighted ? x.weights : null;
        const { batch: B, actions: A, atoms: N } = s;
        const got = native.c51Loss(x.logits, x.m, w, x.actions, s);
        const taken = new Float32Array(B * N);
        for (let b = 0; b < B; b++) taken.set(x.logits.subarray((b * A + x.actions[b]) * N, (b * A + x.actions[b] + 1) * N), b * N);
        const ce = native.softmaxCrossEntropy(taken, x.m, B, N, w);
        const dLogits = new Float32Array(B * A * N);
        for (let b = 0; b < B; b++) dLogits.set(ce.grad.subarray(b * N, (b + 1) * N), (b * A + x.actions[b]) * N);
        expect(got).toEqual({ loss: ce.loss, perSample: ce.perRow, dLogits });
        const plain = c51LossReference(x.logits, x.m, w, x.actions, s);
        expect(Math.abs(got.loss - plain.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(plain.loss));
        expectClose(got.perSample, plain.perSample, 1e-6);
        expectClose(got.dLogits, plain.dLogits, 1e-6);
      }
  });

  it('mask and SGD step: bit-identical to the float loops', () => {
    const r = rng();
    const n = 1001, w = randomFloat32(r, n), mask = randomMask(r, n, 0.4), g = randomFloat32(r, n), lr = 0.3 * r.next();
    const masked = w.map((v, i) => (mask[i] ? v : 0));
    native.applyMask(w, mask);
    expect(w).toEqual(masked);
    const stepped = w.map((p, i) => p - Math.fround(Math.fround(lr) * g[i]));
    native.sgdStep(w, g, lr);
    expect(w).toEqual(stepped);
  });
});

// ---- CUDA against the CPU ------------------------------------------------------------------------------------------

const backends: [string, NativeCudaKernels, boolean][] = [
  ...(native.cudaAvailable() ? [['cuda (GPU)', native.cuda, false] as [string, NativeCudaKernels, boolean]] : []),
  ...(emulated ? [['cudaEmulated (host emulator)', emulated, true] as [string, NativeCudaKernels, boolean]] : []),
];
for (const [name, kernels, exact] of backends)
  describe(`value-head ops on ${name} against the CPU (seed ${testSeed})`, () => valueHeadDeviceCases(kernels, exact));
