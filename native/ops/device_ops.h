// The ops every device implements, as one table of function pointers per device: the CPU's (always built), its
// plain references, CUDA's and the CUDA emulator's (when built). native/napi binds each op once over these tables
// (napi/device_ops_binding.cpp), so a device is a table of the same contracts, not a second API. Each entry has the
// semantics of the op header it comes from (gemm.h, csr.h, losses.h, optim.h, elementwise.h, magnitude_prune.h);
// CUDA's entries take host pointers and copy (cuda/cuda_api.h).
#pragma once
#include <cstdint>
#include <vector>

#include "ops/csr.h"
#include "ops/gemm.h"
#include "ops/magnitude_prune.h"
#include "ops/optim.h"

namespace prunerl {

struct DeviceOps {
  const char* device;  // "cpu", "cpu-reference", "cuda", "cuda-emulated"
  void (*gemm)(const GemmArgs& g);
  // Y[batch,out] = X·(W ⊙ mask)ᵀ; mask == nullptr: X·Wᵀ
  void (*linearForward)(const float* X, const float* W, const uint8_t* mask, int64_t batch, int64_t in, int64_t out,
                        float* Y);
  void (*spmm)(const CsrMatrix& W, const float* X, int64_t batch, float* Y);
  void (*spmmInputGrad)(const CsrMatrix& W, const float* dY, int64_t batch, float* dX);
  void (*sddmm)(const CsrMatrix& W, const float* dY, const float* X, int64_t batch, float* dValues);
  double (*huberLoss)(const float* pred, const float* target, int64_t n, float delta, float* grad);
  void (*adamStep)(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c, int64_t step);
  void (*rmspropStep)(float* p, const float* g, float* sq, float* gradAvg, float* buf, int64_t n,
                      const RmspropConfig& c);
  void (*reluForward)(const float* x, int64_t n, float* y);
  void (*reluBackward)(const float* y, const float* dy, int64_t n, float* dx);
  PruneResult (*magnitudePrune)(const std::vector<PruneTarget>& targets, double sparsity, PruneScope scope);
  // The k-th smallest |values[i]| (0-based) over all n values.
  float (*kthSmallestAbs)(const float* values, int64_t n, int64_t k);
};

// native/cpu/device_ops.cpp: the fast CPU kernels, and the plain references where an op has one (the fast kernel
// where it has none: linearForward, huberLoss, relu).
const DeviceOps& cpuOps();
const DeviceOps& cpuReferenceOps();

}  // namespace prunerl
