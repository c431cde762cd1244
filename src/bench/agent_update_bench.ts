// `prunerl bench train --agent iqn|miqn|sac`: how fast the real update of the distributional and continuous agents
// runs, beside train_update_bench.ts (dqn, rainbow) and with the same result fields. The agent is built as
// `prunerl train` builds it — IQN/M-IQN by buildAgentParts on MinAtar- (10×10×4 bytes, 6 actions) or CartPole-shaped
// (4 floats, 2 actions) spaces, SAC by setupRun on Pendulum-v1 (3 floats, one torque in [−2, 2]) — pruned to its
// final sparsity by its own Pruner and fed random transitions. One timed update is what the trainer does per update:
// sample a batch, scale it, RunAgent.update. These agents have one update, TypeScript over native ops (no fused
// native learner yet), so `learner` is 'reference' and there is nothing to compare it with.
import { loadavg } from 'node:os';
import { native } from '../native.js';
import { resolveDevice } from '../backends/device.js';
import { Random } from '../random/random.js';
import type { BoxSpace } from '../envs/env.js';
import type { ArchitectureName } from '../nn/architectures.js';
import { resolveConfig, type TrainConfig, type TrainConfigInput } from '../train/train_config.js';
import { buildAgentParts, setupRun } from '../train/run_setup.js';
import type { RunAgent } from '../train/run_agent.js';
import { ContinuousReplayBuffer } from '../agents/replay/continuous_replay_buffer.js';
import { cartpoleSpace, minatarSpace, randomObservations, scaleObservations, summarizeUpdateTimes } from './bench_inputs.js';

export const agentBenchAgents = ['iqn', 'miqn', 'sac'] as const;
export type AgentBenchAgent = typeof agentBenchAgents[number];

export interface AgentBenchOptions {
  agent: AgentBenchAgent;
  /** mlp (CartPole-shaped batches; SAC's only net, on Pendulum-v1) or a MinAtar-shaped net for iqn/miqn. */
  net: ArchitectureName;
  width: number;
  sparsity: number;
  device: 'cpu' | 'cuda';
  /** Seconds of timed updates (after 5 untimed ones); at least 5 updates are timed whatever it says. */
  seconds: number;
  seed?: number;
  /** Config keys on top of the agent's defaults (e.g. numTauSamples), resolved as `prunerl train --set` would. */
  config?: TrainConfigInput;
  /** Where the one-line CUDA fallback message goes (default console.warn). */
  warn?: (message: string) => void;
}

export interface AgentBenchResult {
  net: ArchitectureName; width: number; sparsity: number; agent: AgentBenchAgent;
  device: 'cpu' | 'cuda'; deviceUsed: 'cpu' | 'cuda';
  observation: 'minatar' | 'cartpole' | 'pendulum';
  batchSize: number;
  learner: 'reference';
  updates: number;
  seconds: number;
  updatesPerSecond: number;
  medianUpdateMicroseconds: number;
  /** 10th percentile: what an update costs when no other process takes its cores. */
  p10UpdateMicroseconds: number;
  keptWeights: number;
  totalWeights: number;
  achievedSparsity: number;
  /** Per weight layer of the pruned model (IQN: torso, τ-embedding, head; SAC: actor, both critics). */
  representations: string[];
  threads: number;
  simd: string;
  loadAverage: { before: number; after: number };
}


interface Prepared { agent: RunAgent; update(): void; dispose(): void; batchSize: number }

