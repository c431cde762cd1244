// IQN's quantile Huber loss (Dabney et al. 2018, Eq. 3 and 10), reduced as Dopamine's JAX implicit_quantile agent
// does: sum over the N online quantiles, mean over the N' target samples, weighted mean over the batch.
// Shapes (row-major): pred, taus, grad [B, N]   target [B, N']   weights, perSample [B]
//   u_{b,i,j} = target[b, j] − pred[b, i]
//   ρ(u)      = |taus[b, i] − 1{u < 0}| · L_κ(u) / κ,   L_κ(u) = ½u² if |u| ≤ κ else κ(|u| − ½κ)
//   perSample[b] = Σ_i (1/N') Σ_j ρ(u_{b,i,j})        returns Σ_b w_b · perSample[b] / B   (w_b = 1 without weights)
//   grad[b, i]   = −(w_b / (B·N'·κ)) Σ_j |taus[b, i] − 1{u < 0}| · clamp(u, −κ, κ)
// Arithmetic is that of src/agents/iqn/quantile_huber.ts, the TypeScript reference: every value is widened to double,
// sums run in double in index order (j inside i inside b), and grad / perSample are rounded to float once at the
// end, so results are bit-identical to it. weights may be nullptr; grad and perSample are overwritten.
#pragma once
#include <cstdint>

namespace prunerl {

struct QuantileHuberShape {
  int64_t batch = 0, quantiles = 0, targetQuantiles = 0;  // B, N, N'
};

double quantileHuberLossReference(const float* pred, const float* taus, const float* target, const float* weights,
                                  const QuantileHuberShape& s, double kappa, float* grad, float* perSample);
// Threaded over the batch; the batch loss is then summed on the calling thread in the reference's order.
double quantileHuberLoss(const float* pred, const float* taus, const float* target, const float* weights,
                         const QuantileHuberShape& s, double kappa, float* grad, float* perSample);

}  // namespace prunerl
