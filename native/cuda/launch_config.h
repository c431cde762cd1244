// The launch shape of the one-thread-per-element kernels: 256 threads per block, at most 4096 blocks, each thread
// striding over the rest (so any n fits one launch).
#pragma once
#include <algorithm>
#include <cstdint>

namespace prunerl::cuda {

constexpr int kElementThreads = 256;
constexpr int64_t kMaxElementBlocks = 4096;

inline unsigned elementBlocks(int64_t n) {
  return static_cast<unsigned>(
      std::max<int64_t>(1, std::min<int64_t>((n + kElementThreads - 1) / kElementThreads, kMaxElementBlocks)));
}

}  // namespace prunerl::cuda

#define PRUNERL_FOR_EACH_ELEMENT(i, n) \
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < (n); i += int64_t{gridDim.x} * blockDim.x)
