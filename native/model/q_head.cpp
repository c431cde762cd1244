#include "model/q_head.h"

#include <cmath>
#include <cstring>

namespace prunerl {

int64_t QHeadSpec::outputs() const {
  switch (kind) {
    case Kind::Q: return actions;
    case Kind::Dueling: return actions + 1;
    case Kind::C51: return (dueling ? actions + 1 : actions) * atoms;
  }
  return 0;
}

void qValuesFromOutputs(const QHeadSpec& head, const float* out, int64_t batch, float* q) {
  const int64_t A = head.actions;
  if (head.kind == QHeadSpec::Kind::Q) {
    std::memcpy(q, out, static_cast<size_t>(batch * A) * sizeof(float));
    return;
  }
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = out + b * (A + 1);
    double mean = 0.0;
    for (int64_t a = 0; a < A; ++a) mean += row[1 + a];
    mean /= static_cast<double>(A);
    for (int64_t a = 0; a < A; ++a)
      q[b * A + a] = static_cast<float>(static_cast<double>(row[0]) + static_cast<double>(row[1 + a]) - mean);
  }
}

void qHeadBackward(const QHeadSpec& head, const float* dQ, int64_t batch, float* dOut) {
  const int64_t A = head.actions;
  if (head.kind == QHeadSpec::Kind::Q) {
    std::memcpy(dOut, dQ, static_cast<size_t>(batch * A) * sizeof(float));
    return;
  }
  for (int64_t b = 0; b < batch; ++b) {
    double sum = 0.0;
    for (int64_t a = 0; a < A; ++a) sum += dQ[b * A + a];
    float* row = dOut + b * (A + 1);
    row[0] = static_cast<float>(sum);
    for (int64_t a = 0; a < A; ++a)
      row[1 + a] = static_cast<float>(static_cast<double>(dQ[b * A + a]) - sum / static_cast<double>(A));
  }
}

const float* c51Logits(const QHeadSpec& head, const float* out, int64_t batch, float* scratch) {
  if (!head.dueling) return out;
  const int64_t A = head.actions, N = head.atoms, stride = (A + 1) * N;
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = out + b * stride;
    for (int64_t z = 0; z < N; ++z) {
      double mean = 0.0;
      for (int64_t a = 0; a < A; ++a) mean += row[(1 + a) * N + z];
      mean /= static_cast<double>(A);
      const double v = row[z];
      for (int64_t a = 0; a < A; ++a)
        scratch[(b * A + a) * N + z] = static_cast<float>(v + static_cast<double>(row[(1 + a) * N + z]) - mean);
    }
  }
  return scratch;
}

// As q_head.ts: the sum adds the unrounded exponentials, each probability is the rounded one divided by the sum.
// (std::exp and V8's Math.exp may differ in the last bit of a double, which is why C51 is compared to a tolerance.)
void c51Probabilities(const float* logits, int64_t rows, int64_t atoms, float* p) {
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

void c51Expectation(const QHeadSpec& head, const float* p, int64_t rows, float* q) {
  const int64_t N = head.atoms;
  const double dz = head.atomSpacing();
  for (int64_t r = 0; r < rows; ++r) {
    double s = 0.0;
    for (int64_t j = 0; j < N; ++j) s += static_cast<double>(p[r * N + j]) * (head.vMin + static_cast<double>(j) * dz);
    q[r] = static_cast<float>(s);
  }
}

void c51HeadBackward(const QHeadSpec& head, const float* dLogits, int64_t batch, float* dOut) {
  const int64_t A = head.actions, N = head.atoms;
  if (!head.dueling) {
    std::memcpy(dOut, dLogits, static_cast<size_t>(batch * A * N) * sizeof(float));
    return;
  }
  const int64_t stride = (A + 1) * N;
  for (int64_t b = 0; b < batch; ++b) {
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

}  // namespace prunerl
