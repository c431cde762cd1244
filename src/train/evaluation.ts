// Greedy evaluation episodes on an env of their own. Each evaluation's episode seeds (and its ε draws) come from
// a generator derived from the run seed and the evaluation's index, so evaluating never disturbs training and a
// resumed run evaluates exactly as an uninterrupted one.
import type { Env, Observation } from '../envs/env.js';
import { Random } from '../random/random.js';
import { qValues } from '../agents/q_head.js';
import { native } from '../native.js';
import type { Policy } from './policy_file.js';

/** Steps after which an evaluation episode is cut (no built-in env runs this long). */
const MAX_EVAL_STEPS = 108_000;

/** Multiplies observations by the run's observationScale, in place (the network sees scaled values). */
export function scaleObservations(x: Float32Array, scale: number): void {
  if (scale !== 1) for (let i = 0; i < x.length; i++) x[i] *= scale;
}

export function toInput(obs: Observation, scale: number): Float32Array {
  const x = Float32Array.from(obs);
  scaleObservations(x, scale);
  return x;
}

/** One episode from reset(seed) until it ends (or MAX_EVAL_STEPS); returns its total reward. */
export function runEpisode(env: Env, seed: number, act: (obs: Observation) => number | Float32Array): number {
  let obs = env.reset(seed);
  let episodeReturn = 0;
  for (let t = 0; t < MAX_EVAL_STEPS; t++) {
    // A Float32Array action goes to a continuous-control env (SAC), whose step() takes one.
    const r = env.step(act(obs) as number);
    episodeReturn += r.reward;
    obs = r.obs;
    if (r.terminated || r.truncated) break;
  }
  return episodeReturn;
}

/** argmax_a Q(s, a) of a saved policy, inputs cast to float and scaled as in training. */
export function greedyActor(policy: Policy): (obs: Observation) => number {
  const { network, head, observation } = policy;
  return (obs) => native.argmaxRows(qValues(network.forward(toInput(obs, observation.scale), 1), 1, head), 1, head.actions)[0];
}

export function evaluate(agent: { act(obs: Float32Array, epsilon: number, rng: Random): number | Float32Array }, env: Env, options: { seed: number; index: number; episodes: number; epsilon: number; scale: number }): number {
  const rng = new Random(options.seed * 1_000_003 + options.index + 1);
  const act = (obs: Observation) => agent.act(toInput(obs, options.scale), options.epsilon, rng);
  let total = 0;
  for (let e = 0; e < options.episodes; e++) total += runEpisode(env, rng.integer(0, 2 ** 31), act);
  return total / options.episodes;
}
