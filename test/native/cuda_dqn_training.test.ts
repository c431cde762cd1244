// A short DQN training through the fused native learner on the CUDA table ('cuda-emulated': the CUDA kernels on the
// host emulator; 'cuda' too when a GPU is present) against the same training on the CPU's plain references: an MLP
// and a MinAtar-style conv net, dense and with gradual magnitude pruning to 90% (pruned on the device by radix
// select), 240 updates of random replay batches with a target sync every 60. The CUDA products sum in another order
// (as the fast CPU kernels do), and Adam turns rounding-level differences in near-zero gradients into step-sized ones,
// so the yardstick is the fast CPU kernels' own distance from the reference: every weight tensor must end within
// 1e-5 relative of the reference, or within 10× that distance (measured with seed 11: 3e-8 to 6e-8, the same as the
// fast CPU kernels'); and the masks must be the reference's.
import { describe, expect, it } from 'vitest';
import { ValueAgent } from '../../src/agents/value_agent.js';
import type { ReplayBatch } from '../../src/agents/replay/replay_buffer.js';
import { native, type LayerSpec, type ModelDevice } from '../../src/native.js';
import { expectClose, relativeError } from '../helpers/compare.js';
import { rng, testSeed, type Rng } from '../helpers/random.js';

const UPDATES = 240, SYNC_EVERY = 60, BATCH = 12, ACTIONS = 3;

function randomBatch(r: Rng, inSize: number): ReplayBatch {
  const obs = Float32Array.from({ length: BATCH * inSize }, () => r.next());
  const nextObs = Float32Array.from({ length: BATCH * inSize }, () => r.next());
  const dones = Float32Array.from({ length: BATCH }, () => (r.next() < 0.1 ? 1 : 0));
  return {
    batchSize: BATCH, obs, nextObs, dones,
    actions: Int32Array.from({ length: BATCH }, () => r.int(0, ACTIONS)),
    rewards: Float32Array.from({ length: BATCH }, () => r.next() * 2 - 1),
    discounts: dones.map((d) => (d ? 0 : 0.99)),
    indices: Int32Array.from({ length: BATCH }, (_, i) => i),
  };
}

/** Every weight and mask after the run; GMP (cubic ramp to `sparsity`) every 40 updates from update 40 to 160. */
function run(layers: LayerSpec[], inputShape: number[], device: ModelDevice, sparsity: number) {
  const agent = new ValueAgent({
    layers, inputShape, head: { kind: 'q', actions: ACTIONS }, optimizer: { type: 'adam', lr: 1e-3, eps: 1.5e-4 },
    double: true, loss: 'mse', seed: testSeed % 100_000, device,
  });
  try {
    const r = rng(testSeed + 11);
    const inSize = inputShape.reduce((a, b) => a * b, 1);
    const losses: number[] = [];
    for (let u = 1; u <= UPDATES; u++) {
      losses.push(agent.update(randomBatch(r, inSize)).loss);
      if (sparsity > 0 && u % 40 === 0 && u <= 160) {
        const s = sparsity * (1 - (1 - u / 160) ** 3);
        agent.online.pruneLayers(agent.online.params().map(() => s));
      }
      if (u % SYNC_EVERY === 0) agent.syncTarget();
    }
    const params = agent.online.params();
    return {
      losses, weights: params.map((p) => agent.online.getWeight(p.index)), masks: params.map((p) => agent.online.getMask(p.index)),
      representations: params.map((p) => p.representation),
    };
  } finally {
    agent.online.dispose();
    agent.target.dispose();
  }
}

const mlp: LayerSpec[] = [{ type: 'linear', out: 37 }, { type: 'relu' }, { type: 'linear', out: 29 }, { type: 'relu' }, { type: 'linear', out: ACTIONS }];
// MinAtar's DQN net (conv 3×3 → ReLU → flatten → dense → ReLU → Q), on a smaller grid so the emulator stays quick.
const conv: LayerSpec[] = [{ type: 'conv2d', out: 8, kernel: 3 }, { type: 'relu' }, { type: 'flatten' }, { type: 'linear', out: 32 }, { type: 'relu' }, { type: 'linear', out: ACTIONS }];
const devices: ModelDevice[] = [
  ...(native.cudaEmulated ? ['cuda-emulated' as const] : []), ...(native.cudaAvailable() ? ['cuda' as const] : []),
];

describe.runIf(devices.length > 0)(`DQN training on the CUDA table against the CPU reference (seed ${testSeed})`, () => {
  for (const device of devices)
    for (const [name, layers, shape] of [['MLP', mlp, [7]], ['MinAtar-style conv net', conv, [6, 6, 4]]] as const)
      for (const sparsity of [0, 0.9])
        it(`${device}: ${name}, ${sparsity ? '90% GMP' : 'dense'}, ${UPDATES} updates`, () => {
          const ref = run(layers as LayerSpec[], shape as number[], 'cpu-reference', sparsity);
          const fast = run(layers as LayerSpec[], shape as number[], 'cpu', sparsity);
          const dev = run(layers as LayerSpec[], shape as number[], device, sparsity);
          if (sparsity > 0) expect(dev.representations).toEqual(ref.representations);
          expect(dev.masks).toEqual(ref.masks);
          ref.weights.forEach((w, i) => expectClose(dev.weights[i], w, Math.max(1e-5, 10 * relativeError(fast.weights[i], w))));
          expectClose(dev.losses, ref.losses, Math.max(1e-5, 10 * relativeError(fast.losses, ref.losses)));
          // The run learned something the devices agree on (not a degenerate all-zero network).
          expect(dev.weights.every((w) => w.some((v) => v !== 0))).toBe(true);
        }, 300_000);
});
