// The fused native learner (src/agents/native_learner.ts, native/model/learner.h) against the TypeScript references
// dqnUpdate / c51Update, on random batches of random odd sizes from a fresh seed each run (printed on failure), for
// every head and option. Q and dueling heads: bitwise (the same float operations in the same order). C51: ≤ 1e-6
// relative, because its softmax over s' uses C++'s exp where the reference uses Math.exp (either may differ from the
// other in the last bit of a double).
import { describe, expect, it } from 'vitest';
import { Network, type LayerSpec } from '../../src/nn/network.js';
import { dqnUpdate } from '../../src/agents/dqn_update.js';
import { c51Update } from '../../src/agents/c51_update.js';
import { NativeValueLearner } from '../../src/agents/native_learner.js';
import { ValueAgent } from '../../src/agents/value_agent.js';
import { headOutputs, type QHead } from '../../src/agents/q_head.js';
import type { ReplayBatch } from '../../src/agents/replay/replay_buffer.js';
import { Random } from '../../src/random/random.js';

const runSeed = (Date.now() ^ Math.floor(Math.random() * 2 ** 30)) >>> 0;

type Torso = 'mlp' | 'conv';
interface Case { head: QHead; double: boolean; loss: 'huber' | 'mse'; weighted: boolean; torso: Torso; pruned: false | 'masked' | 'csr' }

const inputShape = (torso: Torso) => (torso === 'mlp' ? [7] : [5, 5, 3]);
function layersFor(torso: Torso, head: QHead): LayerSpec[] {
  const out = headOutputs(head);
  return torso === 'mlp'
    ? [{ type: 'linear', out: 24 }, { type: 'relu' }, { type: 'linear', out: 16 }, { type: 'relu' }, { type: 'linear', out }]
    : [{ type: 'conv2d', out: 6, kernel: 3 }, { type: 'relu' }, { type: 'flatten' }, { type: 'linear', out: 20 }, { type: 'relu' }, { type: 'linear', out }];
}

/** online and target networks, target different from online (as after some updates), optionally pruned. */
function pair(c: Case, seed: number): [Network, Network] {
  const layers = layersFor(c.torso, c.head);
  const online = new Network({ layers, inputShape: inputShape(c.torso), seed });
  const target = new Network({ layers, inputShape: inputShape(c.torso), seed: seed + 1 });
  online.setOptimizer({ type: 'adam', lr: 1e-2, eps: 1e-6 });
  if (c.pruned) {
    // 60% pruned, on masked or CSR kernels; the step must keep pruned weights at exactly 0.
    for (const net of [online, target]) {
      net.setRepresentationPolicy(c.pruned);
      net.pruneLayers(net.params().map(() => 0.6));
    }
  }
  return [online, target];
}

function randomBatch(rng: Random, c: Case, B: number): ReplayBatch {
  const n = inputShape(c.torso).reduce((a, b) => a * b, 1);
  const f = (len: number, lo: number, hi: number) => Float32Array.from({ length: len }, () => lo + (hi - lo) * rng.uniform());
  // n-step discounts γ^k with k ∈ 1..3; rewards wide enough that |TD error| falls on both sides of Huber's δ = 1.
  const discounts = Float32Array.from({ length: B }, () => 0.97 ** rng.integer(1, 4));
  return {
    batchSize: B,
    obs: f(B * n, -1, 1),
    nextObs: f(B * n, -1, 1),
    actions: Int32Array.from({ length: B }, () => rng.integer(0, c.head.actions)),
    rewards: f(B, -3, 3),
    discounts,
    dones: Float32Array.from({ length: B }, () => (rng.uniform() < 0.3 ? 1 : 0)),
    indices: Int32Array.from({ length: B }, (_, i) => i),
    weights: c.weighted ? f(B, 0.1, 1) : undefined,
  };
}

function reference(c: Case, online: Network, target: Network, batch: ReplayBatch) {
  return c.head.kind === 'c51'
    ? c51Update(online, target, c.head, batch, c.double)
    : dqnUpdate(online, target, c.head, batch, { double: c.double, loss: c.loss });
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, bitwise: boolean, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (bitwise) {
      if (!Object.is(got[i], want[i])) expect(got[i], `${what}[${i}]`).toBe(want[i]);
    } else {
      const scale = Math.max(Math.abs(want[i]), 1e-6);
      if (!(Math.abs(got[i] - want[i]) <= 1e-6 * scale)) expect(got[i], `${what}[${i}] (±1e-6 relative)`).toBe(want[i]);
    }
  }
}

const heads: QHead[] = [
  { kind: 'q', actions: 4 },
  { kind: 'dueling', actions: 3 },
  { kind: 'c51', actions: 3, atoms: 11, vMin: -5, vMax: 5, dueling: false },
  { kind: 'c51', actions: 2, atoms: 7, vMin: -2, vMax: 3, dueling: true },
];
const cases: Case[] = [];
for (const head of heads) {
  for (const double of [false, true]) {
    for (const loss of head.kind === 'c51' ? (['huber'] as const) : (['huber', 'mse'] as const)) {
      for (const weighted of [false, true]) cases.push({ head, double, loss, weighted, torso: 'mlp', pruned: false });
    }
  }
}
// The conv torso and pruned (masked / CSR) layers, once per head.
for (const head of heads) {
  cases.push({ head, double: true, loss: 'huber', weighted: true, torso: 'conv', pruned: false });
  cases.push({ head, double: false, loss: 'mse', weighted: false, torso: 'mlp', pruned: 'masked' });
  cases.push({ head, double: true, loss: 'huber', weighted: true, torso: 'conv', pruned: 'csr' });
}
const label = (c: Case) =>
  `${c.head.kind}${c.head.kind === 'c51' && c.head.dueling ? '+dueling' : ''} double=${c.double} ${c.head.kind === 'c51' ? 'cross-entropy' : c.loss} weights=${c.weighted} ${c.torso}${c.pruned ? ` pruned (${c.pruned})` : ''}`;

