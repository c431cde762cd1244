// One DQN update (Mnih et al. 2015), with the Double DQN target (van Hasselt et al. 2016) as an option:
//   y_b = R_b + γ_b^n · (1 − done_b) · Q_target(s'_b, a*_b),   a*_b = argmax_a Q_target(s'_b, a)   (DQN)
//                                                             a*_b = argmax_a Q_online(s'_b, a)   (Double DQN)
//   L   = mean_b w_b · huber(Q_online(s_b, a_b) − y_b)        (w_b = 1 without prioritized replay)
// R_b and γ_b^n come from the replay buffer's n-step returns. Gradients flow only through Q_online(s_b, a_b).
import { native } from '../native.js';
import type { Network } from '../nn/network.js';
import type { ReplayBatch } from './replay/replay_buffer.js';
import { qHeadBackward, qValues, type QHead } from './q_head.js';

export interface DqnUpdateOptions {
  double: boolean;
  loss: 'huber' | 'mse';
  /** An extra loss term on Q_online(s_b, ·) [batch, actions] (CQL's regulariser), added to L and to dL/dQ. */
  extraTerm?: (q: Float32Array) => { loss: number; dQ: Float32Array };
}

export interface UpdateResult {
  loss: number;
  /** |TD error| per sample (for prioritized replay). */
  tdErrors: Float32Array;
}

export function dqnUpdate(online: Network, target: Network, head: QHead, batch: ReplayBatch, options: DqnUpdateOptions): UpdateResult {
  const B = batch.batchSize;
  const A = head.actions;
  const qTargetNext = qValues(target.forward(batch.nextObs, B), B, head);
  let nextValue: Float32Array;
  if (options.double) {
    const greedy = native.argmaxRows(qValues(online.forward(batch.nextObs, B), B, head), B, A);
    nextValue = native.gatherRows(qTargetNext, greedy, B, A);
  } else {
    nextValue = native.maxRows(qTargetNext, B, A);
  }
  const y = new Float32Array(B);
  for (let b = 0; b < B; b++) y[b] = batch.rewards[b] + batch.discounts[b] * (1 - batch.dones[b]) * nextValue[b];

  // The online forward on s comes last: backward() uses the activations of the latest forward.
  const q = qValues(online.forward(batch.obs, B), B, head);
  const taken = native.gatherRows(q, batch.actions, B, A);
  const { loss, grad } = options.loss === 'huber' ? native.huberLoss(taken, y, 1) : native.mseLoss(taken, y);
  const tdErrors = new Float32Array(B);
  const dQ = new Float32Array(B * A);
  let weightedLoss = loss;
  if (batch.weights) {
    // Importance-sampling weights scale each sample's loss: the mean of w_b·ℓ_b, so each gradient scales by w_b.
    const perSample = options.loss === 'huber' ? huberPerSample(taken, y) : msePerSample(taken, y);
    weightedLoss = 0;
    for (let b = 0; b < B; b++) weightedLoss += batch.weights[b] * perSample[b] / B;
  }
  for (let b = 0; b < B; b++) {
    tdErrors[b] = Math.abs(taken[b] - y[b]);
    dQ[b * A + batch.actions[b]] = grad[b] * (batch.weights ? batch.weights[b] : 1);
  }
  if (options.extraTerm) {
    const extra = options.extraTerm(q);
    weightedLoss += extra.loss;
    for (let i = 0; i < dQ.length; i++) dQ[i] += extra.dQ[i];
  }
  online.backward(qHeadBackward(dQ, B, head));
  online.step();
  return { loss: weightedLoss, tdErrors };
}

function huberPerSample(pred: Float32Array, y: Float32Array): Float64Array {
  const out = new Float64Array(pred.length);
  for (let i = 0; i < pred.length; i++) {
    const d = Math.abs(pred[i] - y[i]);
    out[i] = d <= 1 ? 0.5 * d * d : d - 0.5;
  }
  return out;
}

function msePerSample(pred: Float32Array, y: Float32Array): Float64Array {
  const out = new Float64Array(pred.length);
  for (let i = 0; i < pred.length; i++) out[i] = (pred[i] - y[i]) ** 2;
  return out;
}
