// CUDA errors as C++ exceptions: every runtime call and every launch goes through checkCuda, which throws
// prunerl::CudaError naming the call; the Node-API layer turns it into a JS Error. Nothing here aborts.
#pragma once
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace prunerl {

struct CudaError : std::runtime_error {
  explicit CudaError(const std::string& msg) : std::runtime_error(msg) {}
};

}  // namespace prunerl

// In the backend's namespace, so the emulated build of these sources (native/cuda_emu, namespace
// prunerl::cuda_emulated) has its own copies calling the emulated runtime, not the real one's.
namespace prunerl::cuda {

inline void checkCuda(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  throw CudaError(std::string("CUDA error in ") + what + ": " + cudaGetErrorName(status) + " (" +
                  cudaGetErrorString(status) + ")");
}

// After a kernel launch: launch-configuration errors now; errors inside the kernel surface at the next sync.
inline void checkLaunch(const char* kernel) { checkCuda(cudaGetLastError(), kernel); }

}  // namespace prunerl::cuda