describe('NativeValueLearner: bad calls', () => {
  const head: QHead = { kind: 'q', actions: 2 };
  const make = () => pair({ head, double: false, loss: 'huber', weighted: false, torso: 'mlp', pruned: false }, 3);

  it('refuses a learner name it does not know, naming the option', () => {
    expect(() => new ValueAgent({ layers: layersFor('mlp', head), inputShape: [7], head, optimizer: { type: 'sgd', lr: 0.1 },
      double: false, loss: 'huber', seed: 0, learner: 'fast' as 'native' })).toThrow(/for learner but received 'fast'|learner/);
  });

  it('refuses networks that do not fit the head', () => {
    const [online, target] = make();
    expect(() => new NativeValueLearner(online, target, { kind: 'q', actions: 3 }, { double: false, loss: 'huber' }))
      .toThrow(/3 outputs/);
    expect(() => new NativeValueLearner(online, online, head, { double: false, loss: 'huber' })).toThrow(/target network other than/);
    expect(() => new NativeValueLearner(online, target, head, { double: false, loss: 'l1' as 'mse' })).toThrow(/options\.loss/);
  });

  it('refuses actions out of range, NaN observations and wrong lengths before changing the network', () => {
    const [online, target] = make();
    const learner = new NativeValueLearner(online, target, head, { double: false, loss: 'huber' });
    const rng = new Random(1);
    const c: Case = { head, double: false, loss: 'huber', weighted: false, torso: 'mlp', pruned: false };
    const before = online.getWeight(0);
    const bad = randomBatch(rng, c, 5);
    bad.actions[2] = 2;
    expect(() => learner.update(bad)).toThrow(/actions\[2\]/);
    const nan = randomBatch(rng, c, 5);
    nan.nextObs[3] = NaN;
    expect(() => learner.update(nan)).toThrow(/nextObs/);
    const short = randomBatch(rng, c, 5);
    short.rewards = short.rewards.subarray(0, 4);
    expect(() => learner.update(short)).toThrow(/rewards/);
    expect(online.getWeight(0)).toEqual(before);
    target.dispose();
    expect(() => learner.update(randomBatch(rng, c, 5))).toThrow(/disposed/);
    learner.dispose();
    expect(() => learner.update(randomBatch(rng, c, 5))).toThrow(/disposed Learner/);
  });

  it('leaves the network usable op by op afterwards (backward checks against the learner\'s batch)', () => {
    const [online, target] = make();
    const learner = new NativeValueLearner(online, target, head, { double: false, loss: 'huber' });
    online.forward(new Float32Array(7), 1);
    learner.update(randomBatch(new Random(2), { head, double: false, loss: 'huber', weighted: false, torso: 'mlp', pruned: false }, 9));
    // The last forward was the learner's, batch 9: a gradient for batch 1 is refused instead of read past its end.
    expect(() => online.backward(new Float32Array(2))).toThrow(/dOut to have 18 elements/);
  });
});

describe(`NativeValueLearner matches dqnUpdate / c51Update (run seed ${runSeed})`, () => {
  cases.forEach((c, k) => {
    const bitwise = c.head.kind !== 'c51';
    it(`${label(c)}: ${bitwise ? 'bitwise' : '≤ 1e-6 relative'}`, () => {
      const seed = (runSeed + 7919 * k) >>> 0;
      const [refOnline, refTarget] = pair(c, seed % 100000);
      const [online, target] = pair(c, seed % 100000);
      const learner = new NativeValueLearner(online, target, c.head, { double: c.double, loss: c.loss });
      const rng = new Random(seed);
      const what = `${label(c)}, seed ${seed}`;
      for (let update = 0; update < 3; update++) {
        const B = 1 + 2 * rng.integer(0, 10);  // odd sizes 1..19
        const batch = randomBatch(rng, c, B);
        const want = reference(c, refOnline, refTarget, batch);
        const got = learner.update(batch);
        expectClose([got.loss], [want.loss], bitwise, `${what}: loss after update ${update}`);
        expectClose(got.tdErrors, want.tdErrors, bitwise, `${what}: per-sample losses after update ${update}`);
        for (const p of online.params()) {
          const w = online.getWeight(p.index);
          expectClose(w, refOnline.getWeight(p.index), bitwise, `${what}: weights ${p.index} after update ${update}`);
          expectClose(online.getBias(p.index), refOnline.getBias(p.index), bitwise, `${what}: bias ${p.index} after update ${update}`);
          const mask = online.getMask(p.index);
          for (let i = 0; i < w.length; i++) if (mask[i] === 0 && w[i] !== 0) expect(w[i], `${what}: pruned weight ${i} regrew`).toBe(0);
        }
      }
      expect(online.getOptimizerState().step).toBe(3);
      learner.dispose();
      for (const n of [refOnline, refTarget, online, target]) n.dispose();
    });
  });
});
