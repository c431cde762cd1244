#include <napi.h>

namespace prunerl::napi {

void registerNetwork(Napi::Env env, Napi::Object exports) {}

}  // namespace prunerl::napi
