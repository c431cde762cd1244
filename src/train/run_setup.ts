// From a resolved config to the pieces of a run: envs, head, network layers, agent, replay buffer, pruner.
import type { BoxSpace, Env } from '../envs/env.js';
import { makeContinuousEnv, makeEnv } from '../envs/registry.js';
import { registerBuiltinEnvs } from '../envs/builtin.js';
import { architecture, type ArchitectureName } from '../nn/architectures.js';
import { headOutputs, type QHead } from '../agents/q_head.js';
import { ValueAgent } from '../agents/value_agent.js';
import { IqnAgent } from '../agents/iqn/iqn_agent.js';
import { valueRunAgent, type RunAgent } from './run_agent.js';
import { iqnRunAgent } from './iqn_run_agent.js';
import { sacRunAgent } from './sac_run_agent.js';
import { SacAgent } from '../agents/sac/sac_agent.js';
import { ContinuousReplayBuffer } from '../agents/replay/continuous_replay_buffer.js';
import type { ContinuousEnv } from '../envs/continuous_env.js';
import { cqlRunAgent } from '../offline/cql_run_agent.js';
import { isOfflineAgent } from '../offline/offline_config.js';
import { UniformReplayBuffer } from '../agents/replay/uniform_replay_buffer.js';
import { PrioritizedReplayBuffer } from '../agents/replay/prioritized_replay_buffer.js';
import { Pruner } from '../prune/pruner.js';
import { constantSchedule, polynomialSchedule, type SparsitySchedule } from '../prune/schedule.js';
import type { SparsityDistribution } from '../prune/distribution.js';
import type { OptimizerSpec } from '../nn/network.js';
import type { ModelDevice } from '../native.js';
import type { TrainConfig } from './train_config.js';

export interface RunParts {
  env: Env;
  evalEnv: Env;
  net: ArchitectureName;
  head: QHead;
  /** The agent as the trainer drives it (DQN/Rainbow: a ValueAgent; IQN/M-IQN: an IqnAgent). */
  agent: RunAgent;
  replay: UniformReplayBuffer | PrioritizedReplayBuffer | ContinuousReplayBuffer;
  pruner: Pruner | null;
  totalUpdates: number;
}

/** Updates a run of `frames` makes: one every updateEvery frames once learningStarts frames have passed. */
export function totalUpdatesOf(c: Pick<TrainConfig, 'frames' | 'updateEvery' | 'learningStarts'>): number {
  return Math.max(0, Math.floor(c.frames / c.updateEvery) - Math.floor(c.learningStarts / c.updateEvery));
}

export function headOf(c: TrainConfig, actions: number): QHead {
  if (c.agent === 'rainbow' || c.agent === 'cql-c51') return { kind: 'c51', actions, atoms: c.atoms, vMin: c.vMin, vMax: c.vMax, dueling: c.dueling };
  // IQN's policy (midpoint Q-values, iqn_run_agent.ts) has a plain Q head; its network ends in `actions` units.
  return c.dueling ? { kind: 'dueling', actions } : { kind: 'q', actions };
}

function scheduleOf(c: TrainConfig, totalUpdates: number): SparsitySchedule {
  const startStep = Math.round(c.pruneStart * totalUpdates);
  if (c.schedule === 'constant') return constantSchedule({ sparsity: c.sparsity, step: Math.max(1, startStep) });
  const endStep = Math.max(startStep + 1, Math.round(c.pruneEnd * totalUpdates));
  return polynomialSchedule({ finalSparsity: c.sparsity, initialSparsity: 0, startStep, endStep, frequency: c.pruneFrequency });
}

function denseLayerIndices(kind: TrainConfig['denseLayers'], layers: number): number[] {
  if (kind === 'first') return [0];
  if (kind === 'last') return [layers - 1];
  if (kind === 'first-last') return layers > 1 ? [0, layers - 1] : [0];
  return [];
}

/** The native optimizer's spec: the config's fields as they are (momentum is RMSProp's, refused for others by the config check). */
function optimizerSpecOf(o: TrainConfig['optimizer']): OptimizerSpec {
  return { ...o } as OptimizerSpec;
}

/** IQN (Dabney et al. 2018) or M-IQN (Vieillard et al. 2020) on the architecture's layers (iqn_network.ts splits them). */
function iqnAgentOf(c: TrainConfig, layers: ReturnType<typeof architecture>, space: BoxSpace): RunAgent {
  const munchausen = c.agent === 'miqn';
  const samples = { quantiles: c.numTauSamples, targetQuantiles: c.numTauPrimeSamples, actingQuantiles: c.numQuantileSamples, munchausen };
  const agent = new IqnAgent({
    layers, inputShape: space.shape, optimizer: optimizerSpecOf(c.optimizer), seed: c.seed,
    quantiles: samples.quantiles, targetQuantiles: samples.targetQuantiles, actingQuantiles: samples.actingQuantiles, kappa: c.kappa,
    munchausen: munchausen ? { temperature: c.munchausenTau, alpha: c.munchausenAlpha, clipMin: c.munchausenL0 } : false,
  });
  return iqnRunAgent(agent, samples);
}

/** The learner a config describes, for an env with these spaces: network, head, agent, replay buffer, pruner. */
export type AgentParts = Omit<RunParts, 'env' | 'evalEnv'>;

