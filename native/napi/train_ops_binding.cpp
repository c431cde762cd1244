#include <napi.h>

namespace prunerl::napi {

void registerTrainOps(Napi::Env env, Napi::Object exports) {}

}  // namespace prunerl::napi
