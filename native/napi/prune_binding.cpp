#include <napi.h>

namespace prunerl::napi {

void registerPrune(Napi::Env env, Napi::Object exports) {}

}  // namespace prunerl::napi
