// The CPU's DeviceOps tables (ops/device_ops.h): the fast kernels, and the plain references beside them.
#include "ops/device_ops.h"

#include "base/thread_pool.h"
#include "cpu/gemm_kernels.h"
#include "ops/elementwise.h"
#include "ops/losses.h"
#include "ops/rows.h"
#include "ops/value_head.h"

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

// optim.h's Adam with the step read through the pointer (host memory here).
// (The CPU kernels compute the corrections from the count themselves, with adamStepState's formula.)
void adamAtStep(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c,
                const AdamStepState* step) {
  adamStep(p, g, m, v, n, c, step->step);
}
void adamAtStepReference(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c,
                         const AdamStepState* step) {
  adamStepReference(p, g, m, v, n, c, step->step);
}

// The entries both tables share: the ops with one CPU implementation (no separate reference).
DeviceOps sharedEntries(const char* device) {
  DeviceOps o{};
  o.device = device;
  o.linearForward = maskedLinearForward;
  o.im2col = im2col;
  o.col2im = col2im;
  o.maxPool2dForward = maxPool2dForward;
  o.maxPool2dBackward = maxPool2dBackward;
  o.reluForward = reluForward;
  o.reluBackward = reluBackward;
  o.biasAdd = biasAdd;
  o.biasGrad = biasGrad;
  o.addInPlace = addInPlace;
  o.huberLoss = huberLoss;
  o.mseLoss = mseLoss;
  o.softmaxCrossEntropyWeighted = softmaxCrossEntropyWeighted;
  o.argmaxRows = argmaxRows;
  o.maxRows = maxRows;
  o.gatherRows = gatherRows;
  o.duelingQ = value_head::duelingQ;
  o.duelingQBackward = value_head::duelingQBackward;
  o.duelingLogits = value_head::duelingLogits;
  o.duelingLogitsBackward = value_head::duelingLogitsBackward;
  o.c51Probabilities = value_head::c51Probabilities;
  o.c51Expectation = value_head::c51Expectation;
  o.tdTarget = value_head::tdTarget;
  o.c51Project = value_head::c51Project;
  o.tdLoss = value_head::tdLoss;
  o.c51Loss = value_head::c51Loss;
  o.applyMask = value_head::applyMask;
  o.sgdStep = value_head::sgdStep;
  return o;
}

}  // namespace

const DeviceOps& cpuOps() {
  static const DeviceOps ops = [] {
    DeviceOps o = sharedEntries("cpu");
    o.gemm = gemm;
    o.spmm = spmm;
    o.spmmInputGrad = spmmInputGrad;
    o.sddmm = sddmm;
    o.spmmBackward = spmmBackward;
    o.adamStep = adamAtStep;
    o.rmspropStep = rmspropStep;
    o.magnitudePrune = magnitudePrune;
    o.kthSmallestAbs = kthSmallestAbsAll;
    o.embeddingProduct = embeddingProduct;
    o.embeddingProductBackward = embeddingProductBackward;
    o.quantileHuberLoss = quantileHuberLoss;
    return o;
  }();
  return ops;
}

const DeviceOps& cpuReferenceOps() {
  static const DeviceOps ops = [] {
    DeviceOps o = sharedEntries("cpu-reference");
    o.gemm = gemmReference;
    o.spmm = spmmReference;
    o.spmmInputGrad = spmmInputGradReference;
    o.sddmm = sddmmReference;
    o.spmmBackward = spmmBackwardReference;
    o.adamStep = adamAtStepReference;
    o.rmspropStep = rmspropStepReference;
    o.magnitudePrune = magnitudePruneReference;
    o.kthSmallestAbs = kthSmallestAbsAllReference;
    o.embeddingProduct = embeddingProductReference;
    o.embeddingProductBackward = embeddingProductBackwardReference;
    o.quantileHuberLoss = quantileHuberLossReference;
    return o;
  }();
  return ops;
}

}  // namespace prunerl
