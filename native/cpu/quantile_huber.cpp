// The quantile Huber loss (contract in ops/quantile_huber.h): one per-sample routine, run in order by the reference
// and split over the batch across threads by the fast version. Both then add the batch loss in index order, so they
// are bit-identical to each other and to the TypeScript reference.
#include "ops/quantile_huber.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "base/no_contract.h"  // the reference rounds after every multiply and add, as JavaScript does
#include "base/thread_pool.h"


namespace prunerl {
namespace {

// Sample b's loss ℓ_b in double; writes grad[b, ·] and perSample[b].
PRUNERL_NO_CONTRACT double sampleLoss(const float* pred, const float* taus, const float* target, const float* weights,
                                      const QuantileHuberShape& s, double kappa, int64_t b, float* grad,
                                      float* perSample) {
  const int64_t N = s.quantiles, M = s.targetQuantiles;
  const double w = weights ? static_cast<double>(weights[b]) : 1.0;
  const double gradScale = -w / (static_cast<double>(s.batch) * static_cast<double>(M) * kappa);
  const double perQuantile = static_cast<double>(M) * kappa;
  double sample = 0;
  for (int64_t i = 0; i < N; ++i) {
    const double theta = pred[b * N + i];
    const double tau = taus[b * N + i];
    double rowLoss = 0, rowGrad = 0;
    for (int64_t j = 0; j < M; ++j) {
      const double u = static_cast<double>(target[b * M + j]) - theta;
      const double abs = std::fabs(u);
      const double weight = std::fabs(tau - (u < 0 ? 1.0 : 0.0));
      const double huber = abs <= kappa ? 0.5 * u * u : kappa * (abs - 0.5 * kappa);
      rowLoss += weight * huber;
      rowGrad += weight * (u < -kappa ? -kappa : (u > kappa ? kappa : u));  // NaN stays NaN, as Math.max/min
    }
    sample += rowLoss / perQuantile;
    grad[b * N + i] = static_cast<float>(gradScale * rowGrad);
  }
  perSample[b] = static_cast<float>(sample);
  return sample;
}

PRUNERL_NO_CONTRACT double batchLoss(const float* weights, const double* samples, int64_t batch) {
  double loss = 0;
  for (int64_t b = 0; b < batch; ++b) {
    const double w = weights ? static_cast<double>(weights[b]) : 1.0;
    loss += w * samples[b] / static_cast<double>(batch);
  }
  return loss;
}

}  // namespace

double quantileHuberLossReference(const float* pred, const float* taus, const float* target, const float* weights,
                                  const QuantileHuberShape& s, double kappa, float* grad, float* perSample) {
  std::vector<double> samples(static_cast<size_t>(s.batch));
  for (int64_t b = 0; b < s.batch; ++b) samples[b] = sampleLoss(pred, taus, target, weights, s, kappa, b, grad, perSample);
  return batchLoss(weights, samples.data(), s.batch);
}

double quantileHuberLoss(const float* pred, const float* taus, const float* target, const float* weights,
                         const QuantileHuberShape& s, double kappa, float* grad, float* perSample) {
  thread_local std::vector<double> samples;  // grows once: no allocation per update after the first
  if (samples.size() < static_cast<size_t>(s.batch)) samples.resize(static_cast<size_t>(s.batch));
  double* out = samples.data();
  // About 16K (i, j) pairs per task, so a CartPole-sized batch stays on one thread when it is small.
  const int64_t grain = std::max<int64_t>(1, 16384 / std::max<int64_t>(1, s.quantiles * s.targetQuantiles));
  parallelFor(s.batch, grain, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) out[b] = sampleLoss(pred, taus, target, weights, s, kappa, b, grad, perSample);
  });
  return batchLoss(weights, out, s.batch);
}

}  // namespace prunerl
