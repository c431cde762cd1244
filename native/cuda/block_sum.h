// The sum over a block of one double per thread, by halving in shared memory: a fixed tree, so a block's sum is the
// same run to run (the losses' per-block partial sums, added on the host in block order). Every thread of the block
// calls it with the block's `shared` array of kThreads doubles (kThreads = blockDim.x, a power of two); each gets the
// sum.
#pragma once
#include <cuda_runtime.h>

namespace prunerl::cuda {

template <int kThreads>
__device__ inline double blockSum(double value, double* shared) {
  shared[threadIdx.x] = value;
  __syncthreads();
  for (int stride = kThreads / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) shared[threadIdx.x] += shared[threadIdx.x + stride];
    __syncthreads();
  }
  return shared[0];
}

}  // namespace prunerl::cuda
