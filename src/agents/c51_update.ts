// One distributional update (C51, Bellemare et al. 2017), as Rainbow uses it (Hessel et al. 2018):
//   a*_b    = argmax_a Σ_z z·p_online(s'_b, a)_z       (double: the online net chooses, the target net evaluates)
//   T z_j   = clamp(R_b + γ_b^n (1 − done_b) z_j, v_min, v_max), its mass p_target(s'_b, a*_b)_j split between the
//             two neighbouring atoms of the support (the categorical projection Φ)
//   L       = mean_b w_b · (−Σ_z (ΦT)_z log p_online(s_b, a_b)_z)
// The per-sample cross-entropy is also the new priority for prioritized replay.
import { native } from '../native.js';
import type { Network } from '../nn/network.js';
import type { ReplayBatch } from './replay/replay_buffer.js';
import { c51HeadBackward, c51Logits, c51Probabilities, c51Support, qValues, type QHead } from './q_head.js';
import type { UpdateResult } from './dqn_update.js';

type C51Head = Extract<QHead, { kind: 'c51' }>;

/** An extra loss term on the online logits [batch, actions, atoms] of s (CQL's regulariser): its loss and dL/dlogits. */
export type C51ExtraTerm = (logits: Float32Array) => { loss: number; dLogits: Float32Array };

export function c51Update(online: Network, target: Network, head: C51Head, batch: ReplayBatch, double: boolean, extraTerm?: C51ExtraTerm): UpdateResult {
  const B = batch.batchSize;
  const { actions: A, atoms: N } = head;

  const targetOut = target.forward(batch.nextObs, B);
  const pNext = c51Probabilities(c51Logits(targetOut, B, head), B * A, N);
  const chooser = double ? qValues(online.forward(batch.nextObs, B), B, head) : qValues(targetOut, B, head);
  const greedy = native.argmaxRows(chooser, B, A);

  const m = c51Projection(batch, pNext, greedy, head);

  const logits = c51Logits(online.forward(batch.obs, B), B, head);
  const taken = new Float32Array(B * N);
  for (let b = 0; b < B; b++) taken.set(logits.subarray((b * A + batch.actions[b]) * N, (b * A + batch.actions[b] + 1) * N), b * N);
  const { loss, grad, perRow } = native.softmaxCrossEntropy(taken, m, B, N, batch.weights ?? null);
  const dLogits = new Float32Array(B * A * N);
  for (let b = 0; b < B; b++) dLogits.set(grad.subarray(b * N, (b + 1) * N), (b * A + batch.actions[b]) * N);
  let totalLoss = loss;
  if (extraTerm) {
    const extra = extraTerm(logits);
    totalLoss += extra.loss;
    for (let i = 0; i < dLogits.length; i++) dLogits[i] += extra.dLogits[i];
  }
  online.backward(c51HeadBackward(dLogits, B, head));
  online.step();
  return { loss: totalLoss, tdErrors: perRow };
}

/**
 * The categorical projection Φ of the target distributions onto the support, one row of `atoms` per sample: the
 * mass p_target(s'_b, a*_b)_j of each shifted atom T z_j split between its two neighbours.
 */
export function c51Projection(batch: Pick<ReplayBatch, 'batchSize' | 'rewards' | 'discounts' | 'dones'>, pNext: Float32Array, greedy: ArrayLike<number>, head: C51Head): Float32Array {
  const B = batch.batchSize;
  const { actions: A, atoms: N, vMin, vMax } = head;
  const z = c51Support(head);
  const dz = (vMax - vMin) / (N - 1);
  const m = new Float32Array(B * N);
  for (let b = 0; b < B; b++) {
    const scale = batch.discounts[b] * (1 - batch.dones[b]);
    const p = (b * A + greedy[b]) * N;
    for (let j = 0; j < N; j++) {
      const tz = Math.min(vMax, Math.max(vMin, batch.rewards[b] + scale * z[j]));
      // (vMax − vMin) / dz can round just above N − 1 (e.g. ±1.1 over 16 atoms): clamp, or vMax's mass would spill
      // into the next sample's first atom.
      const pos = Math.min(N - 1, (tz - vMin) / dz);
      const lower = Math.floor(pos), upper = Math.ceil(pos);
      if (lower === upper) m[b * N + lower] += pNext[p + j];
      else {
        m[b * N + lower] += pNext[p + j] * (upper - pos);
        m[b * N + upper] += pNext[p + j] * (pos - lower);
      }
    }
  }
  return m;
}
