// CUDA's DeviceOps table (ops/device_ops.h): the host-pointer entry points of cuda_api.h. Compiled by nvcc into
// prunerl::cuda and, by the emulator build, into prunerl::cuda_emulated (the same file, `cuda` renamed).
#include "cuda/cuda_api.h"
#include "ops/device_ops.h"

namespace prunerl::cuda {
namespace {

// cuda_api.h's Adam with the step read through the pointer (this table's memory is the host's).
void adamAtStep(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c,
                const AdamStepState* step) {
  cuda::adamStep(p, g, m, v, n, c, step->step);  // qualified: argument-dependent lookup finds prunerl's too
}

}  // namespace

const DeviceOps& deviceOps() {
  // Every entry has a kernel; an entry left null would be refused on this device by name (missingModelOp, entryOf).
  static const DeviceOps ops = [] {
    DeviceOps o{};
    o.device = kDeviceName;
    o.gemm = gemm;
    o.linearForward = linearForward;
    o.spmm = spmm;
    o.spmmInputGrad = spmmInputGrad;
    o.sddmm = sddmm;
    o.spmmBackward = spmmBackward;
    o.im2col = im2col;
    o.col2im = col2im;
    o.maxPool2dForward = maxPool2dForward;
    o.maxPool2dBackward = maxPool2dBackward;
    o.biasAdd = biasAdd;
    o.biasGrad = biasGrad;
    o.addInPlace = addInPlace;
    o.mseLoss = mseLoss;
    o.softmaxCrossEntropyWeighted = softmaxCrossEntropyWeighted;
    o.argmaxRows = argmaxRows;
    o.maxRows = maxRows;
    o.gatherRows = gatherRows;
    o.embeddingProduct = embeddingProduct;
    o.embeddingProductBackward = embeddingProductBackward;
    o.quantileHuberLoss = quantileHuberLoss;
    o.huberLoss = huberLoss;
    o.adamStep = adamAtStep;
    o.rmspropStep = rmspropStep;
    o.reluForward = reluForward;
    o.reluBackward = reluBackward;
    o.magnitudePrune = magnitudePrune;
    o.kthSmallestAbs = kthSmallestAbs;
    o.duelingQ = duelingQ;
    o.duelingQBackward = duelingQBackward;
    o.duelingLogits = duelingLogits;
    o.duelingLogitsBackward = duelingLogitsBackward;
    o.c51Probabilities = c51Probabilities;
    o.c51Expectation = c51Expectation;
    o.tdTarget = tdTarget;
    o.c51Project = c51Project;
    o.tdLoss = tdLoss;
    o.c51Loss = c51Loss;
    o.applyMask = applyMask;
    o.sgdStep = sgdStep;
    return o;
  }();
  return ops;
}

}  // namespace prunerl::cuda
