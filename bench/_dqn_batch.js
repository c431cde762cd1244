// One fixed replay-style batch shared by both sides of bench/train.js, so that ours and TF.js run the same update
// on the same numbers (and the first update of each can be compared).
import { Random } from '../dist/random/random.js';

export const BATCH = 32;
export const GAMMA = 0.99;
/** Dopamine's DQN Adam settings, as in the paper. */
export const ADAM = { lr: 6.25e-5, beta1: 0.9, beta2: 0.999, eps: 1.5e-4 };

/** obs/nextObs [BATCH, inputSize] in [−1, 1), rewards [BATCH], actions [BATCH] in [0, actions). */
export function randomBatch(inputSize, actions, seed) {
  const random = new Random(seed);
  const fill = (n) => Float32Array.from({ length: n }, () => random.uniform(-1, 1));
  return {
    obs: fill(BATCH * inputSize),
    nextObs: fill(BATCH * inputSize),
    rewards: fill(BATCH),
    actions: Int32Array.from({ length: BATCH }, () => random.integer(0, actions)),
  };
}
