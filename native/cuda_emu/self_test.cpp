// The emulator's self-test kernels (self_test.h), written as CUDA; being a .cpp, they are launched with the form the
// build rewrites .cu launches into.
#include "cuda_emu/self_test.h"

#include <vector>

#include "cuda_emu/device_memory_map.h"
#include "cuda_emu/include/cuda_runtime.h"

namespace prunerl::cuda_emu {
namespace {

constexpr int kOut = SelfTestResult::kShuffleOutputs;

// One row of kOut results per thread; the last warp is partial (16 lanes) and uses the mask of its lanes.
__global__ void shuffleProbe(int n, int32_t* out) {
  const int t = threadIdx.x, lane = t % 32;
  const int lanes = (n - (t - lane)) >= 32 ? 32 : n - (t - lane);
  const unsigned mask = lanes == 32 ? 0xffffffffu : (1u << lanes) - 1u;
  int32_t* o = out + t * kOut;
  o[0] = __shfl_sync(mask, t * 10, 3);
  o[1] = __shfl_sync(mask, t, 5, 8);
  o[2] = __shfl_xor_sync(mask, t, 1);
  o[3] = __shfl_xor_sync(mask, t, 16, 16);  // outside the 16-lane segment: the caller's own value
  o[4] = __shfl_up_sync(mask, t, 2);
  o[5] = __shfl_down_sync(mask, t, 3, 8);
  o[6] = static_cast<int32_t>(__ballot_sync(mask, lane % 3 == 0));
  int v = __shfl_xor_sync(mask, t, 1);  // the partner's t ...
  v += 100;
  o[7] = __shfl_xor_sync(mask, v, 1);   // ... and, one instruction later, what the partner holds then: t + 100
  int sum = t;
  for (int offset = lanes / 2; offset > 0; offset /= 2) sum += __shfl_xor_sync(mask, sum, offset);
  o[8] = sum;
}

__global__ void barrierProbe(int n, int32_t* out) {
  __shared__ int32_t values[SelfTestResult::kShuffleThreads];
  values[threadIdx.x] = static_cast<int32_t>(threadIdx.x);
  __syncthreads();
  out[threadIdx.x] = values[(threadIdx.x + 1) % n];
}

__global__ void sharedStartProbe(uint32_t* out) {
  __shared__ uint32_t word;
  if (threadIdx.x == 0) out[blockIdx.x] = word;
  __syncthreads();
  if (threadIdx.x == 1) word = blockIdx.x + 1;  // a block that saw its predecessor's shared memory would read this
}

__global__ void atomicProbe(unsigned long long* sum, int* minimum) {
  atomicAdd(sum, 1ull);
  atomicMin(minimum, static_cast<int>(threadIdx.x) + 3);
}

// Lane 0 of warp 0 waits at __syncthreads while its warp waits for it at a full-mask shuffle: no real GPU
// completes this; the emulator must report it, not hang.
__global__ void deadlockProbe(int32_t* out) {
  const int t = threadIdx.x;
  if (t == 0) __syncthreads();
  if (t < 32) out[t] = __shfl_sync(0xffffffffu, t, 0);
  if (t >= 32) __syncthreads();
}

// Lanes 0–15 return before the rest of the warp shuffles with a mask that names them.
__global__ void exitedLaneProbe(int32_t* out) {
  if (threadIdx.x < 16) return;
  out[threadIdx.x] = __shfl_sync(0xffffffffu, static_cast<int>(threadIdx.x), 20);
}

__global__ void emptyKernel() {}

std::string lastErrorText() {
  const cudaError_t e = cudaGetLastError();
  return e == cudaSuccess ? std::string() : std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
}

}  // namespace

SelfTestResult runSelfTest() {
  SelfTestResult r;
  const int n = SelfTestResult::kShuffleThreads;
  r.shuffles.assign(static_cast<size_t>(n * kOut), -1);
  r.barrier.assign(static_cast<size_t>(n), -1);
  r.sharedAtStart.assign(3, 0);
  const AsDeviceMemory shuffles(r.shuffles.data(), r.shuffles.size() * sizeof(int32_t));
  const AsDeviceMemory barrier(r.barrier.data(), r.barrier.size() * sizeof(int32_t));
  const AsDeviceMemory sharedAtStart(r.sharedAtStart.data(), r.sharedAtStart.size() * sizeof(r.sharedAtStart[0]));
  shuffleProbe * Launch("shuffleProbe", 1, n)(n, r.shuffles.data());
  barrierProbe * Launch("barrierProbe", 1, n)(n, r.barrier.data());
  sharedStartProbe * Launch("sharedStartProbe", 3, 32)(r.sharedAtStart.data());
  unsigned long long sum = 0;
  int minimum = 1 << 30;
  const AsDeviceMemory sumOnDevice(&sum, sizeof sum), minimumOnDevice(&minimum, sizeof minimum);
  atomicProbe * Launch("atomicProbe", 5, 96)(&sum, &minimum);
  r.atomicSum = sum, r.atomicMinimum = minimum;
  cudaGetLastError();
  std::vector<int32_t> scratch(64, 0);
  const AsDeviceMemory scratchOnDevice(scratch.data(), scratch.size() * sizeof(int32_t));
  deadlockProbe * Launch("deadlockProbe", 1, 64)(scratch.data());
  r.deadlock = lastErrorText();
  exitedLaneProbe * Launch("exitedLaneProbe", 1, 32)(scratch.data());
  r.exitedLane = lastErrorText();
  emptyKernel * Launch("emptyKernel", 1, 2048)();
  r.invalidConfig = lastErrorText();
  return r;
}

}  // namespace prunerl::cuda_emu
