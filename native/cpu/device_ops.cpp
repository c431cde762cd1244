// The CPU's DeviceOps tables (ops/device_ops.h): the fast kernels, and the plain references beside them.
#include "ops/device_ops.h"

#include "base/thread_pool.h"
#include "cpu/gemm_kernels.h"
#include "ops/elementwise.h"
#include "ops/losses.h"

namespace prunerl {
namespace {

// X·(W ⊙ mask)ᵀ: the masked copy of W (thread scratch, no allocation after the first call) through the dense gemm.
void maskedLinearForward(const float* X, const float* W, const uint8_t* mask, int64_t batch, int64_t in, int64_t out,
                         float* Y) {
  if (mask == nullptr) return linearForward(X, W, nullptr, batch, in, out, Y);
  const int64_t n = in * out;
  float* masked = gemm_detail::threadScratch(3, n);
  parallelFor(n, 1 << 16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float v = W[i];  // loaded unconditionally: a select the compiler vectorises, not a branch
      masked[i] = mask[i] ? v : 0.0f;
    }
  });
  linearForward(X, masked, nullptr, batch, in, out, Y);
}

float kthSmallestAbsAll(const float* values, int64_t n, int64_t k) { return kthSmallestAbs(values, nullptr, n, k); }
float kthSmallestAbsAllReference(const float* values, int64_t n, int64_t k) {
  return kthSmallestAbsReference(values, nullptr, n, k);
}

}  // namespace

const DeviceOps& cpuOps() {
  static const DeviceOps ops{"cpu",        gemm,          maskedLinearForward, spmm,          spmmInputGrad,
                             sddmm,        huberLoss,     adamStep,            rmspropStep,   reluForward,
                             reluBackward, magnitudePrune, kthSmallestAbsAll};
  return ops;
}

const DeviceOps& cpuReferenceOps() {
  static const DeviceOps ops{"cpu-reference",       gemmReference,       maskedLinearForward,
                             spmmReference,         spmmInputGradReference, sddmmReference,
                             huberLoss,             adamStepReference,   rmspropStepReference,
                             reluForward,           reluBackward,        magnitudePruneReference,
                             kthSmallestAbsAllReference};
  return ops;
}

}  // namespace prunerl
