// `prunerl bench train`: how fast the product's own learner updates. The agent is built from a config resolved
// exactly as `prunerl train` resolves it (preset, ERK, double/dueling/n-step/C51 as configured, through
// buildAgentParts), pruned to its final sparsity by its own Pruner, and fed random MinAtar-shaped (10×10×4 bytes,
// 6 actions) or CartPole-shaped (4 floats, 2 actions) transitions. One timed update is what the trainer does per
// update: sample a batch from the replay buffer, scale it, ValueAgent.update (and new priorities when prioritized).
// ValueAgent.update is the fused native learner by default; `compareReference` also builds the same agent on the
// TypeScript reference update (dqnUpdate / c51Update) and times the two in alternating slices, so their ratio is
// measured under the same machine load.
import { loadavg } from 'node:os';
import { native } from '../native.js';
import { resolveDevice } from '../backends/device.js';
import { Random } from '../random/random.js';
import type { BoxSpace } from '../envs/env.js';
import type { ArchitectureName } from '../nn/architectures.js';
import { resolveConfig, type TrainConfig } from '../train/train_config.js';
import { buildAgentParts } from '../train/run_setup.js';
import { PrioritizedReplayBuffer } from '../agents/replay/prioritized_replay_buffer.js';
import { cartpoleSpace, minatarSpace, randomObservations, scaleObservations, summarizeUpdateTimes } from './bench_inputs.js';

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
  /** The update timed: 'native' (the default, as `prunerl train` runs) or the TypeScript 'reference'. */
  learner?: 'native' | 'reference';
  /** Also time the reference update, alternating with the learner above (as much time again). */
  compareReference?: boolean;
}

/** Update timings of one learner. */
export interface UpdateTimes {
  updates: number;
  seconds: number;
  updatesPerSecond: number;
  medianUpdateMicroseconds: number;
  /** 10th percentile: what an update costs when no other process takes its cores. */
  p10UpdateMicroseconds: number;
}

export interface TrainBenchResult {
  net: ArchitectureName; width: number; sparsity: number; agent: 'dqn' | 'rainbow';
  /** The device asked for and the one that ran (CUDA training falls back to the CPU today). */
  device: 'cpu' | 'cuda'; deviceUsed: 'cpu' | 'cuda';
  observation: 'minatar' | 'cartpole';
  batchSize: number;
  learner: 'native' | 'reference';
  updates: number;
  seconds: number;
  updatesPerSecond: number;
  medianUpdateMicroseconds: number;
  /** 10th percentile: what an update costs when no other process takes its cores. */
  p10UpdateMicroseconds: number;
  /** With compareReference: the TypeScript reference update, timed in turns with the learner above. */
  reference?: UpdateTimes;
  /** With compareReference: updatesPerSecond / reference.updatesPerSecond. */
  speedupOverReference?: number;
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


export function benchTrainUpdate(options: TrainBenchOptions): TrainBenchResult {
  const loadBefore = loadavg()[0]!;
  const observation = options.net === 'mlp' ? 'cartpole' : 'minatar';
  const space = observation === 'cartpole' ? cartpoleSpace : minatarSpace;
  const actions = observation === 'cartpole' ? 2 : 6;
  const seed = options.seed ?? 0;
  const learner = options.learner ?? 'native';
  const configOf = (which: 'native' | 'reference') => resolveConfig({
    env: observation === 'cartpole' ? 'CartPole-v1' : 'minatar/breakout',
    agent: options.agent, net: options.net, width: options.width, sparsity: options.sparsity, device: options.device, seed,
    learner: which,
  });
  const config = configOf(learner);
  const deviceUsed = resolveDevice(config.device, { warn: options.warn }).device;
  if (deviceUsed === 'cuda') {
    // As the trainer does: the CUDA kernels exist, the device-resident Network does not yet.
    (options.warn ?? console.warn)('prunerl: a CUDA device is present, but training on it is not implemented yet; timing the CPU update');
  }
  const main = prepare(config, space, actions, seed);
  const reference = options.compareReference ? prepare(configOf('reference'), space, actions, seed) : null;
  try {
    const sides = reference ? [main, reference] : [main];
    for (const side of sides) for (let i = 0; i < 20; i++) side.update();
    // Alternating slices of at most 0.5 s, so that a change of machine load falls on both sides alike.
    const slice = reference ? Math.min(0.5, options.seconds) : options.seconds;
    let spent = 0;
    while (spent < options.seconds - 1e-9 || main.times.length < 5) {
      const s = Math.min(slice, Math.max(options.seconds - spent, 0.05));
      for (const side of sides) side.time(s);
      spent += s;
    }
    const params = main.agent.prunable.params();
    const keptWeights = params.reduce((a, p) => a + p.kept, 0), totalWeights = params.reduce((a, p) => a + p.size, 0);
    const mainTimes = main.summary();
    const referenceTimes = reference?.summary();
    return {
      net: options.net, width: options.width, sparsity: options.sparsity, agent: options.agent,
      device: options.device, deviceUsed, observation, batchSize: config.batchSize, learner,
      ...mainTimes,
      ...(referenceTimes ? { reference: referenceTimes, speedupOverReference: mainTimes.updatesPerSecond / referenceTimes.updatesPerSecond } : {}),
      keptWeights, totalWeights, achievedSparsity: 1 - keptWeights / totalWeights,
      representations: params.map((p) => p.representation),
      threads: native.threadCount(), simd: native.simdLevel(),
      loadAverage: { before: loadBefore, after: loadavg()[0]! },
    };
  } finally {
    main.agent.dispose();
    reference?.agent.dispose();
  }
}

/** An agent as `prunerl train` builds it, pruned, with a filled replay buffer and a timer for its updates. */
function prepare(config: TrainConfig, space: BoxSpace, actions: number, seed: number) {
  const { agent, replay, pruner } = buildAgentParts(config, space, actions);
  if (pruner) pruner.apply(config.sparsity);
  const rng = new Random(seed + 1);
  const randomObs = randomObservations(space, rng);
  for (let i = 0; i < Math.max(2048, 4 * config.batchSize); i++) {
    const terminated = rng.uniform() < 0.02;
    replay.add({ obs: randomObs(), action: rng.integer(0, actions), reward: rng.uniform() < 0.1 ? 1 : 0, nextObs: randomObs(), terminated, truncated: false });
  }
  const prioritized = replay instanceof PrioritizedReplayBuffer ? replay : null;
  const update = (): void => {
    const batch = prioritized ? prioritized.sample(config.batchSize, rng, config.priorityBeta) : replay.sample(config.batchSize, rng);
    const result = agent.update(scaleObservations(batch, config.observationScale));
    if (prioritized) prioritized.updatePriorities(batch.indices, Float64Array.from(result.tdErrors, (e) => e + 1e-6));
  };
  const times: number[] = [];
  let elapsedNs = 0n;
  /** Timed updates for `seconds` (per-update times in µs). */
  const time = (seconds: number): void => {
    const start = process.hrtime.bigint(), end = start + BigInt(Math.round(seconds * 1e9));
    let now = start;
    do {
      update();
      const after = process.hrtime.bigint();
      times.push(Number(after - now) / 1e3);
      now = after;
    } while (now < end);
    elapsedNs += now - start;
  };
  const summary = (): UpdateTimes => summarizeUpdateTimes(times, Number(elapsedNs) / 1e9);
  return { agent, update, time, times, summary };
}
