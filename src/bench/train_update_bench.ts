// `prunerl bench train`: how fast the product's own learner updates. The agent is built from a config resolved
// exactly as `prunerl train` resolves it (preset, ERK, double/dueling/n-step/C51 as configured, through
// buildAgentParts), pruned to its final sparsity by its own Pruner, and fed random MinAtar-shaped (10×10×4 bytes,
// 6 actions) or CartPole-shaped (4 floats, 2 actions) transitions. One timed update is what the trainer does per
// update: sample a batch from the replay buffer, scale it, ValueAgent.update (and new priorities when prioritized).
import { loadavg } from 'node:os';
import { native } from '../native.js';
import { resolveDevice } from '../backends/device.js';
import { Random } from '../random/random.js';
import type { BoxSpace } from '../envs/env.js';
import type { ArchitectureName } from '../nn/architectures.js';
import { resolveConfig } from '../train/train_config.js';
import { buildAgentParts } from '../train/run_setup.js';
import { PrioritizedReplayBuffer } from '../agents/replay/prioritized_replay_buffer.js';

export interface TrainBenchOptions {
  net: ArchitectureName;
  width: number;
  sparsity: number;
  agent: 'dqn' | 'rainbow';
  device: 'cpu' | 'cuda';
  /** Seconds of timed updates (after 20 untimed ones). */
  seconds: number;
  seed?: number;
  /** Where the one-line CUDA fallback message goes (default console.warn). */
  warn?: (message: string) => void;
}

export interface TrainBenchResult {
  net: ArchitectureName; width: number; sparsity: number; agent: 'dqn' | 'rainbow';
  /** The device asked for and the one that ran (CUDA training falls back to the CPU today). */
  device: 'cpu' | 'cuda'; deviceUsed: 'cpu' | 'cuda';
  observation: 'minatar' | 'cartpole';
  batchSize: number;
  updates: number;
  seconds: number;
  updatesPerSecond: number;
  medianUpdateMicroseconds: number;
  /** 10th percentile: what an update costs when no other process takes its cores. */
  p10UpdateMicroseconds: number;
  keptWeights: number;
  totalWeights: number;
  achievedSparsity: number;
  /** Per weight layer: dense, masked or csr. */
  representations: string[];
  threads: number;
  simd: string;
  /** The 1-minute load average before and after: on a shared machine other work takes cores. */
  loadAverage: { before: number; after: number };
}

const minatarSpace: BoxSpace = { kind: 'box', shape: [10, 10, 4], dtype: 'uint8', low: 0, high: 1 };
const cartpoleSpace: BoxSpace = { kind: 'box', shape: [4], dtype: 'float32', low: -4.8, high: 4.8 };

export function benchTrainUpdate(options: TrainBenchOptions): TrainBenchResult {
  const loadBefore = loadavg()[0]!;
  const observation = options.net === 'mlp' ? 'cartpole' : 'minatar';
  const space = observation === 'cartpole' ? cartpoleSpace : minatarSpace;
  const actions = observation === 'cartpole' ? 2 : 6;
  const seed = options.seed ?? 0;
  const config = resolveConfig({
    env: observation === 'cartpole' ? 'CartPole-v1' : 'minatar/breakout',
    agent: options.agent, net: options.net, width: options.width, sparsity: options.sparsity, device: options.device, seed,
  });
  const deviceUsed = resolveDevice(config.device, { warn: options.warn }).device;
  if (deviceUsed === 'cuda') {
    // As the trainer does: the CUDA kernels exist, the device-resident Network does not yet.
    (options.warn ?? console.warn)('prunerl: a CUDA device is present, but training on it is not implemented yet; timing the CPU update');
  }
  const { agent, replay, pruner } = buildAgentParts(config, space, actions);
  try {
    if (pruner) pruner.apply(config.sparsity);
    const rng = new Random(seed + 1);
    const size = space.shape.reduce((a, b) => a * b, 1);
    const randomObs = () => (space.dtype === 'uint8'
      ? Uint8Array.from({ length: size }, () => (rng.uniform() < 0.1 ? 1 : 0))
      : Float32Array.from({ length: size }, () => (rng.uniform() * 2 - 1) * 2));
    for (let i = 0; i < Math.max(2048, 4 * config.batchSize); i++) {
      const terminated = rng.uniform() < 0.02;
      replay.add({ obs: randomObs(), action: rng.integer(0, actions), reward: rng.uniform() < 0.1 ? 1 : 0, nextObs: randomObs(), terminated, truncated: false });
    }
    const prioritized = replay instanceof PrioritizedReplayBuffer ? replay : null;
    const update = (): void => {
      const batch = prioritized ? prioritized.sample(config.batchSize, rng, config.priorityBeta) : replay.sample(config.batchSize, rng);
      if (config.observationScale !== 1) {
        for (let i = 0; i < batch.obs.length; i++) batch.obs[i]! *= config.observationScale;
        for (let i = 0; i < batch.nextObs.length; i++) batch.nextObs[i]! *= config.observationScale;
      }
      const result = agent.update(batch);
      if (prioritized) prioritized.updatePriorities(batch.indices, Float64Array.from(result.tdErrors, (e) => e + 1e-6));
    };
    for (let i = 0; i < 20; i++) update();
    const times: number[] = [];
    const start = process.hrtime.bigint(), end = start + BigInt(Math.round(options.seconds * 1e9));
    let now = start;
    while (now < end || times.length < 5) {
      update();
      const after = process.hrtime.bigint();
      times.push(Number(after - now) / 1e3);
      now = after;
    }
    const elapsed = Number(now - start) / 1e9;
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    const params = agent.prunable.params();
    const keptWeights = params.reduce((a, p) => a + p.kept, 0), totalWeights = params.reduce((a, p) => a + p.size, 0);
    return {
      net: options.net, width: options.width, sparsity: options.sparsity, agent: options.agent,
      device: options.device, deviceUsed, observation, batchSize: config.batchSize,
      updates: times.length, seconds: elapsed,
      updatesPerSecond: times.length / elapsed,
      medianUpdateMicroseconds: at(0.5), p10UpdateMicroseconds: at(0.1),
      keptWeights, totalWeights, achievedSparsity: 1 - keptWeights / totalWeights,
      representations: params.map((p) => p.representation),
      threads: native.threadCount(), simd: native.simdLevel(),
      loadAverage: { before: loadBefore, after: loadavg()[0]! },
    };
  } finally {
    agent.dispose();
  }
}
