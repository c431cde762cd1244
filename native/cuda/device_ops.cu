// CUDA's DeviceOps table (ops/device_ops.h): the host-pointer entry points of cuda_api.h. Compiled by nvcc into
// prunerl::cuda and, by the emulator build, into prunerl::cuda_emulated (the same file, `cuda` renamed).
#include "cuda/cuda_api.h"
#include "ops/device_ops.h"

namespace prunerl::cuda {

const DeviceOps& deviceOps() {
#ifdef PRUNERL_CUDA_EMULATED
  static const char* const kName = "cuda-emulated";
#else
  static const char* const kName = "cuda";
#endif
  // Entries left null have no CUDA kernel yet (spmmBackward, the conv lowering, pooling, bias, residual add, MSE,
  // cross-entropy, row reductions, the IQN embedding product): the bindings refuse them on this device by name.
  static const DeviceOps ops = [] {
    DeviceOps o{};
    o.device = kName;
    o.gemm = gemm;
    o.linearForward = linearForward;
    o.spmm = spmm;
    o.spmmInputGrad = spmmInputGrad;
    o.sddmm = sddmm;
    o.huberLoss = huberLoss;
    o.adamStep = adamStep;
    o.rmspropStep = rmspropStep;
    o.reluForward = reluForward;
    o.reluBackward = reluBackward;
    o.magnitudePrune = magnitudePrune;
    o.kthSmallestAbs = kthSmallestAbs;
    return o;
  }();
  return ops;
}

}  // namespace prunerl::cuda
