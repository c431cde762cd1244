// Everything a run needs to continue exactly where it stopped: both networks (weights, biases, masks), the
// optimizer's moments and step, the replay buffer, the trainer's counters and generator, and the env's own state.
// Written atomically (archive.ts), so a run killed at any moment finds either the previous checkpoint or this one.
import type { Network } from '../nn/network.js';
import type { RandomState } from '../random/random.js';
import type { ReplayState, PendingStreamState } from '../agents/replay/replay_buffer.js';
import { readArchive, writeArchive } from './archive.js';
import { parsePartialConfig, resolveConfig, type TrainConfig } from './train_config.js';

export const CHECKPOINT_FILE = 'checkpoint.prl';

/** The trainer's own counters and statistics at the checkpoint. */
export interface LoopState {
  frames: number;
  updates: number;
  episodes: number;
  episodeReturn: number;
  episodeLength: number;
  /** Whether the next thing the loop does is reset the env (the checkpoint was taken between episodes). */
  needsReset: boolean;
  trainReturns: number[];
  lossSum: number;
  lossCount: number;
  metricsRows: number;
  evaluations: number;
  lastEvalReturn: number | null;
  pruneTarget: number;
  /** Sum and count of the training returns of episodes ending in the last 10% of frames (optional: older files). */
  finalTrainReturnSum?: number;
  finalTrainEpisodes?: number;
  rng: RandomState;
  /** The env's snapshot when it offers one (mid-episode checkpoints), else null. */
  env: unknown;
  /**
   * Seconds, frames and updates timed between evaluations so far, so that summary.json's rates cover the whole
   * run; wallSeconds is the run's own clock (evaluations included), which train.log goes on from after --resume.
   */
  timed?: { seconds: number; frames: number; updates: number; wallSeconds?: number };
}

interface CheckpointHeader {
  kind: 'checkpoint';
  format: 1;
  config: TrainConfig;
  loop: LoopState;
  optimizerStep: number;
  optimizerTensors: number;
  /** The optimizer states after the first network's (IQN, SAC): absent in DQN/Rainbow checkpoints. */
  moreOptimizers?: { name: string; step: number; tensors: number }[];
  agentState?: unknown;
  replay: Omit<ReplayState, 'obs' | 'nextObs' | 'actions' | 'rewards' | 'discounts' | 'dones' | 'priorities' | 'pending'>;
  pendingStreams: number[];
  hasPriorities: boolean;
}

/** One network of an agent, under the tensor-name prefix it is stored with; `optimizer`: its optimizer state too. */
export interface CheckpointNetwork {
  name: string;
  network: Network;
  optimizer: boolean;
}

export interface CheckpointContents {
  config: TrainConfig;
  loop: LoopState;
  /**
   * Every network of the agent, in a fixed order. DQN/Rainbow: online (with its optimizer) and target, stored as
   * they always were; IQN and SAC add more (their optimizer states as `opt.<name>.<i>`).
   */
  networks: CheckpointNetwork[];
  /** The agent's state outside its networks (IQN's τ stream, SAC's temperature), JSON; null for DQN/Rainbow. */
  agentState: unknown;
  replay: ReplayState;
  /** The observation the agent acts on next (mid-episode checkpoints). */
  obs: Float32Array | Uint8Array | null;
}

type Tensor = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

function putNetwork(tensors: Map<string, Tensor>, prefix: string, net: Network): void {
  for (const p of net.params()) {
    tensors.set(`${prefix}.w${p.index}`, net.getWeight(p.index));
    tensors.set(`${prefix}.b${p.index}`, net.getBias(p.index));
    tensors.set(`${prefix}.m${p.index}`, net.getMask(p.index));
  }
}

function getNetwork(tensors: Map<string, Tensor>, prefix: string, net: Network, file: string): void {
  for (const p of net.params()) {
    const w = tensors.get(`${prefix}.w${p.index}`), b = tensors.get(`${prefix}.b${p.index}`), m = tensors.get(`${prefix}.m${p.index}`);
    if (!(w instanceof Float32Array) || !(b instanceof Float32Array) || !(m instanceof Uint8Array)) {
      throw new Error(`Expected ${prefix} layer ${p.index} in ${file} but it is missing: the checkpoint does not match this network`);
    }
    net.setMask(p.index, m); // masks first: setMask zeroes pruned weights and drops their optimizer state
    net.setWeight(p.index, w);
    net.setBias(p.index, b);
  }
}

export function saveCheckpoint(path: string, c: CheckpointContents): void {
  const tensors = new Map<string, Tensor>();
  for (const n of c.networks) putNetwork(tensors, n.name, n.network);
  const [first, ...others] = c.networks.filter((n) => n.optimizer);
  const opt = first.network.getOptimizerState();
  opt.tensors.forEach((t, i) => tensors.set(`opt${i}`, t));
  const moreOptimizers = others.map((n) => {
    const state = n.network.getOptimizerState();
    state.tensors.forEach((t, i) => tensors.set(`opt.${n.name}.${i}`, t));
    return { name: n.name, step: state.step, tensors: state.tensors.length };
  });
  const { obs, nextObs, actions, rewards, discounts, dones, priorities, pending, ...replayScalars } = c.replay;
  Object.entries({ obs, nextObs, actions, rewards, discounts, dones }).forEach(([k, v]) => tensors.set(`replay.${k}`, v));
  if (priorities) tensors.set('replay.priorities', priorities);
  pending.forEach((p, i) => {
    tensors.set(`pending${i}.obs`, p.obs);
    tensors.set(`pending${i}.actions`, p.actions);
    tensors.set(`pending${i}.rewards`, p.rewards);
  });
  if (c.obs) tensors.set('obs', c.obs);
  const header: CheckpointHeader = {
    kind: 'checkpoint', format: 1, config: c.config, loop: c.loop,
    optimizerStep: opt.step, optimizerTensors: opt.tensors.length,
    ...(moreOptimizers.length ? { moreOptimizers } : {}),
    ...(c.agentState !== null && c.agentState !== undefined ? { agentState: c.agentState } : {}),
    replay: replayScalars, pendingStreams: pending.map((p) => p.stream), hasPriorities: priorities !== undefined,
  };
  writeArchive(path, header, tensors);
}

