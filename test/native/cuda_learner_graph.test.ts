// The fused learner on the device-resident CUDA table records its update once as a CUDA graph and replays it: here on
// the emulator ('cuda-emulated', whose capture refuses what a GPU's refuses, and whose launches refuse host pointers),
// and on the GPU too when one is present. A replayed update must give exactly what launching the same kernels op by op
// gives (bitwise: the same kernels in the same order), through target syncs and pruning (which change what a
// recording baked in, so the learner records again), for the plain, dueling and C51 heads, with and without
// importance weights; and it must follow the CPU reference learner to float rounding.
import { describe, expect, it } from 'vitest';
import { native, type LayerSpec, type LearnerHead, type ModelDevice, type NativeNetwork } from '../../src/native.js';
import { relativeError } from '../helpers/compare.js';
import { rng, testSeed, type Rng } from '../helpers/random.js';

const devices: ModelDevice[] = [
  ...(native.cudaAvailable() ? ['cuda' as ModelDevice] : []),
  ...(native.cudaEmulated ? ['cuda-emulated' as ModelDevice] : []),
];
const BATCH = 11, ACTIONS = 3, UPDATES = 14;
// Every layer kind a Network has: conv, max-pool, a residual block, flatten, linear.
const layers = (outputs: number): LayerSpec[] => [
  { type: 'conv2d', out: 4, kernel: 3, padding: 1 }, { type: 'maxpool2d', kernel: 2, stride: 2 },
  { type: 'residual', body: [{ type: 'relu' }, { type: 'conv2d', out: 4, kernel: 3, padding: 1 }] }, { type: 'relu' },
  { type: 'flatten' }, { type: 'linear', out: 23 }, { type: 'relu' }, { type: 'linear', out: outputs },
];
const inputShape = [6, 6, 2];
const inSize = 72;

const heads: { name: string; head: LearnerHead; outputs: number; weighted: boolean; loss: 'huber' | 'mse'; double: boolean }[] = [
  { name: 'Q, Huber, double', head: { kind: 'q', actions: ACTIONS }, outputs: ACTIONS, weighted: false, loss: 'huber', double: true },
  { name: 'dueling, MSE, weighted', head: { kind: 'dueling', actions: ACTIONS }, outputs: ACTIONS + 1, weighted: true, loss: 'mse', double: false },
  { name: 'C51 dueling, weighted, double', head: { kind: 'c51', actions: ACTIONS, atoms: 7, vMin: -3, vMax: 3, dueling: true },
    outputs: (ACTIONS + 1) * 7, weighted: true, loss: 'huber', double: true },
];

function batch(r: Rng) {
  const dones = Float32Array.from({ length: BATCH }, () => (r.next() < 0.2 ? 1 : 0));
  return {
    obs: Float32Array.from({ length: BATCH * inSize }, () => r.next()),
    nextObs: Float32Array.from({ length: BATCH * inSize }, () => r.next()),
    actions: Int32Array.from({ length: BATCH }, () => r.int(0, ACTIONS)),
    rewards: Float32Array.from({ length: BATCH }, () => r.next() * 4 - 2),
    discounts: dones.map((d) => (d ? 0 : 0.97)),
    dones,
    weights: Float32Array.from({ length: BATCH }, () => 0.2 + r.next()),
  };
}

/**
 * UPDATES updates with a target sync at 5, a prune to 70% at 8 (masked layers) and to 95% at 10 (CSR layers); the
 * losses, per-sample losses and weights.
 */
function train(device: ModelDevice, h: (typeof heads)[number], graphs: boolean) {
  const seed = testSeed % 10_000;
  const online: NativeNetwork = new native.Network(layers(h.outputs), inputShape, seed, device);
  const target: NativeNetwork = new native.Network(layers(h.outputs), inputShape, seed + 1, device);
  online.setOptimizer({ type: 'adam', lr: 3e-3, eps: 3.125e-4 });
  const learner = new native.Learner(online, target, { head: h.head, double: h.double, loss: h.loss, graphs });
  try {
    const r = rng(testSeed + 5);
    const losses: number[] = [], perSamples: Float32Array[] = [];
    for (let u = 1; u <= UPDATES; u++) {
      const b = batch(r);
      const perSample = new Float32Array(BATCH);
      losses.push(learner.update(b.obs, b.nextObs, b.actions, b.rewards, b.discounts, b.dones,
        h.weighted ? b.weights : null, perSample));
      perSamples.push(perSample);
      if (u === 5) target.copyFrom(online);
      if (u === 8) online.pruneLayers(online.params().map(() => 0.7));
      if (u === 10) online.pruneLayers(online.params().map(() => 0.95));
      if (u === 11) online.forward(new Float32Array(inSize), 1);  // acting between updates: batch 1, same buffers
    }
    const weights = online.params().map((p) => online.getWeight(p.index));
    const representations = online.params().map((p) => p.representation);
    // The host's record of the last forward (the update's batch, also after a replay): activations and backward use it.
    const activations = online.activations().map((a) => Array.from(a));
    online.backward(new Float32Array(BATCH * h.outputs).fill(0.5));
    return { losses, perSamples, weights, representations, activations, stats: learner.graphStats() };
  } finally {
    learner.dispose();
    online.dispose();
    target.dispose();
  }
}

describe.each(devices)('learner on %s: the update recorded once, replayed as a CUDA graph', (device) => {
  for (const h of heads) {
    it(`${h.name}: replays give exactly the op-by-op updates, and follow the CPU reference`, () => {
      const replayed = train(device, h, true);
      const direct = train(device, h, false);
      const reference = train('cpu-reference', h, true);
      // Recorded at the first update, again after the target sync (copyFrom re-makes the target's layers) and after
      // the prune; replayed otherwise.
      expect(replayed.stats.error).toBe('');
      expect(replayed.stats.captures).toBeGreaterThanOrEqual(4);
      expect(replayed.representations).toContain('csr');
      expect(replayed.stats.replays).toBeGreaterThanOrEqual(UPDATES - 2 * replayed.stats.captures);
      expect(replayed.stats.captures + replayed.stats.replays).toBe(UPDATES);
      expect(direct.stats).toEqual({ captures: 0, replays: 0, error: '' });
      expect(reference.stats).toEqual({ captures: 0, replays: 0, error: '' });

      expect(replayed.losses).toEqual(direct.losses);
      expect(replayed.perSamples).toEqual(direct.perSamples);
      expect(replayed.weights).toEqual(direct.weights);
      expect(replayed.activations[0]!.length).toBe(BATCH * 3 * 3 * 4);  // the residual body's ReLU, on 3×3×4
      expect(replayed.activations).toEqual(direct.activations);
      for (let u = 0; u < UPDATES; u++) expect(Math.abs(replayed.losses[u]! - reference.losses[u]!)).toBeLessThan(1e-4 * (1 + Math.abs(reference.losses[u]!)));
      replayed.weights.forEach((w, i) => expect(relativeError(w, reference.weights[i]!)).toBeLessThan(1e-4));
    });
  }
});

describe('learner on the CPU', () => {
  it('has no graphs: every update runs op by op, whatever the option says', () => {
    const stats = train('cpu', heads[0]!, true).stats;
    expect(stats).toEqual({ captures: 0, replays: 0, error: '' });
  });
});
