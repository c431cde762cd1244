// Greedy episodes of a saved policy (`prunerl eval`): the network's Q-values pick every action.
import { makeContinuousEnv, makeEnv } from '../envs/registry.js';
import { registerBuiltinEnvs } from '../envs/builtin.js';
import { Random } from '../random/random.js';
import { greedyActor, runEpisode, toInput } from './evaluation.js';
import { qValues } from '../agents/q_head.js';
import type { Env, Observation } from '../envs/env.js';
import type { Policy } from './policy_file.js';

export interface PolicyEvaluation {
  returns: number[];
  mean: number;
  /** Standard error of the mean. */
  stderr: number;
}

export async function evaluatePolicy(policy: Policy, options: { env?: string; episodes: number; seed: number; epsilon: number }): Promise<PolicyEvaluation> {
  registerBuiltinEnvs();
  const rng = new Random(options.seed);
  const actions = policy.head.actions;
  if (policy.head.kind === 'tanh-gaussian') {
    // A SAC actor acts with its deterministic mean action (ε has no meaning for continuous actions).
    const env = await makeContinuousEnv(options.env ?? policy.meta.env, {});
    if (env.actionSpace.low.length !== actions) throw new RangeError(`Expected an env with ${actions}-dimensional actions for this policy but ${env.id} has ${env.actionSpace.low.length}`);
    const { network, head, observation } = policy;
    const act = (obs: Observation) => qValues(network.forward(toInput(obs, observation.scale), 1), 1, head);
    const returns: number[] = [];
    for (let e = 0; e < options.episodes; e++) returns.push(runEpisode(env as unknown as Env, rng.integer(0, 2 ** 31), act));
    return summarise(returns);
  }
  const env = await makeEnv(options.env ?? policy.meta.env, {});
  if (env.actionSpace.n !== actions) {
    throw new RangeError(`Expected an env with ${actions} actions for this policy but ${env.id} has ${env.actionSpace.n}`);
  }
  const greedy = greedyActor(policy);
  const act = (obs: Observation) => (options.epsilon > 0 && rng.uniform() < options.epsilon ? rng.integer(0, actions) : greedy(obs));
  const returns: number[] = [];
  for (let e = 0; e < options.episodes; e++) returns.push(runEpisode(env, rng.integer(0, 2 ** 31), act));
  env.close?.();
  return summarise(returns);
}

function summarise(returns: number[]): PolicyEvaluation {
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.length > 1 ? returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1) : 0;
  return { returns, mean, stderr: Math.sqrt(variance / returns.length) };
}
