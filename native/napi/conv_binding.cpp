#include <napi.h>

namespace prunerl::napi {

void registerConv(Napi::Env env, Napi::Object exports) {}

}  // namespace prunerl::napi
