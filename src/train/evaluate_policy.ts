// Greedy episodes of a saved policy (`prunerl eval`): the network's Q-values pick every action.
import { makeEnv } from '../envs/registry.js';
import { registerBuiltinEnvs } from '../envs/builtin.js';
import { native } from '../native.js';
import { Random } from '../random/random.js';
import { qValues } from '../agents/q_head.js';
import { toInput } from './evaluation.js';
import type { Policy } from './policy_file.js';

export interface PolicyEvaluation {
  returns: number[];
  mean: number;
  /** Standard error of the mean. */
  stderr: number;
}

export async function evaluatePolicy(policy: Policy, options: { env?: string; episodes: number; seed: number; epsilon: number }): Promise<PolicyEvaluation> {
  registerBuiltinEnvs();
  const env = await makeEnv(options.env ?? policy.meta.env, {});
  const rng = new Random(options.seed);
  const actions = policy.head.actions;
  if (env.actionSpace.n !== actions) {
    throw new RangeError(`Expected an env with ${actions} actions for this policy but ${env.id} has ${env.actionSpace.n}`);
  }
  const returns: number[] = [];
  for (let e = 0; e < options.episodes; e++) {
    let obs = env.reset(rng.integer(0, 2 ** 31));
    let total = 0;
    for (;;) {
      let action: number;
      if (options.epsilon > 0 && rng.uniform() < options.epsilon) action = rng.integer(0, actions);
      else {
        const out = policy.network.forward(toInput(obs, policy.observation.scale), 1);
        action = native.argmaxRows(qValues(out, 1, policy.head), 1, actions)[0];
      }
      const step = env.step(action);
      total += step.reward;
      obs = step.obs;
      if (step.terminated || step.truncated) break;
    }
    returns.push(total);
  }
  env.close?.();
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.length > 1 ? returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1) : 0;
  return { returns, mean, stderr: Math.sqrt(variance / returns.length) };
}
