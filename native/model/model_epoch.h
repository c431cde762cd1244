// A counter that changes whenever the structure of any Network changes: a layer's representation, mask, sizes or
// optimizer state re-made (LayerWeights::rebuild, ensureState, setDenseState), an optimizer set or restored. A
// captured update (a CUDA graph, model/learner.cpp) baked in the pointers, counts and settings of the moment it was
// captured; it replays only while this counter (and the device's memory epoch) is unchanged, and is captured again
// otherwise. Values change in place (weights, biases, the optimizer's moments) do not count: a replay reads them.
#pragma once
#include <atomic>
#include <cstdint>

namespace prunerl {

inline std::atomic<uint64_t>& modelEpochCounter() {
  static std::atomic<uint64_t> counter{0};
  return counter;
}
inline uint64_t modelEpoch() { return modelEpochCounter().load(); }
inline void bumpModelEpoch() { ++modelEpochCounter(); }

}  // namespace prunerl
