// Small kernels that probe the emulator's own semantics (barriers, shuffles and votes, shared memory, atomics, the
// launch failures), run by cudaEmulatorSelfTest() for test/native/cuda_emulator.test.ts, which computes what CUDA
// specifies for each and compares.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace prunerl::cuda_emu {

struct SelfTestResult {
  static constexpr int kShuffleThreads = 80;  // two full warps and a half one (lanes 0–15), mask 0xffff there
  static constexpr int kShuffleOutputs = 9;   // per thread, in the order of self_test.cpp's shuffleProbe
  std::vector<int32_t> shuffles;              // [thread][output]
  std::vector<int32_t> barrier;               // kShuffleThreads: shared[(t + 1) % n] read after __syncthreads
  std::vector<uint32_t> sharedAtStart;        // per block, a __shared__ word read before any write
  uint64_t atomicSum = 0;                     // 5 blocks × 96 threads, atomicAdd of 1 each
  int32_t atomicMinimum = 0;                  // atomicMin over (thread index + 3) of 96 threads
  std::string deadlock, exitedLane, invalidConfig;  // cudaGetErrorString of each failed launch
};

SelfTestResult runSelfTest();

// Stream capture and graphs (capture_self_test.cpp): probe name → an error name (cudaGetErrorName), a capture status
// ("none", "active", "invalidated") or a value read back.
using CaptureSelfTestResult = std::map<std::string, std::string>;
CaptureSelfTestResult runCaptureSelfTest();

}  // namespace prunerl::cuda_emu
