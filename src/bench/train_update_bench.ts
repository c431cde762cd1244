// `prunerl bench train`: how fast the product's own learner updates. The agent is built from a config resolved
// exactly as `prunerl train` resolves it (preset, ERK, double/dueling/n-step/C51 as configured, through
// buildAgentParts), pruned to its final sparsity by its own Pruner, and fed random MinAtar-shaped (10×10×4 bytes,
// 6 actions) or CartPole-shaped (4 floats, 2 actions) transitions. One timed update is what the trainer does per
// update: sample a batch from the replay buffer, scale it, ValueAgent.update (and new priorities when prioritized).
// ValueAgent.update is the fused native learner by default; `compareReference` also builds the same agent on the
// TypeScript reference update (dqnUpdate / c51Update) and times the two in alternating slices, so their ratio is
// measured under the same machine load. `peer: 'pytorch'` times the same update in PyTorch eager on the CPU
// (src/bench/pytorch_peer.ts) in the same turns, after checking on one batch that both sides compute the same update.
import { availableParallelism, loadavg } from 'node:os';
import { native, type ModelDevice } from '../native.js';
import { modelDeviceFor } from '../backends/device.js';
import { Random } from '../random/random.js';
import type { BoxSpace } from '../envs/env.js';
import type { ArchitectureName } from '../nn/architectures.js';
import { resolveConfig, type TrainConfig } from '../train/train_config.js';
import { buildAgentParts } from '../train/run_setup.js';
import type { PresetName } from '../train/presets.js';
import { PrioritizedReplayBuffer } from '../agents/replay/prioritized_replay_buffer.js';
import { PytorchPeer, updateDifference, type PeerInfo } from './pytorch_peer.js';
import type { Network } from '../nn/network.js';
import type { ReplayBatch } from '../agents/replay/replay_buffer.js';
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
  /** A named preset under the flags above, as `prunerl train --preset` (e.g. minatar-dqn: centered RMSProp, batch 32). */
  preset?: PresetName;
  /** Also time the same update in PyTorch eager on the CPU ('pytorch'), in the same turns; default 'none'. */
  peer?: TrainBenchPeer;
}

export const trainBenchPeers = ['none', 'pytorch'] as const;
export type TrainBenchPeer = (typeof trainBenchPeers)[number];

