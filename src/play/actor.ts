// Who chooses the actions in `prunerl play`: a trained policy acting greedily on its Q-values, or a uniform random
// policy from its own seeded generator (so a random game is reproducible from --seed).
import type { Env, Observation } from '../envs/env.js';
import type { Policy } from '../train/policy_file.js';
import { Random } from '../random/random.js';

export type Actor = (obs: Observation) => number;

export function randomActor(env: Env, random: Random): Actor {
  const n = env.actionSpace.n;
  return () => random.integer(0, n);
}

/** argmax_a Q(s, a), inputs cast to float and scaled as in training (the evaluator's). */
export { greedyActor } from '../train/evaluation.js';

/** Refuses a policy that cannot act in env (other observations or actions), naming what it was trained on. One
 * that fits but was trained on another env (Breakout's policy in Asterix: both 10×10×4, 6 actions) may be an
 * experiment, so it plays, with a note returned to print. */
export function checkPolicyFits(policy: Policy, env: Env, path: string): string | null {
  const want = env.observationSpace.shape.join('×');
  const got = policy.observation.shape.join('×');
  if (want !== got || policy.head.actions !== env.actionSpace.n) {
    throw new RangeError(
      `Expected a policy for ${env.id} (observations ${want}, ${env.actionSpace.n} actions) for --policy but ${path} ` +
      `was trained on ${policy.meta.env} (observations ${got}, ${policy.head.actions} actions)`,
    );
  }
  return policy.meta.env === env.id ? null : `note: ${path} was trained on ${policy.meta.env}, not ${env.id}`;
}
