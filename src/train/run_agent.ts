// What the trainer needs of an agent, whatever its kind: act, update, sync the target, the model GMP prunes, the
// networks a checkpoint stores, and the greedy policy that policy.prl, `prunerl eval` and the ONNX export use.
// DQN and Rainbow are a ValueAgent as they always were (valueRunAgent); IQN and M-IQN are iqnRunAgent; SAC is
// sacRunAgent (continuous actions: its env and replay buffer are the continuous ones).
import type { Network } from '../nn/network.js';
import type { PrunableNetwork } from '../prune/pruner.js';
import type { Random } from '../random/random.js';
import type { ReplayBatch } from '../agents/replay/replay_buffer.js';
import type { UpdateResult } from '../agents/dqn_update.js';
import type { QHead } from '../agents/q_head.js';
import type { ValueAgent } from '../agents/value_agent.js';
import { weightLayerPositions } from '../nn/layer_shapes.js';
import type { CheckpointNetwork } from './checkpoint.js';

export interface RunAgent {
  readonly updates: number;
  setUpdates(updates: number): void;
  /** A training action: ε-greedy (an action index), or SAC's sampled action (a Float32Array). */
  act(obs: Float32Array, epsilon: number, rng: Random): number | Float32Array;
  /** An evaluation action: ε-greedy on the same Q-values the saved policy computes (SAC: its mean action). */
  evalAct(obs: Float32Array, epsilon: number, rng: Random): number | Float32Array;
  /** The action before learning starts; without it, a uniform action index drawn from the trainer's generator. */
  randomAction?(rng: Random): Float32Array;
  update(batch: ReplayBatch): UpdateResult;
  syncTarget(): void;
  /** The model GMP prunes: one Network, or several pruned as one (IQN's torso, τ-embedding and head). */
  readonly prunable: PrunableNetwork & { sparsity(): number };
  /** Every network with its checkpoint name, in a fixed order. */
  readonly networks: CheckpointNetwork[];
  /** The network whose ReLU features the dormant-neuron and srank probe measures. */
  readonly probeNetwork: Network;
  /** Multiply-adds ×2 of one update over the kept weights (see network_metrics.ts). */
  flopsPerUpdate(batchSize: number): number;
  /** One sequential network and Q-head computing the greedy policy's Q-values (dispose it after saving). */
  policyNetwork(): { network: Network; head: QHead; owned: boolean };
  /** State outside the networks, for checkpoints (JSON), and its restore. */
  state(): unknown;
  restoreState(state: unknown): void;
  dispose(): void;
}

/** 2·rows·positions·kept per pass, summed over a network's weight layers. */
export function networkFlops(net: Network, rows: number, passes: number): number {
  const positions = weightLayerPositions(net.config.layers, net.config.inputShape);
  return net.params().reduce((s, p, i) => s + 2 * rows * positions[i] * p.kept * passes, 0);
}

/** DQN and Rainbow: the ValueAgent itself. */
export function valueRunAgent(agent: ValueAgent, double: boolean): RunAgent {
  return {
    get updates() { return agent.updates; },
    setUpdates: (n) => agent.setUpdates(n),
    act: (obs, epsilon, rng) => agent.act(obs, epsilon, rng),
    evalAct: (obs, epsilon, rng) => agent.act(obs, epsilon, rng),
    update: (batch) => agent.update(batch),
    syncTarget: () => agent.syncTarget(),
    prunable: agent.online,
    networks: [{ name: 'online', network: agent.online, optimizer: true }, { name: 'target', network: agent.target, optimizer: false }],
    probeNetwork: agent.online,
    // Target on s', online on s (and on s' for double); backward: dX and dW.
    flopsPerUpdate: (batchSize) => networkFlops(agent.online, batchSize, 2 + (double ? 1 : 0) + 2),
    policyNetwork: () => ({ network: agent.online, head: agent.head, owned: false }),
    state: () => null,
    restoreState: () => {},
    dispose: () => agent.dispose(),
  };
}
