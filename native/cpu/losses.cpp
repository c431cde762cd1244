// The TD losses of the agents: Huber and MSE for DQN, softmax cross-entropy for the distributional (C51) head.
// A loss is taken over one batch (32 × actions or 32 × atoms values), so these are plain loops: the mean is
// accumulated in double and the softmax computed in double, each element's gradient rounded once to float.
// Gradients follow PyTorch's 'mean' reduction: dLoss/dpred of the mean, i.e. already divided by n (or rows).
#include "ops/losses.h"

#include <cmath>
#include <sstream>
#include <string>

#include "base/errors.h"

namespace prunerl {
namespace {

void requireCount(int64_t n, const char* what) {
  if (n < 1)
    throw RangeError(std::string("Expected at least one element in ") + what + " but received " + std::to_string(n));
}

}  // namespace

// 0.5·d² where |d| < delta, delta·(|d| − 0.5·delta) beyond (torch.nn.functional.huber_loss); the gradient is d
// clamped to [−delta, delta], divided by n.
double huberLoss(const float* pred, const float* target, int64_t n, float delta, float* grad) {
  requireCount(n, "pred");
  if (!(delta > 0.0f) || !std::isfinite(delta)) {
    std::ostringstream m;
    m << "Expected a finite number > 0 for delta but received " << delta;
    throw RangeError(m.str());
  }
  const double invN = 1.0 / static_cast<double>(n), dlt = delta;
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(pred[i]) - static_cast<double>(target[i]);
    const double a = std::fabs(d);
    sum += a < dlt ? 0.5 * d * d : dlt * (a - 0.5 * dlt);
    const double slope = d < -dlt ? -dlt : (d > dlt ? dlt : d);
    grad[i] = static_cast<float>(slope * invN);
  }
  return sum * invN;
}

// mean(d²); gradient 2·d / n.
double mseLoss(const float* pred, const float* target, int64_t n, float* grad) {
  requireCount(n, "pred");
  const double invN = 1.0 / static_cast<double>(n);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(pred[i]) - static_cast<double>(target[i]);
    sum += d * d;
    grad[i] = static_cast<float>(2.0 * d * invN);
  }
  return sum * invN;
}

double softmaxCrossEntropy(const float* logits, const float* target, int64_t rows, int64_t atoms, float* grad) {
  return softmaxCrossEntropyWeighted(logits, target, nullptr, rows, atoms, grad, nullptr);
}

// CE_r = Σ_a t_a·(log Σ_b exp(z_b − max) − (z_a − max)), the max subtracted so that no exp overflows.
// grad = w_r·(softmax(z) − t) / rows, which is dCE/dz for targets that sum to 1 (probability distributions, as the
// C51 projection produces). weights == nullptr means every w_r = 1.
double softmaxCrossEntropyWeighted(const float* logits, const float* target, const float* weights, int64_t rows,
                                   int64_t atoms, float* grad, float* perRow) {
  requireCount(rows, "rows");
  requireCount(atoms, "atoms");
  const double invRows = 1.0 / static_cast<double>(rows);
  double total = 0.0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* z = logits + r * atoms;
    const float* t = target + r * atoms;
    double maxZ = z[0];
    for (int64_t a = 1; a < atoms; ++a) maxZ = std::fmax(maxZ, static_cast<double>(z[a]));
    double sumExp = 0.0;
    for (int64_t a = 0; a < atoms; ++a) sumExp += std::exp(static_cast<double>(z[a]) - maxZ);
    const double logSum = std::log(sumExp);
    double ce = 0.0;
    for (int64_t a = 0; a < atoms; ++a)
      ce += static_cast<double>(t[a]) * (logSum - (static_cast<double>(z[a]) - maxZ));
    const double w = weights ? static_cast<double>(weights[r]) : 1.0;
    const double scale = w * invRows;
    for (int64_t a = 0; a < atoms; ++a) {
      const double p = std::exp(static_cast<double>(z[a]) - maxZ) / sumExp;
      grad[r * atoms + a] = static_cast<float>((p - static_cast<double>(t[a])) * scale);
    }
    if (perRow) perRow[r] = static_cast<float>(ce);
    total += w * ce;
  }
  return total * invRows;
}

}  // namespace prunerl
