// The CUDA backend's entry points for JS: cudaAvailable(), cudaDeviceInfo() and the `cuda` object: the device ops
// bound once (device_ops_binding.cpp) over CUDA's table, plus cuda.benchmark (the kernel workbench). Compiled in
// every build: without PRUNERL_WITH_CUDA (the node-gyp fallback, or cmake-js without nvcc) it includes no CUDA
// header, cudaAvailable() is false and every cuda.* function throws one Error saying how to get CUDA.
#include <napi.h>

#include <stdexcept>
#include <string>

#include "napi/args.h"
#include "napi/device_ops_binding.h"

#ifdef PRUNERL_WITH_CUDA
#include "cuda/cublas_loader.h"
#include "cuda/cuda_api.h"
#include "cuda/resident_ops.h"
#endif

namespace prunerl::napi {

#ifdef PRUNERL_WITH_CUDA_EMULATOR
void registerCudaEmulated(Napi::Env env, Napi::Object exports);  // cuda_emulated_binding.cpp: cudaEmulated.*
#endif

namespace {

constexpr const char* kNotBuilt =
    "prunerl was built without CUDA (nvcc not found at build time); rebuild with nvcc on PATH";

#ifdef PRUNERL_WITH_CUDA
constexpr int64_t kMaxInt32 = 2147483647;
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

// benchmark(op, { m?, n?, k?, sparsity?, iterations?, seed? }) -> { ms, flops, bytes, nnz } (device-resident timing)
Napi::Value benchmarkJs(const Napi::CallbackInfo& info) {
  cuda::BenchRequest q;
  q.op = stringArg(info[0], "op");
  const Napi::Object o = objectArg(info[1], "options");
  q.m = integerFieldOr(o, "options", "m", 0, kMaxInt32, 0);
  q.n = integerFieldOr(o, "options", "n", 0, kMaxInt32, 0);
  q.k = integerFieldOr(o, "options", "k", 0, kMaxInt32, 0);
  checkedProduct({q.m, q.k}, "options.m·options.k");
  checkedProduct({q.n, q.k}, "options.n·options.k");
  checkedProduct({q.m, q.n}, "options.m·options.n");
  q.sparsity = numberFieldOr(o, "options", "sparsity", 0.0);
  if (!(q.sparsity >= 0.0 && q.sparsity <= 1.0))
    throw prunerl::RangeError("Expected a number in [0, 1] for options.sparsity but received " + describe(readProperty(o, "sparsity")));
  q.iterations = static_cast<int>(integerFieldOr(o, "options", "iterations", 1, 100000, 20));
  q.seed = static_cast<uint64_t>(integerFieldOr(o, "options", "seed", 0, kMaxSafeInteger, 1));
#ifdef PRUNERL_WITH_WORKBENCH
  const cuda::BenchResult r = cuda::benchmark(q);
#else
  cuda::requireDevice();  // first the refusal every cuda.* call gives without a device
  throw std::runtime_error("cuda.benchmark lives in the kernel workbench (native/dev/), outside the shipped addon: "
                           "rebuild with --CDPRUNERL_WORKBENCH=ON");
  cuda::BenchResult r;
#endif
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("ms", r.ms);
  out.Set("flops", r.flops);
  out.Set("bytes", r.bytes);
  out.Set("nnz", static_cast<double>(r.nnz));
  return out;
}

Napi::Value cudaAvailableJs(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), cuda::probe().deviceCount > 0);
}

// { compiled, deviceCount, runtimeVersion, driverVersion, reason, devices: [{ index, name, computeCapability,
//   memoryBytes, multiprocessors }], cublas: { found, library, reason } }; never throws.
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
  const cuda::CublasLibrary& cublas = cuda::cublasLibrary();
  Napi::Object ob = Napi::Object::New(env);
  ob.Set("found", cublas.found);
  ob.Set("library", cublas.found ? Napi::String::New(env, cublas.path) : env.Null());
  ob.Set("reason", cublas.found ? env.Null() : Napi::String::New(env, cublas.reason));
  o.Set("cublas", ob);
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
  Napi::Object ob = Napi::Object::New(env);
  ob.Set("found", false);
  ob.Set("library", env.Null());
  ob.Set("reason", kNotBuilt);
  o.Set("cublas", ob);
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
  registerDeviceOps(env, cuda, cuda::deviceOps());
  registerModelTable(cuda::residentOps());
  exportFunction<benchmarkJs>(env, cuda, "benchmark");
#else
  // The same names as a CUDA build exports, each refusing in one line.
  for (const std::string& name : deviceOpNames()) exportFunction<notBuiltJs>(env, cuda, name.c_str());
  exportFunction<notBuiltJs>(env, cuda, "benchmark");
#endif
  exports.Set("cuda", cuda);
#ifdef PRUNERL_WITH_CUDA_EMULATOR
  registerCudaEmulated(env, exports);
#endif
}

}  // namespace prunerl::napi
