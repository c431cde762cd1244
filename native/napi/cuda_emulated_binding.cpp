// `cudaEmulated`: the cuda.* functions once more — the same device-op bindings (device_ops_binding.cpp) over the
// table of the CUDA kernels compiled for the host emulator (native/cuda_emu; namespace prunerl::cuda_emulated),
// so the GPU-vs-CPU tests run on machines without a GPU. And `cudaEmulatorStats()`: launches, blocks and threads per kernel name so far;
// `cudaEmulatorSelfTest()`, `cudaEmulatorCaptureSelfTest()`: the emulator's own semantics probes (cuda_emu/self_test.h).
// Built whenever the emulator is (CMake's PRUNERL_CUDA_EMULATOR, on by default; not in the node-gyp fallback).
#ifdef PRUNERL_WITH_CUDA_EMULATOR
#include <napi.h>

#include <algorithm>
#include <stdexcept>

#include "cuda_emu/self_test.h"
#include "cuda_emu/stats.h"
#include "napi/args.h"
#include "napi/device_ops_binding.h"

// The emulated backend: native/cuda compiled into this namespace (CMakeLists.txt renames `cuda`).
namespace prunerl::cuda_emulated {
const DeviceOps& deviceOps();
const DeviceOps& residentOps();
void requireDevice();
}  // namespace prunerl::cuda_emulated

namespace prunerl::napi {
namespace {

// The kernel workbench (cuda.benchmark's timings) is not emulated: benchmark says so, after the device check.
Napi::Value benchmarkJs(const Napi::CallbackInfo& info) {
  cuda_emulated::requireDevice();
  throw std::runtime_error("cuda.benchmark lives in the kernel workbench (native/dev/), outside the shipped addon: "
                           "rebuild with --CDPRUNERL_WORKBENCH=ON");
}

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

// cudaEmulatorSelfTest() -> the probes of cuda_emu/self_test.h, for test/native/cuda_emulator.test.ts
Napi::Value cudaEmulatorSelfTestJs(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const cuda_emu::SelfTestResult r = cuda_emu::runSelfTest();
  auto ints = [&](const std::vector<int32_t>& v) {
    Napi::Int32Array a = Napi::Int32Array::New(env, v.size());
    std::copy(v.begin(), v.end(), a.Data());
    return a;
  };
  Napi::Object o = Napi::Object::New(env);
  o.Set("shuffles", ints(r.shuffles));
  o.Set("shuffleOutputs", cuda_emu::SelfTestResult::kShuffleOutputs);
  o.Set("barrier", ints(r.barrier));
  Napi::Uint32Array shared = Napi::Uint32Array::New(env, r.sharedAtStart.size());
  std::copy(r.sharedAtStart.begin(), r.sharedAtStart.end(), shared.Data());
  o.Set("sharedAtStart", shared);
  o.Set("atomicSum", static_cast<double>(r.atomicSum));
  o.Set("atomicMinimum", r.atomicMinimum);
  o.Set("deadlock", r.deadlock);
  o.Set("exitedLane", r.exitedLane);
  o.Set("invalidConfig", r.invalidConfig);
  return o;
}

// cudaEmulatorCaptureSelfTest() -> { [probe]: string }, the stream-capture probes of cuda_emu/self_test.h
Napi::Value cudaEmulatorCaptureSelfTestJs(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  for (const auto& [probe, result] : cuda_emu::runCaptureSelfTest()) o.Set(probe, result);
  return o;
}

}  // namespace

void registerCudaEmulated(Napi::Env env, Napi::Object exports) {
  Napi::Object emulated = Napi::Object::New(env);
  registerDeviceOps(env, emulated, cuda_emulated::deviceOps());
  registerModelTable(cuda_emulated::residentOps());
  exportFunction<benchmarkJs>(env, emulated, "benchmark");
  exports.Set("cudaEmulated", emulated);
  exportFunction<cudaEmulatorStatsJs>(env, exports, "cudaEmulatorStats");
  exportFunction<cudaEmulatorSelfTestJs>(env, exports, "cudaEmulatorSelfTest");
  exportFunction<cudaEmulatorCaptureSelfTestJs>(env, exports, "cudaEmulatorCaptureSelfTest");
}

}  // namespace prunerl::napi
#endif  // PRUNERL_WITH_CUDA_EMULATOR
