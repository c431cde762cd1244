// The whole export list of the prunerl addon; each register* lives in the binding file of its concept.
#include <napi.h>

#include "napi/device_ops_binding.h"
#include "napi/tensor_binding.h"

namespace prunerl::napi {
void registerSystem(Napi::Env env, Napi::Object exports);     // system_binding.cpp
void registerLinear(Napi::Env env, Napi::Object exports);     // linear_binding.cpp: gemm, masked, CSR
void registerTrainOps(Napi::Env env, Napi::Object exports);   // train_ops_binding.cpp: losses, rows, optim, elementwise
void registerConv(Napi::Env env, Napi::Object exports);       // conv_binding.cpp: conv2d, max-pool
void registerNetwork(Napi::Env env, Napi::Object exports);    // network_binding.cpp
void registerLearner(Napi::Env env, Napi::Object exports);    // learner_binding.cpp: the fused value-based update
void registerCuda(Napi::Env env, Napi::Object exports);       // cuda_binding.cpp: cudaAvailable, cudaDeviceInfo, cuda.*
#if defined(PRUNERL_WITH_CUDA) || defined(PRUNERL_WITH_CUDA_EMULATOR)
void registerCudaGraphTestHook(Napi::Env env, Napi::Object exports);  // cuda_graph_test_hook.cpp (tests only)
#endif
}  // namespace prunerl::napi

static Napi::Object init(Napi::Env env, Napi::Object exports) {
  using namespace prunerl::napi;
  TensorWrap::init(env, exports);
  registerSystem(env, exports);
  registerLinear(env, exports);
  // The ops every device implements (device_ops_binding.cpp), here over the CPU's table; cuda.* and
  // cudaEmulated.* are the same bindings over their tables (registerCuda).
  registerDeviceOps(env, exports, prunerl::cpuOps());
  registerDeviceOpReferences(env, exports);
  registerTrainOps(env, exports);
  registerConv(env, exports);
  registerNetwork(env, exports);
  registerLearner(env, exports);
  registerCuda(env, exports);
#if defined(PRUNERL_WITH_CUDA) || defined(PRUNERL_WITH_CUDA_EMULATOR)
  registerCudaGraphTestHook(env, exports);
#endif
  return exports;
}

NODE_API_MODULE(prunerl, init)