const loopCounters = ['frames', 'updates', 'episodes', 'metricsRows', 'evaluations'] as const;

/**
 * Checks a checkpoint's header as a fresh run's config is checked (the same schema and cross-checks) and its
 * counters, so an edited or forged header is refused by name instead of steering a resumed run.
 */
function checkHeader(header: CheckpointHeader, path: string): CheckpointHeader {
  if (header.kind !== 'checkpoint') throw new Error(`Expected a checkpoint in ${path} but it holds a '${header.kind}'`);
  let config: TrainConfig;
  try {
    config = resolveConfig(parsePartialConfig(header.config, 'config'));
  } catch (err) {
    throw new Error(`Expected a valid config in checkpoint ${path} but ${(err as Error).message}`);
  }
  const loop = header.loop as unknown as Record<string, unknown> | undefined;
  if (typeof loop !== 'object' || loop === null) throw new Error(`Expected loop state in checkpoint ${path} but it has none`);
  for (const key of loopCounters) {
    if (!Number.isSafeInteger(loop[key]) || (loop[key] as number) < 0) {
      throw new Error(`Expected loop.${key} in checkpoint ${path} to be an integer ≥ 0 but it is ${JSON.stringify(loop[key])?.slice(0, 40)}`);
    }
  }
  if ((loop.frames as number) > config.frames) throw new Error(`Expected loop.frames in checkpoint ${path} to be ≤ config.frames (${config.frames}) but it is ${String(loop.frames)}`);
  if (!Number.isSafeInteger(header.optimizerTensors) || header.optimizerTensors < 0 || !Array.isArray(header.pendingStreams)) {
    throw new Error(`Expected optimizer and replay stream counts in checkpoint ${path} but they are missing or invalid`);
  }
  return { ...header, config };
}

/** Reads a checkpoint's config and loop state only (to rebuild the run before restoring the rest). */
export function readCheckpointHeader(path: string): { config: TrainConfig; loop: LoopState } {
  const header = checkHeader(readArchive<CheckpointHeader>(path).header, path);
  return { config: header.config, loop: header.loop };
}

/** Restores networks and optimizer state in place; returns the replay state, loop state and current obs. */
export function loadCheckpoint(path: string, networks: CheckpointNetwork[]): Omit<CheckpointContents, 'networks'> {
  const archive = readArchive<CheckpointHeader>(path);
  const header = checkHeader(archive.header, path), tensors = archive.tensors;
  for (const n of networks) getNetwork(tensors, n.name, n.network, path);
  const optimizerTensors = (prefix: string, count: number): Float32Array[] => {
    const opt: Float32Array[] = [];
    for (let i = 0; i < count; i++) {
      const t = tensors.get(`${prefix}${i}`);
      if (!(t instanceof Float32Array)) throw new Error(`Expected optimizer tensor ${prefix}${i} in ${path} but it is missing: the checkpoint does not match this network`);
      opt.push(t);
    }
    return opt;
  };
  const [first, ...others] = networks.filter((n) => n.optimizer);
  first.network.setOptimizerState({ step: header.optimizerStep, tensors: optimizerTensors('opt', header.optimizerTensors) });
  const more = Array.isArray(header.moreOptimizers) ? header.moreOptimizers : [];
  for (const n of others) {
    const saved = more.find((m) => m.name === n.name);
    if (!saved || !Number.isSafeInteger(saved.tensors) || saved.tensors < 0) {
      throw new Error(`Expected the optimizer state of ${n.name} in ${path} but it is missing: the checkpoint does not match this agent`);
    }
    n.network.setOptimizerState({ step: saved.step, tensors: optimizerTensors(`opt.${n.name}.`, saved.tensors) });
  }
  const pending: PendingStreamState[] = header.pendingStreams.map((stream, i) => ({
    stream,
    obs: tensors.get(`pending${i}.obs`) as Float32Array | Uint8Array,
    actions: tensors.get(`pending${i}.actions`) as Int32Array,
    rewards: tensors.get(`pending${i}.rewards`) as Float64Array,
  }));
  const replay: ReplayState = {
    ...header.replay,
    obs: tensors.get('replay.obs') as Float32Array | Uint8Array,
    nextObs: tensors.get('replay.nextObs') as Float32Array | Uint8Array,
    actions: tensors.get('replay.actions') as Int32Array,
    rewards: tensors.get('replay.rewards') as Float32Array,
    discounts: tensors.get('replay.discounts') as Float32Array,
    dones: tensors.get('replay.dones') as Uint8Array,
    priorities: header.hasPriorities ? (tensors.get('replay.priorities') as Float64Array) : undefined,
    pending,
  };
  return {
    config: header.config, loop: header.loop, replay, agentState: header.agentState ?? null,
    obs: (tensors.get('obs') as Float32Array | Uint8Array | undefined) ?? null,
  };
}
