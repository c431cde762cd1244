// Who chooses the actions in `prunerl play`: a trained policy acting greedily on its Q-values (or, for SAC's actor,
// with its deterministic action), or a uniform random policy from its own seeded generator (so a random game is
// reproducible from --seed).
import type { Env, Observation } from '../envs/env.js';
import type { ContinuousEnv } from '../envs/continuous_env.js';
import type { Policy } from '../train/policy_file.js';
import { meanAction } from '../agents/q_head.js';
import { greedyActor, toInput } from '../train/evaluation.js';
import { Random } from '../random/random.js';

/** A discrete action, or a continuous env's action vector. */
export type Actor = (obs: Observation) => number | Float32Array;

export function randomActor(env: Env | ContinuousEnv, random: Random): Actor {
  const space = env.actionSpace;
  if (space.kind === 'box') {
    // Uniform in the box, as Gymnasium's Box.sample() draws bounded dimensions.
    return () => Float32Array.from(space.low, (low, d) => low + random.uniform() * (space.high[d]! - low));
  }
  const n = space.n;
  return () => random.integer(0, n);
}

/** argmax_a Q(s, a), or SAC's deterministic action; inputs cast to float and scaled as in training (the evaluator's). */
export function policyActor(policy: Policy): Actor {
  const { head, network, observation } = policy;
  if (head.kind === 'tanh-gaussian') return (obs) => meanAction(network.forward(toInput(obs, observation.scale), 1), 1, head);
  return greedyActor(policy);
}

/** "6 actions" or "1-dimensional continuous actions": what a policy or an env acts with, for messages. */
function actionsOf(continuous: boolean, size: number): string {
  return continuous ? `${size}-dimensional continuous actions` : `${size} actions`;
}

/** Refuses a policy that cannot act in env (other observations or actions), naming what it was trained on. One
 * that fits but was trained on another env (Breakout's policy in Asterix: both 10×10×4, 6 actions) may be an
 * experiment, so it plays, with a note returned to print. */
export function checkPolicyFits(policy: Policy, env: Env | ContinuousEnv, path: string): string | null {
  const want = env.observationSpace.shape.join('×');
  const got = policy.observation.shape.join('×');
  const space = env.actionSpace;
  const envContinuous = space.kind === 'box';
  const envSize = space.kind === 'box' ? space.low.length : space.n;
  const policyContinuous = policy.head.kind === 'tanh-gaussian';
  if (want !== got || envContinuous !== policyContinuous || policy.head.actions !== envSize) {
    throw new RangeError(
      `Expected a policy for ${env.id} (observations ${want}, ${actionsOf(envContinuous, envSize)}) for --policy but ${path} ` +
      `was trained on ${policy.meta.env} (observations ${got}, ${actionsOf(policyContinuous, policy.head.actions)})`,
    );
  }
  return policy.meta.env === env.id ? null : `note: ${path} was trained on ${policy.meta.env}, not ${env.id}`;
}
