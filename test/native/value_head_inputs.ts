// Random inputs for the value-head ops (native/ops/value_head.h) that reach every branch: Huber errors on both sides
// of δ = 1, dones 0 and 1, C51 targets clamped at vMin and vMax and landing exactly on atoms, importance weights.
import { native, type ValueHeadShape } from '../../src/native.js';
import { randomFloat32, type Rng } from '../helpers/random.js';

export type C51Shape = Required<ValueHeadShape>;

/** The shapes the comparisons run: one sample, an odd batch, and one past the loss kernels' 256-sample chunk. */
export const valueHeadShapes: C51Shape[] = [
  { batch: 1, actions: 1, atoms: 2, vMin: -1, vMax: 1 },
  { batch: 37, actions: 5, atoms: 11, vMin: -5, vMax: 5 },  // atom spacing 1: integer targets land on atoms
  { batch: 300, actions: 3, atoms: 16, vMin: -1.1, vMax: 1.1 },  // (vMax − vMin)/dz rounds above atoms − 1
];

export interface ValueHeadInputs {
  shape: C51Shape;
  duelingOut: Float32Array;  // [B, A+1]
  dQ: Float32Array;  // [B, A]
  duelingC51Out: Float32Array;  // [B, (A+1)·N]
  dLogits: Float32Array;  // [B, A, N]
  logits: Float32Array;  // [B, A, N], spread 8: the softmax's max matters
  pNext: Float32Array;  // [B, A, N], softmax rows
  greedy: Int32Array;
  actions: Int32Array;
  rewards: Float32Array;
  discounts: Float32Array;
  dones: Float32Array;
  nextValue: Float32Array;
  taken: Float32Array;
  y: Float32Array;  // |taken − y| on both sides of 1
  m: Float32Array;  // [B, N] target distributions
  weights: Float32Array;  // in [0.1, 1.1)
}

const integer = (r: Rng, n: number, high: number) => Int32Array.from({ length: n }, () => r.int(0, high));

export function valueHeadInputs(r: Rng, shape: C51Shape): ValueHeadInputs {
  const { batch: B, actions: A, atoms: N, vMin, vMax } = shape;
  const dz = (vMax - vMin) / (N - 1);
  // Rewards: a third whole atoms (exact landings when the discount is 0 or the sample is done), a third beyond the
  // support (clamped), the rest anywhere in it.
  const rewards = Float32Array.from({ length: B }, (_, b) =>
    b % 3 === 0 ? vMin + r.int(0, N) * dz : b % 3 === 1 ? (r.next() < 0.5 ? -1 : 1) * (vMax + 1 + r.next() * 3) : vMin + r.next() * (vMax - vMin));
  const discounts = Float32Array.from({ length: B }, (_, b) => (b % 5 === 0 ? 0 : b % 5 === 1 ? 1 : 0.9 + 0.1 * r.next()));
  const dones = Float32Array.from({ length: B }, () => (r.next() < 0.3 ? 1 : 0));
  const taken = randomFloat32(r, B, 3);
  const y = Float32Array.from(taken, (t) => t + (r.next() * 2 - 1) * 2.5);
  const logits = randomFloat32(r, B * A * N, 8);
  const pNext = native.c51Probabilities(randomFloat32(r, B * A * N, 4), B * A, N);
  const m = native.c51Probabilities(randomFloat32(r, B * N, 3), B, N);
  return {
    shape, rewards, discounts, dones, taken, y, logits, pNext, m,
    duelingOut: randomFloat32(r, B * (A + 1), 2),
    dQ: randomFloat32(r, B * A),
    duelingC51Out: randomFloat32(r, B * (A + 1) * N, 2),
    dLogits: randomFloat32(r, B * A * N),
    greedy: integer(r, B, A),
    actions: integer(r, B, A),
    nextValue: randomFloat32(r, B, 4),
    weights: Float32Array.from({ length: B }, () => 0.1 + r.next()),
  };
}
