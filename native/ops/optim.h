// Optimizer steps over flat parameter arrays, with PyTorch's semantics (torch.optim.Adam, torch.optim.RMSprop).
// They work on any flat array, so compressed (CSR) layers update their kept values in place with moments of the
// same length.
#pragma once
#include <cmath>
#include <cstdint>

namespace prunerl {

struct AdamConfig {
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
};
// step is the 1-based step count after this update (bias corrections use it).
//   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  p −= lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + eps)
void adamStepReference(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c, int64_t step);
void adamStep(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c, int64_t step);

// Adam's step as a device table's adamStep reads it from the table's memory (so a recorded update, a CUDA graph,
// replays with the current one): the count and its bias corrections 1 − β^t, computed here on the host, in double
// and rounded once (as adamStep does), so every device applies the very same corrections.
struct AdamStepState {
  int64_t step = 0;
  float biasCorrection1 = 0.0f, biasCorrection2 = 0.0f;
};
inline AdamStepState adamStepState(const AdamConfig& c, int64_t step) {
  const double t = static_cast<double>(step);
  return AdamStepState{step, static_cast<float>(1.0 - std::pow(static_cast<double>(c.beta1), t)),
                       static_cast<float>(1.0 - std::pow(static_cast<double>(c.beta2), t))};
}

struct RmspropConfig {
  float lr = 1e-2f, alpha = 0.99f, eps = 1e-8f, momentum = 0.0f;
  bool centered = false;
};
//   sq = α·sq + (1−α)·g²;  centered: ga = α·ga + (1−α)·g, avg = sqrt(sq − ga²) + eps; else avg = sqrt(sq) + eps
//   momentum 0:  p −= lr · g / avg        (eps added after the square root, as PyTorch and the MinAtar reference)
//   momentum μ > 0 (PyTorch's buffer):  buf = μ·buf + g / avg;  p −= lr · buf
// gradAvg is used only when centered, buf only when momentum > 0 (either may be null otherwise). With momentum 0
// the operations, and so the results, are exactly those of the momentum-free step.
void rmspropStepReference(float* p, const float* g, float* sq, float* gradAvg, float* buf, int64_t n,
                          const RmspropConfig& c);
void rmspropStep(float* p, const float* g, float* sq, float* gradAvg, float* buf, int64_t n, const RmspropConfig& c);

}  // namespace prunerl