/** The PyTorch peer's timings, versions and its check against our update. */
export interface PeerResult extends UpdateTimes, PeerInfo {
  name: 'pytorch';
  /** max |Δw ours − Δw pytorch| / max |Δw ours| after one update from the same weights and batch (~1e-4 is float32's floor). */
  check: number;
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
  /** The device asked for and the one that ran (the CPU when no GPU is present; cuda-emulated under PRUNERL_CUDA_EMULATE=1). */
  device: 'cpu' | 'cuda'; deviceUsed: 'cpu' | 'cuda' | 'cuda-emulated';
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
  /** With peer: PyTorch's update, timed in turns with ours. */
  peer?: PeerResult;
  /** With peer: updatesPerSecond / peer.updatesPerSecond. */
  speedupOverPeer?: number;
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


export async function benchTrainUpdate(options: TrainBenchOptions): Promise<TrainBenchResult> {
  const loadBefore = loadavg()[0]!;
  const observation = options.net === 'mlp' ? 'cartpole' : 'minatar';
  const space = observation === 'cartpole' ? cartpoleSpace : minatarSpace;
  const actions = observation === 'cartpole' ? 2 : 6;
  const seed = options.seed ?? 0;
  const learner = options.learner ?? 'native';
  const configOf = (which: 'native' | 'reference') => resolveConfig({
    env: observation === 'cartpole' ? 'CartPole-v1' : 'minatar/breakout', preset: options.preset,
    agent: options.agent, net: options.net, width: options.width, sparsity: options.sparsity, device: options.device, seed,
    learner: which,
  });
  const config = configOf(learner);
  const peerKind = options.peer ?? 'none';
  if (peerKind === 'pytorch') checkPeerCanRun(config);
  // As the trainer: the networks on the GPU when there is one, else the CPU after one line saying why.
  const deviceUsed = modelDeviceFor(config.device, { warn: options.warn });
  const main = prepare(config, space, actions, seed, deviceUsed);
  let reference: ReturnType<typeof prepare> | null = null;
  let peer: PytorchPeer | null = null;
  try {
    reference = options.compareReference ? prepare(configOf('reference'), space, actions, seed, deviceUsed) : null;
    const peerSide = peerKind === 'pytorch' ? await startPeer(config, main, space, actions, seed, options.warn ?? console.warn) : null;
    peer = peerSide?.peer ?? null;
    const sides = reference ? [main, reference] : [main];
    for (const side of sides) for (let i = 0; i < 20; i++) side.update();
    await peer?.warmUp(5); // PyTorch's first updates allocate; a few are enough, and they take seconds on a loaded machine
    // Alternating slices of at most 0.5 s, so that a change of machine load falls on every side alike.
    const slice = reference || peer ? Math.min(0.5, options.seconds) : options.seconds;
    const peerMicros: number[] = [];
    let spent = 0, peerSeconds = 0;
    while (spent < options.seconds - 1e-9 || main.times.length < 5) {
      const s = Math.min(slice, Math.max(options.seconds - spent, 0.05));
      for (const side of sides) side.time(s);
      if (peer) {
        const t = await peer.time(s);
        peerMicros.push(...t.micros);
        peerSeconds += t.seconds;
      }
      spent += s;
    }
    const params = main.agent.prunable.params();
    const keptWeights = params.reduce((a, p) => a + p.kept, 0), totalWeights = params.reduce((a, p) => a + p.size, 0);
    const mainTimes = main.summary();
    const referenceTimes = reference?.summary();
    const peerResult: PeerResult | undefined = peerSide
      ? { name: 'pytorch', ...summarizeUpdateTimes(peerMicros, peerSeconds), ...peerSide.info, check: peerSide.check }
      : undefined;
    return {
      net: options.net, width: options.width, sparsity: options.sparsity, agent: options.agent,
      device: options.device, deviceUsed, observation, batchSize: config.batchSize, learner,
      ...mainTimes,
      ...(referenceTimes ? { reference: referenceTimes, speedupOverReference: mainTimes.updatesPerSecond / referenceTimes.updatesPerSecond } : {}),
      ...(peerResult ? { peer: peerResult, speedupOverPeer: mainTimes.updatesPerSecond / peerResult.updatesPerSecond } : {}),
      keptWeights, totalWeights, achievedSparsity: 1 - keptWeights / totalWeights,
      representations: params.map((p) => p.representation),
      threads: native.threadCount(), simd: native.simdLevel(),
      loadAverage: { before: loadBefore, after: loadavg()[0]! },
    };
  } finally {
    peer?.close();
    main.agent.dispose();
    reference?.agent.dispose();
  }
}

/** The update the PyTorch peer implements: DQN (double or not) on plain Q-values, uniform replay, sequential layers. */
function checkPeerCanRun(config: TrainConfig): void {
  if (config.agent !== 'dqn') throw new RangeError(`Expected --agent dqn with --peer pytorch (its peer implements the DQN update) but received '${config.agent}'`);
  if (config.dueling || config.prioritized) throw new RangeError('Expected a config without dueling or prioritized replay with --peer pytorch (its peer implements the plain DQN update)');
  if (config.net === 'impala') throw new RangeError("Expected --net mlp, minatar or nature with --peer pytorch (its peer builds conv2d/linear/relu/flatten stacks) but received 'impala'");
}

/** Starts the peer on our agent's networks and checks it on one batch: both sides make one update from the same state. */
async function startPeer(config: TrainConfig, main: ReturnType<typeof prepare>, space: BoxSpace, actions: number, seed: number, warn: (m: string) => void) {
  const network = (name: string): Network => main.agent.networks.find((n) => n.name === name)!.network;
  const online = network('online'), target = network('target');
  const peer = await PytorchPeer.start(native.threadCount());
  try {
    const info = await peer.build({
      layers: online.config.layers, inputShape: space.shape, actions, batchSize: config.batchSize,
      optimizer: config.optimizer, loss: config.loss, double: config.double, gamma: config.gamma, nStep: config.nStep,
      replaySize: main.replaySize, threads: native.threadCount(), seed,
    }, online, target);
    const parameters = () => online.params().flatMap((p) => [online.getWeight(p.index), online.getBias(p.index)]);
    const before = parameters();
    const batch = main.sample();
    main.agent.update(batch);
    const ours = parameters();
    const theirs = await peer.checkUpdate(batch, online.inputSize, online.params().length);
    const check = updateDifference(before, ours, theirs);
    const load = loadavg()[0]!, cores = availableParallelism();
    if (info.ompWaitPolicy === 'default' && load > cores) {
      warn(`prunerl: the load average (${load.toFixed(1)}) exceeds the ${cores} cores: PyTorch's OpenMP threads spin while they wait and lose most of their time to the other work; compare on a quiet machine, or set OMP_WAIT_POLICY=passive`);
    }
    if (info.blas.startsWith('reference')) warn(`prunerl: PyTorch's dense products run on the ${info.blas}, many times slower than an optimized one; install one for a fair peer (Debian: apt-get install libopenblas0)`);
    if (!(check <= 1e-2)) warn(`prunerl: the PyTorch peer's update differs from ours (check ${check.toExponential(1)} > 1e-2): the two sides do not compute the same update`);
    return { peer, info, check };
  } catch (e) {
    peer.close();
    throw e;
  }
}

/** An agent as `prunerl train` builds it, pruned, with a filled replay buffer and a timer for its updates. */
function prepare(config: TrainConfig, space: BoxSpace, actions: number, seed: number, device: ModelDevice) {
  const { agent, replay, pruner } = buildAgentParts(config, space, actions, device);
  if (pruner) {
    pruner.apply(config.sparsity);
    // As in training, where the target is a copy of the pruned online network after its first sync.
    agent.syncTarget();
  }
  const rng = new Random(seed + 1);
  const randomObs = randomObservations(space, rng);
  const replaySize = Math.max(2048, 4 * config.batchSize);
  for (let i = 0; i < replaySize; i++) {
    const terminated = rng.uniform() < 0.02;
    replay.add({ obs: randomObs(), action: rng.integer(0, actions), reward: rng.uniform() < 0.1 ? 1 : 0, nextObs: randomObs(), terminated, truncated: false });
  }
  const prioritized = replay instanceof PrioritizedReplayBuffer ? replay : null;
  const sample = (): ReplayBatch => scaleObservations(
    prioritized ? prioritized.sample(config.batchSize, rng, config.priorityBeta) : replay.sample(config.batchSize, rng), config.observationScale);
  const update = (): void => {
    const batch = sample();
    const result = agent.update(batch);
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
  return { agent, update, sample, replaySize, time, times, summary };
}
