// The value-based learner's head and target arithmetic on the CPU (contract in ops/value_head.h). Each loop is the
// one in native/model/q_head.cpp / learner.cpp, statement for statement, so the learner gives the same bits whether
// it runs these or its own loops; they are small (a batch of 32 × a few actions × 51 atoms), so plain and serial.
// The losses call the CPU loss kernels (losses.h) exactly as the learner does, with thread scratch for their
// intermediates (no allocation once warm).
#include "ops/value_head.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

#include "base/no_contract.h"  // every multiply and add rounds on its own, as on the GPU and in JavaScript
#include "ops/losses.h"

namespace prunerl::value_head {
namespace {

float* scratch(std::vector<float>& v, int64_t n) {
  if (v.size() < static_cast<size_t>(n)) v.resize(static_cast<size_t>(n));
  return v.data();
}

double atomSpacing(const ValueHeadShape& s) { return (s.vMax - s.vMin) / static_cast<double>(s.atoms - 1); }

void assertC51(const ValueHeadShape& s) {
  assert(s.batch >= 1 && s.actions >= 1 && s.atoms >= 2 && std::isfinite(s.vMin) && std::isfinite(s.vMax) &&
         s.vMin < s.vMax);
  (void)s;
}

}  // namespace

PRUNERL_NO_CONTRACT void duelingQ(const float* out, const ValueHeadShape& s, float* q) {
  assert(s.batch >= 1 && s.actions >= 1);
  const int64_t A = s.actions;
  for (int64_t b = 0; b < s.batch; ++b) {
    const float* row = out + b * (A + 1);
    double mean = 0.0;
    for (int64_t a = 0; a < A; ++a) mean += row[1 + a];
    mean /= static_cast<double>(A);
    for (int64_t a = 0; a < A; ++a)
      q[b * A + a] = static_cast<float>(static_cast<double>(row[0]) + static_cast<double>(row[1 + a]) - mean);
  }
}

PRUNERL_NO_CONTRACT void duelingQBackward(const float* dQ, const ValueHeadShape& s, float* dOut) {
  assert(s.batch >= 1 && s.actions >= 1);
  const int64_t A = s.actions;
  for (int64_t b = 0; b < s.batch; ++b) {
    double sum = 0.0;
    for (int64_t a = 0; a < A; ++a) sum += dQ[b * A + a];
    float* row = dOut + b * (A + 1);
    row[0] = static_cast<float>(sum);
    for (int64_t a = 0; a < A; ++a)
      row[1 + a] = static_cast<float>(static_cast<double>(dQ[b * A + a]) - sum / static_cast<double>(A));
  }
}

PRUNERL_NO_CONTRACT void duelingLogits(const float* out, const ValueHeadShape& s, float* logits) {
  assert(s.batch >= 1 && s.actions >= 1 && s.atoms >= 1);
  const int64_t A = s.actions, N = s.atoms, stride = (A + 1) * N;
  for (int64_t b = 0; b < s.batch; ++b) {
    const float* row = out + b * stride;
    for (int64_t z = 0; z < N; ++z) {
      double mean = 0.0;
      for (int64_t a = 0; a < A; ++a) mean += row[(1 + a) * N + z];
      mean /= static_cast<double>(A);
      const double v = row[z];
      for (int64_t a = 0; a < A; ++a)
        logits[(b * A + a) * N + z] = static_cast<float>(v + static_cast<double>(row[(1 + a) * N + z]) - mean);
    }
  }
}

PRUNERL_NO_CONTRACT void duelingLogitsBackward(const float* dLogits, const ValueHeadShape& s, float* dOut) {
  assert(s.batch >= 1 && s.actions >= 1 && s.atoms >= 1);
  const int64_t A = s.actions, N = s.atoms, stride = (A + 1) * N;
  for (int64_t b = 0; b < s.batch; ++b) {
    for (int64_t z = 0; z < N; ++z) {
      double sum = 0.0;
      for (int64_t a = 0; a < A; ++a) sum += dLogits[(b * A + a) * N + z];
      dOut[b * stride + z] = static_cast<float>(sum);
      for (int64_t a = 0; a < A; ++a)
        dOut[b * stride + (1 + a) * N + z] =
            static_cast<float>(static_cast<double>(dLogits[(b * A + a) * N + z]) - sum / static_cast<double>(A));
    }
  }
}

// As q_head.ts: the sum adds the unrounded exponentials, each probability is the rounded one divided by the sum.
PRUNERL_NO_CONTRACT void c51Probabilities(const float* logits, int64_t rows, int64_t atoms, float* p) {
  assert(rows >= 0 && atoms >= 1);
  for (int64_t r = 0; r < rows; ++r) {
    const float* z = logits + r * atoms;
    float* pr = p + r * atoms;
    double maxZ = -INFINITY;
    for (int64_t j = 0; j < atoms; ++j) maxZ = std::fmax(maxZ, static_cast<double>(z[j]));
    double sum = 0.0;
    for (int64_t j = 0; j < atoms; ++j) {
      const double e = std::exp(static_cast<double>(z[j]) - maxZ);
      pr[j] = static_cast<float>(e);
      sum += e;
    }
    for (int64_t j = 0; j < atoms; ++j) pr[j] = static_cast<float>(static_cast<double>(pr[j]) / sum);
  }
}

PRUNERL_NO_CONTRACT void c51Expectation(const float* p, int64_t rows, const ValueHeadShape& s, float* q) {
  assert(rows >= 0 && s.atoms >= 2);
  const int64_t N = s.atoms;
  const double dz = atomSpacing(s);
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0.0;
    for (int64_t j = 0; j < N; ++j) sum += static_cast<double>(p[r * N + j]) * (s.vMin + static_cast<double>(j) * dz);
    q[r] = static_cast<float>(sum);
  }
}

