// What `prunerl bench train` feeds the agents it times (DQN/Rainbow and IQN/M-IQN/SAC alike): the observation
// spaces, random observations, the trainer's observation scaling, and the summary of per-update times.
import type { BoxSpace } from '../envs/env.js';
import type { ReplayBatch } from '../agents/replay/replay_buffer.js';
import type { Random } from '../random/random.js';

export const minatarSpace: BoxSpace = { kind: 'box', shape: [10, 10, 4], dtype: 'uint8', low: 0, high: 1 };
export const cartpoleSpace: BoxSpace = { kind: 'box', shape: [4], dtype: 'float32', low: -4.8, high: 4.8 };

/** Random observations of a space: sparse 0/1 bytes (MinAtar's channels) or floats in [−2, 2). */
export function randomObservations(space: BoxSpace, rng: Random): () => Float32Array | Uint8Array {
  const size = space.shape.reduce((a, b) => a * b, 1);
  return () => (space.dtype === 'uint8'
    ? Uint8Array.from({ length: size }, () => (rng.uniform() < 0.1 ? 1 : 0))
    : Float32Array.from({ length: size }, () => (rng.uniform() * 2 - 1) * 2));
}

/** Scales a sampled batch's observations in place as the trainer does before an update. */
export function scaleObservations<B extends ReplayBatch>(batch: B, scale: number): B {
  if (scale !== 1) {
    for (let i = 0; i < batch.obs.length; i++) batch.obs[i]! *= scale;
    for (let i = 0; i < batch.nextObs.length; i++) batch.nextObs[i]! *= scale;
  }
  return batch;
}

/** Count, rate, median and 10th percentile (µs) of per-update times taken over `seconds`. */
export function summarizeUpdateTimes(micros: readonly number[], seconds: number) {
  const sorted = [...micros].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { updates: micros.length, seconds, updatesPerSecond: micros.length / seconds, medianUpdateMicroseconds: at(0.5), p10UpdateMicroseconds: at(0.1) };
}
