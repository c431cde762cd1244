// RMSprop with momentum (torch.optim.RMSprop's buffer: buf = μ·buf + g/avg, p −= lr·buf) against a float64
// reference written from PyTorch's documented algorithm, on random odd-sized inputs fresh each run; and the
// Network's third optimizer slot, including optimizer states saved before that slot existed (4 arrays per layer).
import { describe, expect, it } from 'vitest';
import { native, type RmspropOptions } from '../../src/native.js';
import { Network } from '../../src/nn/network.js';
import { randomFloat32, rng, testSeed } from '../helpers/random.js';
import { simdLevels, withSimdLevel } from '../helpers/simd.js';

const f32 = (n: number) => new Float32Array(n);
const sizes = [1, 3, 17, 33, 129, 1001, 40_001]; // odd, around the 8/16 lanes, and past the 16k threading grain

function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

interface State { p: Float64Array; sq: Float64Array; ga: Float64Array; buf: Float64Array; pScale: Float64Array }

// PyTorch's RMSprop (weight decay 0): v = αv + (1−α)g²; centered: ḡ = αḡ + (1−α)g, ṽ = v − ḡ²;
// momentum μ > 0: b = μb + g/(√ṽ + ε), θ −= γb.
function reference(s: State, g: Float32Array, o: Required<RmspropOptions>): void {
  const f = Math.fround;
  const lr = f(o.lr), alpha = f(o.alpha), eps = f(o.eps), mu = f(o.momentum);
  for (let i = 0; i < g.length; i++) {
    s.sq[i] = alpha * s.sq[i] + (1 - alpha) * g[i] * g[i];
    let variance = s.sq[i];
    if (o.centered) {
      s.ga[i] = alpha * s.ga[i] + (1 - alpha) * g[i];
      variance = Math.max(0, variance - s.ga[i] * s.ga[i]);
    }
    s.buf[i] = mu * s.buf[i] + g[i] / (Math.sqrt(variance) + eps);
    s.p[i] -= lr * s.buf[i];
    s.pScale[i] += Math.abs(lr * s.buf[i]);
  }
}

const cases: Required<RmspropOptions>[] = [
  { lr: 1e-2, alpha: 0.99, eps: 1e-8, centered: false, momentum: 0.9 },
  { lr: 2.5e-4, alpha: 0.95, eps: 0.01, centered: true, momentum: 0.95 }, // MinAtar's dqn.py before the PR dropped it
  { lr: 1e-3, alpha: 0.9, eps: 1e-6, centered: true, momentum: 0.5 },
];

describe(`RMSprop momentum: bad calls (seed ${testSeed})`, () => {
  const o = { lr: 1e-2, alpha: 0.99, eps: 1e-8, centered: false };
  it('needs a momentum buffer of params.length when momentum > 0, naming it', () => {
    for (const step of [native.rmspropStep, native.rmspropStepReference]) {
      expect(() => step(f32(3), f32(3), f32(3), null, { ...o, momentum: 0.9 })).toThrow(TypeError);
      expect(() => step(f32(3), f32(3), f32(3), null, { ...o, momentum: 0.9 }))
        .toThrow(/a Float32Array \(options\.momentum > 0\) for momentumBuffer but received undefined/);
      expect(() => step(f32(3), f32(3), f32(3), null, { ...o, momentum: 0.9 }, new Float64Array(3) as never))
        .toThrow(/for momentumBuffer but received Float64Array/);
      expect(() => step(f32(3), f32(3), f32(3), null, { ...o, momentum: 0.9 }, f32(2)))
        .toThrow(/Expected momentumBuffer to have 3 elements \(params.length\) but received 2/);
    }
  });

  it('refuses a momentum outside [0, 1) as a RangeError naming options.momentum', () => {
    for (const momentum of [1, -0.1, NaN, 2]) {
      const call = () => native.rmspropStep(f32(3), f32(3), f32(3), null, { ...o, momentum }, f32(3));
      expect(call).toThrow(RangeError);
      expect(call).toThrow(/a number in \[0, 1\) for options\.momentum/);
    }
    expect(() => native.rmspropStep(f32(3), f32(3), f32(3), null, { ...o, momentum: '0.9' as never }, f32(3)))
      .toThrow(TypeError);
  });

  it('refuses a momentum buffer that aliases the gradient', () => {
    const g = f32(3);
    expect(() => native.rmspropStep(f32(3), g, f32(3), null, { ...o, momentum: 0.9 }, g)).toThrow(/momentumBuffer/);
  });
});

