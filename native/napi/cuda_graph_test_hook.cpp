// A test hook, not part of the library's API: cudaGraphTestHook(device, request) runs one CapturedGraph scenario
// (native/cuda/graph_test_hook.h) on 'cuda' or 'cuda-emulated' and returns { arrays, messages, captured }, for
// test/native/cuda_graph.test.ts. Exported whenever a CUDA backend (real or emulated) is built in.
#if defined(PRUNERL_WITH_CUDA) || defined(PRUNERL_WITH_CUDA_EMULATOR)
#include <napi.h>

#include <string>
#include <vector>

#include "cuda/graph_test_hook.h"
#include "napi/args.h"

namespace prunerl {
#ifdef PRUNERL_WITH_CUDA_EMULATOR
namespace cuda_emulated {  // the same .cu compiled for the emulator (CMakeLists.txt renames `cuda`)
GraphTestResult graphTestHook(const GraphTestRequest& request);
}  // namespace cuda_emulated
#endif
}  // namespace prunerl

namespace prunerl::napi {
namespace {

std::vector<float> floatsOr(const Napi::Object& o, const char* field) {
  const Napi::Value v = readProperty(o, field);
  if (v.IsUndefined() || v.IsNull()) return {};
  const Span<float> s = float32Arg(v, std::string("request.") + field);
  return std::vector<float>(s.data, s.data + s.size);
}

// cudaGraphTestHook(device, { scenario, call?, rows, cols, replays?, x?, w?, b, b2?, y })
Napi::Value cudaGraphTestHookJs(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const std::string device = stringArg(info[0], "device");
  const Napi::Object o = objectArg(info[1], "request");
  GraphTestRequest q;
  q.scenario = stringArg(readProperty(o, "scenario"), "request.scenario");
  const Napi::Value call = readProperty(o, "call");
  if (!call.IsUndefined()) q.call = stringArg(call, "request.call");
  q.rows = integerField(o, "request", "rows", 1, 1 << 20);
  q.cols = integerField(o, "request", "cols", 1, 1 << 12);
  q.replays = static_cast<int>(integerFieldOr(o, "request", "replays", 0, 1000, 1));
  q.x = floatsOr(o, "x"), q.w = floatsOr(o, "w"), q.b = floatsOr(o, "b"), q.b2 = floatsOr(o, "b2"), q.y = floatsOr(o, "y");
  GraphTestResult r;
  if (device == "cuda") {
#ifdef PRUNERL_WITH_CUDA
    r = cuda::graphTestHook(q);
#else
    throw Napi::Error::New(env, "prunerl was built without CUDA (nvcc not found at build time)");
#endif
  } else if (device == "cuda-emulated") {
#ifdef PRUNERL_WITH_CUDA_EMULATOR
    r = cuda_emulated::graphTestHook(q);
#else
    throw Napi::Error::New(env, "prunerl was built without the CUDA emulator");
#endif
  } else {
    throw prunerl::RangeError("Expected 'cuda' or 'cuda-emulated' for device but received " + describe(info[0]));
  }
  Napi::Object arrays = Napi::Object::New(env);
  for (const auto& [name, values] : r.arrays) {
    Napi::Float32Array a = newFloat32(env, static_cast<int64_t>(values.size()));
    std::copy(values.begin(), values.end(), a.Data());
    arrays.Set(name, a);
  }
  Napi::Object messages = Napi::Object::New(env);
  for (const auto& [name, text] : r.messages) messages.Set(name, text);
  Napi::Object out = Napi::Object::New(env);
  out.Set("arrays", arrays);
  out.Set("messages", messages);
  out.Set("captured", r.captured);
  return out;
}

}  // namespace

void registerCudaGraphTestHook(Napi::Env env, Napi::Object exports) {
  exportFunction<cudaGraphTestHookJs>(env, exports, "cudaGraphTestHook");
}

}  // namespace prunerl::napi
#endif
