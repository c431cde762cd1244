// Greedy episodes of a saved policy (`prunerl eval`): the network's Q-values pick every action, or, for a SAC
// actor, its deterministic action is the action.
import { makeAnyEnv } from '../envs/registry.js';
import { registerBuiltinEnvs } from '../envs/builtin.js';
import { Random } from '../random/random.js';
import { greedyActor, runEpisode, toInput } from './evaluation.js';
import { meanAction } from '../agents/q_head.js';
import type { Env, Observation } from '../envs/env.js';
import type { ContinuousEnv } from '../envs/continuous_env.js';
import type { Policy } from './policy_file.js';

export interface PolicyEvaluation {
  returns: number[];
  mean: number;
  /** Standard error of the mean. */
  stderr: number;
}

/** The env the policy is evaluated in; one with other observations or actions is refused, naming both. */
async function envForPolicy(policy: Policy, id: string): Promise<Env | ContinuousEnv> {
  registerBuiltinEnvs();
  const env = await makeAnyEnv(id, {});
  const space = env.actionSpace;
  const describe = (shape: number[], continuous: boolean, actions: number) =>
    `observations ${shape.join('×')}, ${continuous ? `${actions}-dimensional continuous actions` : `${actions} discrete actions`}`;
  const has = describe(env.observationSpace.shape, space.kind === 'box', space.kind === 'box' ? space.low.length : space.n);
  const wants = describe(policy.observation.shape, policy.head.kind === 'tanh-gaussian', policy.head.actions);
  if (has !== wants) {
    closeEnv(env);
    throw new RangeError(`Expected an env with ${wants} for env (those of this ${policy.meta.agent} policy, trained on ${policy.meta.env}) but '${id}' has ${has}`);
  }
  return env;
}

export async function evaluatePolicy(policy: Policy, options: { env?: string; episodes: number; seed: number; epsilon: number }): Promise<PolicyEvaluation> {
  const rng = new Random(options.seed);
  const head = policy.head;
  if (head.kind === 'tanh-gaussian' && options.epsilon > 0) {
    throw new RangeError(`Expected epsilon 0 for this ${policy.meta.agent} policy (it acts continuously, with its deterministic action) but received ${options.epsilon}`);
  }
  const env = await envForPolicy(policy, options.env ?? policy.meta.env);
  let act: (obs: Observation) => number | Float32Array;
  if (head.kind === 'tanh-gaussian') {
    const { network, observation } = policy;
    act = (obs) => meanAction(network.forward(toInput(obs, observation.scale), 1), 1, head);
  } else {
    const greedy = greedyActor(policy);
    act = (obs) => (options.epsilon > 0 && rng.uniform() < options.epsilon ? rng.integer(0, head.actions) : greedy(obs));
  }
  const returns: number[] = [];
  // runEpisode passes a Float32Array action on to a continuous env's step, which takes one.
  for (let e = 0; e < options.episodes; e++) returns.push(runEpisode(env as Env, rng.integer(0, 2 ** 31), act));
  closeEnv(env);
  return summarise(returns);
}

function summarise(returns: number[]): PolicyEvaluation {
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.length > 1 ? returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1) : 0;
  return { returns, mean, stderr: Math.sqrt(variance / returns.length) };
}

/** Only discrete envs may hold resources to close (ContinuousEnv has no close). */
function closeEnv(env: Env | ContinuousEnv): void {
  (env as { close?(): void }).close?.();
}
