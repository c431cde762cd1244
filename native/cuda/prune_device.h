// Magnitude pruning on device pointers (the contract of cpu/magnitude_prune.h): PruneTarget.weights and .mask point
// to device memory. Nothing is copied to the host but a few counters (the selection's state, for the result and
// for the NaN/Inf check, which runs over every tensor before any tensor is modified).
#pragma once
#include <cstdint>
#include <vector>

#include "ops/magnitude_prune.h"

namespace prunerl::cuda {

PruneResult magnitudePruneDevice(const std::vector<PruneTarget>& targets, double sparsity, PruneScope scope);
// The k-th smallest (0-based) |values[i]| of a device array; RangeError on NaN (naming the index) or k out of range.
float kthSmallestAbsDevice(const float* values, int64_t n, int64_t k);

}  // namespace prunerl::cuda
