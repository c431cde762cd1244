// The optimizer a Network trains with, applied to each flat parameter array (weights in their current
// representation, biases) with PyTorch's semantics (cpu/optim.h).
#pragma once
#include <cstdint>

#include "ops/device_ops.h"
#include "ops/optim.h"

namespace prunerl {

enum class OptimizerKind { Sgd, Adam, Rmsprop };

struct OptimizerSpec {
  OptimizerKind kind = OptimizerKind::Adam;
  AdamConfig adam;
  RmspropConfig rmsprop;
  float sgdLr = 1e-2f;

  // How many moment arrays each parameter array needs (slots 0..n−1; RMSProp's momentum buffer is slot 2, so
  // with momentum the unused grad-average slot of an uncentered RMSProp is allocated too).
  int stateSlots() const {
    switch (kind) {
      case OptimizerKind::Adam: return 2;
      case OptimizerKind::Rmsprop: return rmsprop.momentum > 0.0f ? 3 : rmsprop.centered ? 2 : 1;
      default: return 0;
    }
  }
};

// One update of n parameters; state0..state2 as stateSlots() says; step (in the device's memory) is Adam's count
// after this update with its bias corrections.
void applyOptimizer(const DeviceOps& ops, const OptimizerSpec& spec, float* params, const float* grads,
                    float* state0, float* state1, float* state2, int64_t n, const AdamStepState* step);

}  // namespace prunerl
