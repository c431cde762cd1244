// Run-time facts and switches: thread count, SIMD level (tests force each level to check every kernel variant).
#include <napi.h>

#include "base/simd.h"
#include "base/thread_pool.h"
#include "napi/args.h"

namespace prunerl::napi {
namespace {

Napi::Value threadCountJs(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), threadCount()); }

Napi::Value simdLevelJs(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), simdLevelName(simdLevel()));
}

Napi::Value supportedSimdLevelsJs(const Napi::CallbackInfo& info) {
  auto levels = supportedSimdLevels();
  Napi::Array out = Napi::Array::New(info.Env(), levels.size());
  for (size_t i = 0; i < levels.size(); ++i) out.Set(static_cast<uint32_t>(i), simdLevelName(levels[i]));
  return out;
}

Napi::Value setSimdLevelJs(const Napi::CallbackInfo& info) {
  setSimdLevel(parseSimdLevel(stringArg(info[0], "level")));
  return info.Env().Undefined();
}

Napi::Value buildInfoJs(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
#ifdef PRUNERL_WITH_CUDA
  o.Set("cuda", true);
#else
  o.Set("cuda", false);
#endif
  o.Set("napiVersion", NAPI_VERSION);
  return o;
}

}  // namespace

void registerSystem(Napi::Env env, Napi::Object exports) {
  exportFunction<threadCountJs>(env, exports, "threadCount");
  exportFunction<simdLevelJs>(env, exports, "simdLevel");
  exportFunction<supportedSimdLevelsJs>(env, exports, "supportedSimdLevels");
  exportFunction<setSimdLevelJs>(env, exports, "setSimdLevel");
  exportFunction<buildInfoJs>(env, exports, "buildInfo");
}

}  // namespace prunerl::napi
