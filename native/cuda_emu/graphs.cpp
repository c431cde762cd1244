// Graphs on the emulator: a captured graph is its recorded work in order (stream_capture.h); instantiating shares
// it with the exec, and a launch runs it on the calling thread, each kernel through runGrid as a direct launch, or
// records it as one step when the launch stream itself captures (CUDA's child graph).
#include <memory>
#include <string>

#include "cuda_emu/stream_capture.h"

namespace prunerl::cuda_emu {
namespace {

cudaError_t refuse(cudaError_t e, const char* detail) {
  setLastError(e, detail);
  return e;
}

constexpr unsigned long long kKnownInstantiateFlags =
    cudaGraphInstantiateFlagAutoFreeOnLaunch | cudaGraphInstantiateFlagUpload | cudaGraphInstantiateFlagDeviceLaunch |
    cudaGraphInstantiateFlagUseNodePriority;

}  // namespace

cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long flags) {
  if (exec == nullptr || graph == nullptr) return refuse(cudaErrorInvalidValue, "cudaGraphInstantiate: null pointer");
  if (flags & ~kKnownInstantiateFlags) return refuse(cudaErrorInvalidValue, "cudaGraphInstantiate: unknown flags");
  *exec = new CUgraphExec_st{std::make_shared<const std::vector<CapturedWork>>(graph->work)};
  return cudaSuccess;
}

// The first failing step ends the replay; its error is returned and cleared from the last error (its message stays
// for cudaGetErrorString), so the runtime stays usable, as after a failed direct launch that was checked.
cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream) {
  if (exec == nullptr) return refuse(cudaErrorInvalidValue, "cudaGraphLaunch: null graph exec");
  return submit(stream, "cudaGraphLaunch", [work = exec->work] {
    for (const CapturedWork& step : *work) {
      const cudaError_t e = step.run();
      if (e != cudaSuccess) {
        cudaGetLastError();
        return e;
      }
    }
    return cudaSuccess;
  });
}

cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
  if (exec == nullptr) return refuse(cudaErrorInvalidValue, "cudaGraphExecDestroy: null graph exec");
  delete exec;
  return cudaSuccess;
}

cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  if (graph == nullptr) return refuse(cudaErrorInvalidValue, "cudaGraphDestroy: null graph");
  delete graph;
  return cudaSuccess;
}

}  // namespace prunerl::cuda_emu
