// (lead's placeholder of the contract helper-15 implements; replaced by the helper's header at merge)
#pragma once
#include <cstdint>

namespace prunerl {

enum class TdLossKind { Huber, Mse };
struct ValueHeadShape {
  int64_t batch = 0, actions = 0, atoms = 0;
  double vMin = 0.0, vMax = 0.0;
};

}  // namespace prunerl