/**
 * Everything of a run but its envs, from the config and the env's spaces alone: `prunerl train` calls it through
 * setupRun, and `prunerl bench train` calls it with MinAtar- or CartPole-shaped spaces, so both time one agent.
 */
export function buildAgentParts(c: TrainConfig, space: BoxSpace, actions: number, device: ModelDevice = 'cpu'): AgentParts {
  const net: ArchitectureName = c.net ?? (space.shape.length === 3 ? 'minatar' : 'mlp');
  const head = headOf(c, actions);
  const layers = architecture(net, { width: c.width, widthScales: c.widthScales, outputs: headOutputs(head), inputShape: space.shape });
  const valueAgent = (): ValueAgent => new ValueAgent({
    layers, inputShape: space.shape, head, optimizer: optimizerSpecOf(c.optimizer), double: c.double,
    // CQL adds its term through dqnUpdate/c51Update's extraTerm callback: the TypeScript path.
    loss: c.loss, seed: c.seed, learner: isOfflineAgent(c.agent) ? 'reference' : c.learner,
    ...(device === 'cpu' ? {} : { device }),
  });
  const agent = c.agent === 'iqn' || c.agent === 'miqn' ? iqnAgentOf(c, layers, space)
    : isOfflineAgent(c.agent) ? cqlRunAgent(valueAgent(), { alpha: c.cqlAlpha, double: c.double, loss: c.loss })
    : valueRunAgent(valueAgent(), c.double);
  const replayOptions = { capacity: c.replayCapacity, observationSpace: space, nStep: c.nStep, gamma: c.gamma };
  const replay = c.prioritized
    ? new PrioritizedReplayBuffer({ ...replayOptions, alpha: c.priorityAlpha })
    : new UniformReplayBuffer(replayOptions);
  const totalUpdates = totalUpdatesOf(c);
  let pruner: Pruner | null = null;
  if (c.sparsity > 0) {
    if (totalUpdates < 2) throw new RangeError(`Expected a run with at least 2 updates to prune but frames = ${c.frames} gives ${totalUpdates}`);
    pruner = new Pruner(agent.prunable, {
      schedule: scheduleOf(c, totalUpdates), distribution: c.distribution as SparsityDistribution,
      globalScores: c.globalScores,
      dense: denseLayerIndices(c.denseLayers, agent.prunable.params().length),
    });
  }
  return { net, head, agent, replay, pruner, totalUpdates };
}

/**
 * SAC (Haarnoja et al. 2018, CleanRL's layout): actor and twin critics, two hidden layers of 256·width units each,
 * on a continuous-control env and a one-step continuous replay buffer; GMP over actor and critics together.
 */
function buildSacParts(c: TrainConfig, env: ContinuousEnv): AgentParts {
  const space = env.observationSpace, { low, high } = env.actionSpace;
  if (space.shape.length !== 1) throw new RangeError(`Expected a vector observation for sac (its networks are MLPs) but ${env.id} gives [${space.shape.join(', ')}]`);
  const sac = new SacAgent({
    observationSize: space.shape[0], actionLow: low, actionHigh: high, hidden: 256 * c.width,
    criticOptimizer: optimizerSpecOf(c.optimizer), actorOptimizer: { ...optimizerSpecOf(c.optimizer), lr: c.actorLr },
    alphaLr: c.alphaLr, gamma: c.gamma, tau: c.polyakTau, seed: c.seed,
  });
  const agent = sacRunAgent(sac, { low, high });
  const replay = new ContinuousReplayBuffer({ capacity: c.replayCapacity, observationSpace: space, actionSize: low.length, gamma: c.gamma });
  const totalUpdates = totalUpdatesOf(c);
  let pruner: Pruner | null = null;
  if (c.sparsity > 0) {
    if (totalUpdates < 2) throw new RangeError(`Expected a run with at least 2 updates to prune but frames = ${c.frames} gives ${totalUpdates}`);
    pruner = new Pruner(agent.prunable, {
      schedule: scheduleOf(c, totalUpdates), distribution: c.distribution as SparsityDistribution, globalScores: c.globalScores,
      dense: denseLayerIndices(c.denseLayers, agent.prunable.params().length),
    });
  }
  const head = agent.policyNetwork().head;
  return { net: 'mlp', head, agent, replay, pruner, totalUpdates };
}

/** `device`: the table the value agents' networks run on (modelDeviceFor); IQN and SAC networks stay on the CPU. */
export async function setupRun(c: TrainConfig, device: ModelDevice = 'cpu'): Promise<RunParts> {
  registerBuiltinEnvs();
  if (c.agent === 'sac') {
    const env = await makeContinuousEnv(c.env, {});
    const evalEnv = await makeContinuousEnv(c.env, {});
    // The trainer steps either kind through one call; a continuous env takes the Float32Array actions SAC gives.
    return { env: env as unknown as Env, evalEnv: evalEnv as unknown as Env, ...buildSacParts(c, env) };
  }
  const env = await makeEnv(c.env, {});
  const evalEnv = await makeEnv(c.env, {});
  return { env, evalEnv, ...buildAgentParts(c, env.observationSpace, env.actionSpace.n, device) };
}
