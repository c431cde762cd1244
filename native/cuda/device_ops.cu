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
  static const DeviceOps ops{kName,        gemm,          linearForward,  spmm,        spmmInputGrad,
                             sddmm,        huberLoss,     adamStep,       rmspropStep, reluForward,
                             reluBackward, magnitudePrune, kthSmallestAbs};
  return ops;
}

}  // namespace prunerl::cuda
