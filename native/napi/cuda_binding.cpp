// The CUDA backend's entry points for JS: cudaAvailable(), cudaDeviceInfo() and the `cuda` object of kernels
// (cuda_ops_binding.cpp). Compiled in every build: without PRUNERL_WITH_CUDA (the node-gyp fallback, or cmake-js
// without nvcc) it includes no CUDA header, cudaAvailable() is false and every cuda.* function throws one Error
// saying how to get CUDA.
#include <napi.h>

#include "napi/args.h"

#ifdef PRUNERL_WITH_CUDA
#include "cuda/cuda_api.h"
#endif

namespace prunerl::napi {

namespace {
// The names of the cuda.* functions, in both builds (cuda_ops_binding.cpp defines them when CUDA is compiled in).
const char* const kCudaFunctionNames[] = {"gemm", "matmul", "maskedMatmul", "spmm", "spmmInputGrad", "sddmm",
                                          "huberLoss", "adamStep", "rmspropStep", "relu", "reluBackward",
                                          "magnitudePrune", "kthSmallestAbs", "benchmark"};
}  // namespace

#ifdef PRUNERL_WITH_CUDA
void registerCudaOps(Napi::Env env, Napi::Object cuda);  // cuda_ops_binding.cpp
#endif
#ifdef PRUNERL_WITH_CUDA_EMULATOR
void registerCudaEmulated(Napi::Env env, Napi::Object exports);  // cuda_emulated_binding.cpp: cudaEmulated.*
#endif

namespace {

constexpr const char* kNotBuilt =
    "prunerl was built without CUDA (nvcc not found at build time); rebuild with nvcc on PATH";

#ifdef PRUNERL_WITH_CUDA
Napi::Value cudaAvailableJs(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), cuda::probe().deviceCount > 0);
}

// { compiled, deviceCount, runtimeVersion, driverVersion, reason, devices: [{ index, name, computeCapability,
//   memoryBytes, multiprocessors }] }; never throws.
Napi::Value cudaDeviceInfoJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const cuda::RuntimeInfo r = cuda::probe();
  Napi::Object o = Napi::Object::New(env);
  o.Set("compiled", true);
  o.Set("deviceCount", r.deviceCount);
  o.Set("runtimeVersion", r.runtimeVersion);
  o.Set("driverVersion", r.driverVersion);
  o.Set("reason", r.reason.empty() ? env.Null() : Napi::String::New(env, r.reason));
  Napi::Array devices = Napi::Array::New(env, r.devices.size());
  for (uint32_t i = 0; i < r.devices.size(); ++i) {
    const cuda::DeviceInfo& d = r.devices[i];
    Napi::Object od = Napi::Object::New(env);
    od.Set("index", d.index);
    od.Set("name", d.name);
    od.Set("computeCapability", std::to_string(d.computeMajor) + "." + std::to_string(d.computeMinor));
    od.Set("memoryBytes", static_cast<double>(d.memoryBytes));
    od.Set("multiprocessors", d.multiprocessors);
    devices.Set(i, od);
  }
  o.Set("devices", devices);
  return o;
}
#else
Napi::Value cudaAvailableJs(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), false); }

Napi::Value cudaDeviceInfoJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("compiled", false);
  o.Set("deviceCount", 0);
  o.Set("runtimeVersion", 0);
  o.Set("driverVersion", 0);
  o.Set("reason", kNotBuilt);
  o.Set("devices", Napi::Array::New(env, 0));
  return o;
}

Napi::Value notBuiltJs(const Napi::CallbackInfo& info) { throw Napi::Error::New(info.Env(), kNotBuilt); }
#endif

}  // namespace

void registerCuda(Napi::Env env, Napi::Object exports) {
  exportFunction<cudaAvailableJs>(env, exports, "cudaAvailable");
  exportFunction<cudaDeviceInfoJs>(env, exports, "cudaDeviceInfo");
  Napi::Object cuda = Napi::Object::New(env);
#ifdef PRUNERL_WITH_CUDA
  registerCudaOps(env, cuda);
  for (const char* name : kCudaFunctionNames)  // both builds export the same names
    if (!cuda.Has(name)) throw Napi::Error::New(env, std::string("prunerl: cuda.") + name + " is not registered");
#else
  for (const char* name : kCudaFunctionNames) exportFunction<notBuiltJs>(env, cuda, name);
#endif
  exports.Set("cuda", cuda);
#ifdef PRUNERL_WITH_CUDA_EMULATOR
  registerCudaEmulated(env, exports);
#endif
}

}  // namespace prunerl::napi
