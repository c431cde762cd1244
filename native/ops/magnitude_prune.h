// Magnitude pruning: find the k-th smallest |w| in O(n) (radix select on the float bits, no sort), then prune in
// place. Semantics (the public contract of kernels.magnitudePrune):
//  - afterwards exactly round(sparsity·n) entries of each tensor ('layer') or of all tensors together ('global')
//    are masked (mask 0, weight 0); entries already masked stay masked (so if more are already masked, nothing
//    changes);
//  - every kept |w| is ≥ every newly pruned |w|; ties at the threshold are pruned in index order (tensor order,
//    then element order), which makes the result deterministic.
#pragma once
#include <cstdint>
#include <vector>

namespace prunerl {

struct PruneTarget {
  float* weights;
  uint8_t* mask;
  int64_t size;
};

enum class PruneScope { Layer, Global };

struct PruneResult {
  std::vector<float> thresholds;  // one per tensor (global: the same value repeated); |w| at the cut, 0 if none
  int64_t pruned = 0;             // entries newly masked
};

// Throws RangeError if any weight is NaN/Inf (naming the tensor and index) or sparsity is outside [0,1].
PruneResult magnitudePruneReference(const std::vector<PruneTarget>& targets, double sparsity, PruneScope scope);
PruneResult magnitudePrune(const std::vector<PruneTarget>& targets, double sparsity, PruneScope scope);

// The k-th smallest (0-based) of |values[i]| over the i with include[i] != 0 (include == nullptr: all).
float kthSmallestAbsReference(const float* values, const uint8_t* include, int64_t n, int64_t k);
float kthSmallestAbs(const float* values, const uint8_t* include, int64_t n, int64_t k);

}  // namespace prunerl
