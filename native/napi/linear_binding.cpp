#include <napi.h>

namespace prunerl::napi {

void registerLinear(Napi::Env env, Napi::Object exports) {}

}  // namespace prunerl::napi
