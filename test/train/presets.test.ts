// The presets resolve to what their references run (DESIGN.md, "Facts from the paper"), and the width multiplies
// what the paper multiplies.
import { describe, expect, it } from 'vitest';
import { resolveConfig, type TrainConfigInput } from '../../src/train/train_config.js';
import { architecture } from '../../src/nn/architectures.js';
import { Network } from '../../src/nn/network.js';

describe('presets', () => {
  it("dopamine-dqn is Dopamine JAX's DQN: MSE, Impala, Adam 6.25e-5, target every 8000 agent steps", () => {
    const c = resolveConfig({ preset: 'dopamine-dqn', env: 'CartPole-v1', frames: 1_000_000 });
    expect(c).toMatchObject({
      agent: 'dqn', net: 'impala', loss: 'mse', batchSize: 32, updateEvery: 4, targetUpdateFrames: 8000,
      learningStarts: 20_000, epsilonEnd: 0.01, epsilonDecayFrames: 250_000, double: false, dueling: false, nStep: 1,
    });
    expect(c.optimizer).toEqual({ type: 'adam', lr: 6.25e-5, eps: 1.5e-4 });
  });

  it("dopamine-rainbow is Dopamine's compact Rainbow: C51 + 3-step + PER, no dueling, no double", () => {
    const c = resolveConfig({ preset: 'dopamine-rainbow', env: 'CartPole-v1', frames: 1_000_000 });
    expect(c).toMatchObject({
      agent: 'rainbow', atoms: 51, vMin: -10, vMax: 10, nStep: 3, prioritized: true, priorityAlpha: 0.5,
      priorityBeta: 0.5, dueling: false, double: false, targetUpdateFrames: 8000, updateEvery: 4,
    });
  });

  it("minatar-dqn is MinAtar's dqn.py: centered RMSProp without momentum, Huber, target every 1000 frames", () => {
    const c = resolveConfig({ preset: 'minatar-dqn', env: 'CartPole-v1' });
    expect(c.optimizer).toEqual({ type: 'rmsprop', lr: 2.5e-4, alpha: 0.95, eps: 0.01, centered: true, momentum: 0 });
    expect(c).toMatchObject({ loss: 'huber', targetUpdateFrames: 1000, updateEvery: 1, learningStarts: 5000, replayCapacity: 100_000, epsilonEnd: 0.1, epsilonDecayFrames: 100_000 });
  });

  it('refuses the old targetUpdatePeriod key with a line naming its replacement', () => {
    expect(() => resolveConfig({ targetUpdatePeriod: 500 } as unknown as TrainConfigInput)).toThrow(/targetUpdatePeriod is no longer accepted; use targetUpdateFrames/);
    expect(() => resolveConfig({ widthScales: 'dense' } as unknown as TrainConfigInput)).toThrow(/config\.widthScales/);
  });
});

const kept = (layers: ReturnType<typeof architecture>, inputShape: number[]) => {
  const net = new Network({ layers, inputShape, seed: 0 });
  try {
    return net.params().map((p) => p.shape);
  } finally {
    net.dispose();
  }
};

describe('width', () => {
  it('multiplies convolution channels and keeps the dense hidden layer (the paper), or everything with widthScales all', () => {
    const shape = [10, 10, 4];
    // MinAtar net ×3: conv 3×3 48 channels on 10×10×4, dense 8·8·48 → 128, head 128 → 6.
    expect(kept(architecture('minatar', { width: 3, outputs: 6, inputShape: shape }), shape)).toEqual([[48, 3, 3, 4], [128, 3072], [6, 128]]);
    expect(kept(architecture('minatar', { width: 3, widthScales: 'all', outputs: 6, inputShape: shape }), shape)).toEqual([[48, 3, 3, 4], [384, 3072], [6, 384]]);
    const nature = architecture('nature', { width: 5, outputs: 6, inputShape: shape });
    expect(nature.filter((l) => l.type === 'linear').map((l) => (l as { out: number }).out)).toEqual([512, 6]);
    const impala = architecture('impala', { width: 3, outputs: 6, inputShape: shape });
    expect(impala.filter((l) => l.type === 'linear').map((l) => (l as { out: number }).out)).toEqual([512, 6]);
    expect(impala.filter((l) => l.type === 'conv2d').map((l) => (l as { out: number }).out)).toEqual([48, 96, 96]);
    // An MLP has no convolutions: its hidden layers scale either way.
    expect(architecture('mlp', { width: 2, outputs: 2, inputShape: [4] })[0]).toEqual({ type: 'linear', out: 512 });
  });
});