PRUNERL_NO_CONTRACT void tdTarget(const float* rewards, const float* discounts, const float* dones,
                                  const float* nextValue, int64_t batch, float* y) {
  assert(batch >= 0);
  for (int64_t b = 0; b < batch; ++b)
    y[b] = static_cast<float>(static_cast<double>(rewards[b]) +
                              static_cast<double>(discounts[b]) * (1.0 - static_cast<double>(dones[b])) *
                                  static_cast<double>(nextValue[b]));
}

PRUNERL_NO_CONTRACT void c51Project(const float* pNext, const int32_t* greedy, const float* rewards,
                                    const float* discounts, const float* dones, const ValueHeadShape& s, float* m) {
  assertC51(s);
  const int64_t B = s.batch, A = s.actions, N = s.atoms;
  const double dz = atomSpacing(s);
  std::fill(m, m + B * N, 0.0f);
  for (int64_t b = 0; b < B; ++b) {
    assert(greedy[b] >= 0 && greedy[b] < A);
    const double scale = static_cast<double>(discounts[b]) * (1.0 - static_cast<double>(dones[b]));
    const float* p = pNext + (b * A + greedy[b]) * N;
    float* mb = m + b * N;
    for (int64_t j = 0; j < N; ++j) {
      const double zj = s.vMin + static_cast<double>(j) * dz;
      const double tz = std::min(s.vMax, std::max(s.vMin, static_cast<double>(rewards[b]) + scale * zj));
      // (vMax − vMin)/dz can round just above atoms − 1; the clamp keeps the mass on this sample's last atom.
      const double pos = std::min((tz - s.vMin) / dz, static_cast<double>(N - 1));
      const double lower = std::floor(pos), upper = std::ceil(pos);
      const auto lo = static_cast<int64_t>(lower), up = static_cast<int64_t>(upper);
      if (lo == up) {
        mb[lo] = static_cast<float>(static_cast<double>(mb[lo]) + static_cast<double>(p[j]));
      } else {
        mb[lo] = static_cast<float>(static_cast<double>(mb[lo]) + static_cast<double>(p[j]) * (upper - pos));
        mb[up] = static_cast<float>(static_cast<double>(mb[up]) + static_cast<double>(p[j]) * (pos - lower));
      }
    }
  }
}

PRUNERL_NO_CONTRACT void tdLoss(const float* taken, const float* y, const float* weights, const int32_t* actions,
                                const ValueHeadShape& s, TdLossKind kind, float* perSample, float* dQ, double* loss) {
  assert(s.batch >= 1 && s.actions >= 1);
  thread_local std::vector<float> lossGradScratch;
  const int64_t B = s.batch, A = s.actions;
  float* lossGrad = scratch(lossGradScratch, B);
  const bool huber = kind == TdLossKind::Huber;
  double total = huber ? huberLoss(taken, y, B, 1.0f, lossGrad) : mseLoss(taken, y, B, lossGrad);
  if (weights) {
    // The mean of w_b·ℓ_b (each gradient scales by w_b below), summed in the reference's order.
    total = 0.0;
    for (int64_t b = 0; b < B; ++b) {
      const double d = std::fabs(static_cast<double>(taken[b]) - static_cast<double>(y[b]));
      const double perLoss = huber ? (d <= 1.0 ? 0.5 * d * d : d - 0.5) : d * d;
      total += static_cast<double>(weights[b]) * perLoss / static_cast<double>(B);
    }
  }
  std::fill(dQ, dQ + B * A, 0.0f);
  for (int64_t b = 0; b < B; ++b) {
    assert(actions[b] >= 0 && actions[b] < A);
    perSample[b] = static_cast<float>(std::fabs(static_cast<double>(taken[b]) - static_cast<double>(y[b])));
    const double w = weights ? static_cast<double>(weights[b]) : 1.0;
    dQ[b * A + actions[b]] = static_cast<float>(static_cast<double>(lossGrad[b]) * w);
  }
  *loss = total;
}

void c51Loss(const float* logits, const float* m, const float* weights, const int32_t* actions, const ValueHeadShape& s,
             float* dLogits, float* perSample, double* loss) {
  assert(s.batch >= 1 && s.actions >= 1 && s.atoms >= 1);
  thread_local std::vector<float> takenScratch, gradScratch;
  const int64_t B = s.batch, A = s.actions, N = s.atoms;
  float* taken = scratch(takenScratch, B * N);
  float* dTaken = scratch(gradScratch, B * N);
  for (int64_t b = 0; b < B; ++b) {
    assert(actions[b] >= 0 && actions[b] < A);
    std::copy_n(logits + (b * A + actions[b]) * N, N, taken + b * N);
  }
  *loss = softmaxCrossEntropyWeighted(taken, m, weights, B, N, dTaken, perSample);
  std::fill(dLogits, dLogits + B * A * N, 0.0f);
  for (int64_t b = 0; b < B; ++b) std::copy_n(dTaken + b * N, N, dLogits + (b * A + actions[b]) * N);
}

void applyMask(float* w, const uint8_t* mask, int64_t n) {
  for (int64_t i = 0; i < n; ++i) w[i] = mask[i] ? w[i] : 0.0f;
}

PRUNERL_NO_CONTRACT void sgdStep(float* p, const float* g, int64_t n, float lr) {
  for (int64_t i = 0; i < n; ++i) p[i] -= lr * g[i];
}

}  // namespace prunerl::value_head