describe(`RMSprop momentum: behaviour (seed ${testSeed})`, () => {
  const r = rng(testSeed + 41);
  const steps = 6;

  for (const [name, step] of [['rmspropStep', native.rmspropStep], ['rmspropStepReference', native.rmspropStepReference]] as const) {
    it(`${name} follows PyTorch's RMSprop with momentum (plain and centered) over ${steps} steps at every SIMD level`, () => {
      for (const level of simdLevels)
        for (const options of cases)
          for (const n of sizes) {
            const p = randomFloat32(r, n, 1e-3), sq = f32(n), buf = f32(n);
            const ga = options.centered ? f32(n) : null;
            const ref: State = { p: Float64Array.from(p), sq: new Float64Array(n), ga: new Float64Array(n),
              buf: new Float64Array(n), pScale: new Float64Array(n) };
            for (let t = 0; t < steps; t++) {
              const g = randomFloat32(r, n, 10 ** r.int(-2, 1));
              withSimdLevel(level, () => step(p, g, sq, ga, options, buf));
              reference(ref, g, options);
            }
            const what = `${name} ${level} n=${n} centered=${options.centered} momentum=${options.momentum}`;
            let pErr = 0, pScale = 0, bufErr = 0, bufScale = 0;
            for (let i = 0; i < n; i++) {
              pErr = Math.max(pErr, Math.abs(p[i] - ref.p[i]));
              pScale = Math.max(pScale, ref.pScale[i]);
              bufErr = Math.max(bufErr, Math.abs(buf[i] - ref.buf[i]));
              bufScale = Math.max(bufScale, Math.abs(ref.buf[i]));
            }
            expect(pErr / pScale, `${what} p`).toBeLessThanOrEqual(1e-5);
            expect(bufErr / bufScale, `${what} buf`).toBeLessThanOrEqual(1e-4);
            // The buffer moved: a kernel that ignored momentum would leave it at 0 (and p would be off by far more).
            expect(bufScale, what).toBeGreaterThan(0);
          }
    });
  }

  it('the fast step is bit-identical to the reference with momentum, at every SIMD level and thread split', () => {
    for (const level of simdLevels)
      for (const options of cases)
        for (const n of sizes) {
          const p0 = randomFloat32(r, n, 1);
          const runs = [0, 1].map(() => ({ p: p0.slice(), sq: f32(n), ga: f32(n), buf: f32(n) }));
          for (let t = 0; t < 3; t++) {
            const g = randomFloat32(r, n, 1);
            withSimdLevel(level, () => native.rmspropStep(runs[0].p, g, runs[0].sq, runs[0].ga, options, runs[0].buf));
            native.rmspropStepReference(runs[1].p, g, runs[1].sq, runs[1].ga, options, runs[1].buf);
          }
          for (const key of ['p', 'sq', 'ga', 'buf'] as const)
            expect(firstDifference(runs[0][key], runs[1][key]), `${key} ${level} n=${n}`).toBe(-1);
        }
  });

  it('momentum 0 is exactly the momentum-free step, and leaves a buffer it was given untouched', () => {
    for (const level of simdLevels)
      for (const centered of [false, true])
        for (const n of sizes) {
          const p0 = randomFloat32(r, n, 1);
          const a = { p: p0.slice(), sq: f32(n), ga: f32(n) }, b = { p: p0.slice(), sq: f32(n), ga: f32(n) };
          const buf = Float32Array.from({ length: n }, (_, i) => i + 0.5);
          const options = { lr: 2.5e-4, alpha: 0.95, eps: 0.01, centered };
          for (let t = 0; t < 3; t++) {
            const g = randomFloat32(r, n, 1);
            withSimdLevel(level, () => native.rmspropStep(a.p, g, a.sq, a.ga, options));
            withSimdLevel(level, () => native.rmspropStep(b.p, g, b.sq, b.ga, { ...options, momentum: 0 }, buf));
          }
          expect(firstDifference(a.p, b.p), `p ${level} n=${n}`).toBe(-1);
          expect(firstDifference(a.sq, b.sq), `sq ${level} n=${n}`).toBe(-1);
          expect(buf[n - 1]).toBe(n - 0.5);
        }
  });
});

