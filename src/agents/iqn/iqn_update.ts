// One IQN update (Dabney et al. 2018), optionally Munchausen-IQN (Vieillard et al. 2020), as Dopamine's JAX
// implicit_quantile agent computes it (google/dopamine dopamine/jax/agents/implicit_quantile):
//   τ'_j ~ U(0,1), j < N';  Z'_j(s', a) = target network's quantiles;  q'(s', a) = mean_j Z'_j(s', a)
//   IQN:    a* = argmax_a q'(s', a);   y_{b,j} = R_b + γ_b^n (1 − done_b) · Z'_j(s'_b, a*)
//   M-IQN:  y_{b,j} = R_b + α·clip(τ_m log π(a_b|s_b), l0, 0)
//                     + γ_b^n (1 − done_b) Σ_a π(a|s'_b) (Z'_j(s'_b, a) − τ_m log π(a|s'_b)),
//           π = softmax(q_target/τ_m), q_target the target network's mean quantile values (on s and on s')
//   τ_i ~ U(0,1), i < N;  θ_{b,i} = online Z_{τ_i}(s_b, a_b);  loss = quantileHuberLoss(θ, τ, y, κ)
// Gradients flow only through θ.
import type { Random } from '../../random/random.js';
import type { ReplayBatch } from '../replay/replay_buffer.js';
import type { UpdateResult } from '../dqn_update.js';
import type { IqnNetwork } from './iqn_network.js';
import { quantileHuberLoss, quantileHuberLossNative } from './quantile_huber.js';
import { softmaxPolicy, type MunchausenConstants } from './munchausen.js';

export interface IqnUpdateOptions {
  /** Online quantile samples N. */
  quantiles: number;
  /** Target quantile samples N'. */
  targetQuantiles: number;
  kappa: number;
  /** M-IQN's constants, or null for plain IQN. */
  munchausen: MunchausenConstants | null;
}

export function uniformTaus(count: number, rng: Random): Float32Array {
  const taus = new Float32Array(count);
  for (let i = 0; i < count; i++) taus[i] = rng.uniform();
  return taus;
}

/**
 * The fixed fractions τ_i = (i + 0.5)/K, the midpoints of K equal slices of (0, 1): a deterministic Q-value
 * (mean of Z over them) for evaluation and for the ONNX export, where sampling τ has no place.
 */
export function midpointTaus(count: number, batch = 1): Float32Array {
  const taus = new Float32Array(batch * count);
  for (let b = 0; b < batch; b++) for (let i = 0; i < count; i++) taus[b * count + i] = (i + 0.5) / count;
  return taus;
}

/** Mean over the quantile axis: [batch, quantiles, actions] → [batch, actions]. */
export function meanOverQuantiles(z: Float32Array, batch: number, quantiles: number, actions: number): Float32Array {
  const q = new Float32Array(batch * actions);
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < quantiles; n++) {
      const o = (b * quantiles + n) * actions;
      for (let a = 0; a < actions; a++) q[b * actions + a] += z[o + a] / quantiles;
    }
  }
  return q;
}

export function iqnUpdate(online: IqnNetwork, target: IqnNetwork, batch: ReplayBatch, options: IqnUpdateOptions, rng: Random): UpdateResult {
  const B = batch.batchSize;
  const A = online.actions;
  const { quantiles: N, targetQuantiles: M, munchausen } = options;

  const zNext = target.forward(batch.nextObs, B, uniformTaus(B * M, rng));
  const qNext = meanOverQuantiles(zNext, B, M, A);
  const y = new Float32Array(B * M);
  if (!munchausen) {
    for (let b = 0; b < B; b++) {
      let best = 0;
      for (let a = 1; a < A; a++) if (qNext[b * A + a] > qNext[b * A + best]) best = a;
      const scale = batch.discounts[b] * (1 - batch.dones[b]);
      for (let j = 0; j < M; j++) y[b * M + j] = batch.rewards[b] + scale * zNext[(b * M + j) * A + best];
    }
  } else {
    const next = softmaxPolicy(qNext, B, A, munchausen.temperature);
    const qNow = meanOverQuantiles(target.forward(batch.obs, B, uniformTaus(B * M, rng)), B, M, A);
    const now = softmaxPolicy(qNow, B, A, munchausen.temperature);
    for (let b = 0; b < B; b++) {
      const bonus = munchausen.alpha * Math.min(0, Math.max(munchausen.clipMin, now.scaledLogPolicy[b * A + batch.actions[b]]));
      const scale = batch.discounts[b] * (1 - batch.dones[b]);
      for (let j = 0; j < M; j++) {
        let expected = 0;
        for (let a = 0; a < A; a++) expected += next.policy[b * A + a] * (zNext[(b * M + j) * A + a] - next.scaledLogPolicy[b * A + a]);
        y[b * M + j] = batch.rewards[b] + bonus + scale * expected;
      }
    }
  }

  // The online forward comes last: backward() uses the activations of the latest forward.
  const taus = uniformTaus(B * N, rng);
  const z = online.forward(batch.obs, B, taus);
  const theta = new Float32Array(B * N);
  for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) theta[b * N + i] = z[(b * N + i) * A + batch.actions[b]];
  // The TypeScript loop on the network's reference path, else the native op (bit-identical).
  const lossOf = online.config.reference ? quantileHuberLoss : quantileHuberLossNative;
  const { loss, grad, perSample } = lossOf(theta, taus, y, { batch: B, quantiles: N, targetQuantiles: M }, options.kappa, batch.weights ?? null);
  const dZ = new Float32Array(B * N * A);
  for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) dZ[(b * N + i) * A + batch.actions[b]] = grad[b * N + i];
  online.backward(dZ);
  online.step();
  return { loss, tdErrors: perSample };
}
