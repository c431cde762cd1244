// train_ops.cu's optimizer steps and ReLU on device pointers (every pointer on the device): the semantics and the
// argument checks of the host entry points in cuda_api.h, without the copies. A device-resident Network calls them.
#pragma once
#include <cstdint>

#include "ops/optim.h"

namespace prunerl::cuda {

// step: the count and its bias corrections (optim.h adamStepState), in device memory.
void adamStepDevice(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c,
                    const AdamStepState* step);
void rmspropStepDevice(float* p, const float* g, float* sq, float* gradAvg, float* buf, int64_t n,
                       const RmspropConfig& c);
void reluForwardDevice(const float* x, int64_t n, float* y);
void reluBackwardDevice(const float* y, const float* dy, int64_t n, float* dx);

}  // namespace prunerl::cuda