export async function benchAgentUpdate(options: AgentBenchOptions): Promise<AgentBenchResult> {
  const loadBefore = loadavg()[0]!;
  if (options.agent === 'sac' && options.net !== 'mlp') {
    throw new RangeError(`Expected net mlp for agent sac (its actor and critics are MLPs) but received '${options.net}'`);
  }
  const observation = options.agent === 'sac' ? 'pendulum' : options.net === 'mlp' ? 'cartpole' : 'minatar';
  const seed = options.seed ?? 0;
  const config = resolveConfig({
    ...options.config,
    env: observation === 'pendulum' ? 'Pendulum-v1' : observation === 'cartpole' ? 'CartPole-v1' : 'minatar/breakout',
    agent: options.agent, ...(options.agent === 'sac' ? {} : { net: options.net }), width: options.width,
    sparsity: options.sparsity, device: options.device, seed,
  });
  const deviceUsed = resolveDevice(config.device, { warn: options.warn }).device;
  if (deviceUsed === 'cuda') {
    (options.warn ?? console.warn)('prunerl: a CUDA device is present, but training on it is not implemented yet; timing the CPU update');
  }
  const prepared = options.agent === 'sac' ? await prepareSac(config, seed) : prepareIqn(config, observation === 'cartpole' ? cartpoleSpace : minatarSpace, seed);
  try {
    for (let i = 0; i < 5; i++) prepared.update();
    const times = timeUpdates(prepared.update, options.seconds);
    const params = prepared.agent.prunable.params();
    const keptWeights = params.reduce((a, p) => a + p.kept, 0), totalWeights = params.reduce((a, p) => a + p.size, 0);
    return {
      net: options.agent === 'sac' ? 'mlp' : options.net, width: options.width, sparsity: options.sparsity, agent: options.agent,
      device: options.device, deviceUsed, observation, batchSize: prepared.batchSize, learner: 'reference',
      ...times,
      keptWeights, totalWeights, achievedSparsity: 1 - keptWeights / totalWeights,
      representations: params.map((p) => p.representation),
      threads: native.threadCount(), simd: native.simdLevel(),
      loadAverage: { before: loadBefore, after: loadavg()[0]! },
    };
  } finally {
    prepared.dispose();
  }
}

function prepareIqn(config: TrainConfig, space: BoxSpace, seed: number): Prepared {
  const actions = space.dtype === 'uint8' ? 6 : 2;
  const { agent, replay, pruner } = buildAgentParts(config, space, actions);
  if (pruner) pruner.apply(config.sparsity);
  const rng = new Random(seed + 1), obs = randomObservations(space, rng);
  for (let i = 0; i < Math.max(2048, 4 * config.batchSize); i++) {
    replay.add({ obs: obs(), action: rng.integer(0, actions), reward: rng.uniform() < 0.1 ? 1 : 0, nextObs: obs(), terminated: rng.uniform() < 0.02, truncated: false });
  }
  return {
    agent, batchSize: config.batchSize, dispose: () => agent.dispose(),
    update: () => void agent.update(scaleObservations(replay.sample(config.batchSize, rng), config.observationScale)),
  };
}

async function prepareSac(config: TrainConfig, seed: number): Promise<Prepared> {
  const { agent, replay, pruner, env, evalEnv } = await setupRun(config);
  for (const e of [env, evalEnv]) e.close?.();
  if (!(replay instanceof ContinuousReplayBuffer)) throw new Error('Expected SAC\'s continuous replay buffer from setupRun');
  if (pruner) pruner.apply(config.sparsity);
  const rng = new Random(seed + 1), obs = randomObservations(env.observationSpace, rng);
  const D = agent.policyNetwork().head.actions;
  for (let i = 0; i < Math.max(2048, 4 * config.batchSize); i++) {
    // Pendulum's torque in [−2, 2] and its reward in [−16.3, 0].
    const action = Float32Array.from({ length: D }, () => 4 * rng.uniform() - 2);
    replay.add({ obs: obs(), action, reward: -16.3 * rng.uniform(), nextObs: obs(), terminated: false, truncated: false });
  }
  return {
    agent, batchSize: config.batchSize, dispose: () => agent.dispose(),
    update: () => void agent.update(scaleObservations(replay.sample(config.batchSize, rng), config.observationScale)),
  };
}

/** Times updates for `seconds` (at least 5 of them): count, rate, median and 10th percentile in µs. */
function timeUpdates(update: () => void, seconds: number) {
  const micros: number[] = [];
  const start = process.hrtime.bigint(), end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end || micros.length < 5) {
    update();
    const after = process.hrtime.bigint();
    micros.push(Number(after - now) / 1e3);
    now = after;
  }
  return summarizeUpdateTimes(micros, Number(now - start) / 1e9);
}
