// The quantile Huber loss of IQN (Dabney et al. 2018, Eq. 3 and 10), as Dopamine's JAX implicit_quantile agent
// reduces it (google/dopamine dopamine/jax/agents/implicit_quantile/implicit_quantile_agent.py: sum over the N
// online quantiles, mean over the N' target samples, then mean over the batch):
//   u_{b,i,j}  = y_{b,j} − θ_{b,i}                        (target sample j minus online quantile i)
//   L_κ(u)     = ½u² if |u| ≤ κ, else κ(|u| − ½κ)
//   ρ(u)       = |τ_{b,i} − 1{u < 0}| · L_κ(u) / κ
//   ℓ_b        = Σ_i (1/N') Σ_j ρ(u_{b,i,j})             loss = (1/B) Σ_b w_b · ℓ_b   (w_b = 1 without PER)
// dloss/dθ_{b,i} = −(w_b / (B·N'·κ)) Σ_j |τ_{b,i} − 1{u < 0}| · clamp(u, −κ, κ)
//
// Targets are constants (no gradient). This loop is the reference of the native op (native/ops/quantile_huber.h,
// `native.quantileHuberLoss`), which the IQN update calls: same double arithmetic in the same order, bit for bit.
import { native } from '../../native.js';

export interface QuantileHuberResult {
  /** The batch loss (weighted mean of perSample). */
  loss: number;
  /** dloss/dpred, [B, N]. */
  grad: Float32Array;
  /** ℓ_b, unweighted: also the new priority under prioritized replay. */
  perSample: Float32Array;
}

export interface QuantileHuberShape {
  batch: number;
  /** Online quantiles per sample (N). */
  quantiles: number;
  /** Target samples per sample (N'). */
  targetQuantiles: number;
}

export function quantileHuberLoss(
  pred: Float32Array, taus: Float32Array, target: Float32Array, shape: QuantileHuberShape, kappa = 1,
  weights: Float32Array | null = null,
): QuantileHuberResult {
  const { batch: B, quantiles: N, targetQuantiles: M } = shape;
  if (pred.length !== B * N) throw new RangeError(`Expected pred to have batch·quantiles = ${B * N} entries but received ${pred.length}`);
  if (taus.length !== B * N) throw new RangeError(`Expected taus to have batch·quantiles = ${B * N} entries but received ${taus.length}`);
  if (target.length !== B * M) throw new RangeError(`Expected target to have batch·targetQuantiles = ${B * M} entries but received ${target.length}`);
  if (!(kappa > 0)) throw new RangeError(`Expected kappa to be a number > 0 but received ${kappa}`);
  if (weights && weights.length !== B) throw new RangeError(`Expected weights to have batch = ${B} entries but received ${weights.length}`);
  const grad = new Float32Array(B * N);
  const perSample = new Float32Array(B);
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const w = weights ? weights[b] : 1;
    const gradScale = -w / (B * M * kappa);
    let sample = 0;
    for (let i = 0; i < N; i++) {
      const theta = pred[b * N + i];
      const tau = taus[b * N + i];
      let rowLoss = 0, rowGrad = 0;
      for (let j = 0; j < M; j++) {
        const u = target[b * M + j] - theta;
        const abs = Math.abs(u);
        const weight = Math.abs(tau - (u < 0 ? 1 : 0));
        rowLoss += weight * (abs <= kappa ? 0.5 * u * u : kappa * (abs - 0.5 * kappa));
        rowGrad += weight * Math.max(-kappa, Math.min(kappa, u));
      }
      sample += rowLoss / (M * kappa);
      grad[b * N + i] = gradScale * rowGrad;
    }
    perSample[b] = sample;
    loss += w * sample / B;
  }
  return { loss, grad, perSample };
}

/** quantileHuberLoss through the native op (bit-identical to the loop above; the lengths are checked there). */
export function quantileHuberLossNative(
  pred: Float32Array, taus: Float32Array, target: Float32Array, shape: QuantileHuberShape, kappa = 1,
  weights: Float32Array | null = null,
): QuantileHuberResult {
  const grad = new Float32Array(shape.batch * shape.quantiles);
  const perSample = new Float32Array(shape.batch);
  const loss = native.quantileHuberLoss(pred, taus, target, shape, kappa, weights, grad, perSample);
  return { loss, grad, perSample };
}
