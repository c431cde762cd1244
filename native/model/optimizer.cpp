#include "model/optimizer.h"

namespace prunerl {

void applyOptimizer(const DeviceOps& ops, const OptimizerSpec& spec, float* params, const float* grads,
                    float* state0, float* state1, float* state2, int64_t n, const AdamStepState* step) {
  if (n == 0) return;
  switch (spec.kind) {
    case OptimizerKind::Adam: ops.adamStep(params, grads, state0, state1, n, spec.adam, step); break;
    case OptimizerKind::Rmsprop:
      ops.rmspropStep(params, grads, state0, spec.rmsprop.centered ? state1 : nullptr,
                      spec.rmsprop.momentum > 0.0f ? state2 : nullptr, n, spec.rmsprop);
      break;
    default: ops.sgdStep(params, grads, n, spec.sgdLr);
  }
}

}  // namespace prunerl
