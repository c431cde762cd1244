// What the emulator has run since the process started, per kernel name: the tests use it to check that every
// __global__ kernel in native/cuda was launched (and so compared against its CPU reference).
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace prunerl::cuda_emu {

struct KernelStats {
  uint64_t launches = 0, blocks = 0, threads = 0;
};
std::map<std::string, KernelStats> kernelStats();

}  // namespace prunerl::cuda_emu