describe(`Network: RMSprop momentum and the optimizer state layout (seed ${testSeed})`, () => {
  const r = rng(testSeed + 43);
  const layers = [{ type: 'linear' as const, out: 7 }, { type: 'relu' as const }, { type: 'linear' as const, out: 3 }];
  const input = 5, batch = 9;

  function trained(optimizer: Parameters<Network['setOptimizer']>[0], seed: number, steps: number,
                    data: { x: Float32Array; dy: Float32Array }[]): Network {
    const net = new Network({ inputShape: [input], layers, seed });
    net.setOptimizer(optimizer);
    for (const d of data.slice(0, steps)) {
      net.forward(d.x, batch);
      net.backward(d.dy);
      net.step();
    }
    return net;
  }
  const batches = (k: number) => Array.from({ length: k }, () => ({ x: randomFloat32(r, batch * input, 1), dy: randomFloat32(r, batch * 3, 1) }));

  it('a network step with momentum is the op applied to each weight and bias array', () => {
    const optimizer = { type: 'rmsprop' as const, lr: 1e-2, alpha: 0.9, eps: 1e-3, centered: true, momentum: 0.9 };
    const data = batches(4);
    const net = trained(optimizer, 3, 3, data);
    const before = net.params().map((p) => ({ w: net.getWeight(p.index), b: net.getBias(p.index) }));
    const state = net.getOptimizerState();
    expect(state.tensors.length).toBe(6 * 2); // 3 slots for the weight and 3 for the bias, per weight layer
    net.forward(data[3].x, batch);
    net.backward(data[3].dy);
    const grads = net.params().map((p) => ({ w: net.getWeightGrad(p.index), b: net.getBiasGrad(p.index) }));
    net.step();
    net.params().forEach((p, i) => {
      for (const k of ['w', 'b'] as const) {
        const after = k === 'w' ? net.getWeight(p.index) : net.getBias(p.index);
        const base = 6 * i + (k === 'w' ? 0 : 3);
        const [sq, ga, buf] = [0, 1, 2].map((s) => state.tensors[base + s].slice());
        const expected = before[i][k].slice();
        native.rmspropStepReference(expected, grads[i][k], sq, ga, optimizer, buf);
        // The fast kernel and the reference round the same operations in the same order: equal, not close.
        expect(firstDifference(after, expected), `${k}${i}`).toBe(-1);
        expect(buf.some((v) => v !== 0), `${k}${i} momentum buffer`).toBe(true);
        expect(firstDifference(net.getOptimizerState().tensors[base + 2], buf), `${k}${i} stored buffer`).toBe(-1);
      }
    });
    net.dispose();
  });

  it('an optimizer state in the old layout (2 slots, 4 arrays per layer) loads, its missing slot as zeros', () => {
    const data = batches(6);
    for (const optimizer of [
      { type: 'rmsprop' as const, lr: 2.5e-4, alpha: 0.95, eps: 0.01, centered: true },
      { type: 'adam' as const, lr: 1e-3 },
    ]) {
      const whole = trained(optimizer, 5, 6, data);
      const cut = trained(optimizer, 5, 3, data);
      const saved = cut.getOptimizerState();
      // What a checkpoint written before the momentum slot holds: weight slots 0, 1 then bias slots 0, 1.
      const legacy = { step: saved.step, tensors: [0, 1].flatMap((l) => [0, 1, 3, 4].map((k) => saved.tensors[6 * l + k])) };
      expect(legacy.tensors.length).toBe(8);
      const resumed = new Network({ inputShape: [input], layers, seed: 99 });
      resumed.setOptimizer(optimizer);
      for (const p of cut.params()) {
        resumed.setWeight(p.index, cut.getWeight(p.index));
        resumed.setBias(p.index, cut.getBias(p.index));
      }
      resumed.setOptimizerState(legacy);
      const back = resumed.getOptimizerState();
      expect(back.step).toBe(3);
      back.tensors.forEach((t, k) => {
        if (k % 3 === 2) expect(t.every((v) => v === 0), `slot 2 of tensor ${k}`).toBe(true);
        else expect(Array.from(t)).toEqual(Array.from(saved.tensors[k]));
      });
      for (const d of data.slice(3)) {
        resumed.forward(d.x, batch);
        resumed.backward(d.dy);
        resumed.step();
      }
      for (const p of whole.params()) expect(Array.from(resumed.getWeight(p.index))).toEqual(Array.from(whole.getWeight(p.index)));
      for (const n of [whole, cut, resumed]) n.dispose();
    }
  });

  it('refuses a state of any other length, naming both accepted counts, and leaves the network as it was', () => {
    const net = trained({ type: 'rmsprop', lr: 1e-2, momentum: 0.5 }, 1, 1, batches(1));
    const state = net.getOptimizerState();
    expect(() => net.setOptimizerState({ step: 9, tensors: state.tensors.slice(0, 10) }))
      .toThrow(/Expected state.tensors to have 12 arrays \(6 per weight layer; 8 from an older checkpoint\) but received 10/);
    const wrong = state.tensors.map((t) => t.slice());
    wrong[8] = f32(2);
    expect(() => net.setOptimizerState({ step: 9, tensors: wrong })).toThrow(/state.tensors\[8\] to match weight layer 1's weight size/);
    expect(net.getOptimizerState().step).toBe(state.step);
    expect(Array.from(net.getOptimizerState().tensors[2])).toEqual(Array.from(state.tensors[2]));
    net.dispose();
  });
});
