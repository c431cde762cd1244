// `cudaEmulated`: the cuda.* functions once more, over the CUDA kernels compiled for the host emulator
// (native/cuda_emu; namespace prunerl::cuda_emulated), with the same argument checks, so the GPU-vs-CPU tests run
// on machines without a GPU. And `cudaEmulatorStats()`: launches, blocks and threads per kernel name so far.
// Built whenever the emulator is (CMake's PRUNERL_CUDA_EMULATOR, on by default; not in the node-gyp fallback).
#ifdef PRUNERL_WITH_CUDA_EMULATOR
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda_emu/stats.h"
#include "napi/args.h"
#include "napi/csr_arg.h"

// cuda_ops_binding.cpp, with its `cuda::` calls bound to the emulated backend and its register function renamed.
// The kernel workbench (cuda.benchmark's timings) is not emulated: benchmark says so.
#ifndef PRUNERL_WITH_CUDA
#define PRUNERL_WITH_CUDA 1
#endif
#undef PRUNERL_WITH_WORKBENCH
#define cuda cuda_emulated
#define registerCudaOps registerCudaEmulatedOps
#include "napi/cuda_ops_binding.cpp"
#undef registerCudaOps
#undef cuda

namespace prunerl::napi {
namespace {

// cudaEmulatorStats() -> { [kernel]: { launches, blocks, threads } }
Napi::Value cudaEmulatorStatsJs(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  for (const auto& [name, s] : cuda_emu::kernelStats()) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("launches", static_cast<double>(s.launches));
    o.Set("blocks", static_cast<double>(s.blocks));
    o.Set("threads", static_cast<double>(s.threads));
    out.Set(name, o);
  }
  return out;
}

}  // namespace

void registerCudaEmulated(Napi::Env env, Napi::Object exports) {
  Napi::Object emulated = Napi::Object::New(env);
  registerCudaEmulatedOps(env, emulated);
  exports.Set("cudaEmulated", emulated);
  exportFunction<cudaEmulatorStatsJs>(env, exports, "cudaEmulatorStats");
}

}  // namespace prunerl::napi
#endif  // PRUNERL_WITH_CUDA_EMULATOR
