// Greedy evaluation episodes on an env of their own. Each evaluation's episode seeds (and its ε draws) come from
// a generator derived from the run seed and the evaluation's index, so evaluating never disturbs training and a
// resumed run evaluates exactly as an uninterrupted one.
import type { Env, Observation } from '../envs/env.js';
import { Random } from '../random/random.js';
import type { ValueAgent } from '../agents/value_agent.js';

/** Steps after which an evaluation episode is cut (no built-in env runs this long). */
const MAX_EVAL_STEPS = 108_000;

export function toInput(obs: Observation, scale: number): Float32Array {
  const x = Float32Array.from(obs);
  if (scale !== 1) for (let i = 0; i < x.length; i++) x[i] *= scale;
  return x;
}

export function evaluate(agent: ValueAgent, env: Env, options: { seed: number; index: number; episodes: number; epsilon: number; scale: number }): number {
  const rng = new Random(options.seed * 1_000_003 + options.index + 1);
  let total = 0;
  for (let e = 0; e < options.episodes; e++) {
    let obs = env.reset(rng.integer(0, 2 ** 31));
    let episodeReturn = 0;
    for (let t = 0; t < MAX_EVAL_STEPS; t++) {
      const r = env.step(agent.act(toInput(obs, options.scale), options.epsilon, rng));
      episodeReturn += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
    total += episodeReturn;
  }
  return total / options.episodes;
}
