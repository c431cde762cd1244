// The runtime probe. cudart is linked statically and loads the driver (libcuda.so.1) itself on the first call, so
// the addon loads on machines without a driver; there cudaGetDeviceCount returns cudaErrorInsufficientDriver (or
// cudaErrorNoDevice) and the probe reports 0 devices with the reason.
#include <cuda_runtime.h>

#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"

namespace prunerl::cuda {

RuntimeInfo probe() {
  RuntimeInfo info;
  cudaRuntimeGetVersion(&info.runtimeVersion);
  if (cudaDriverGetVersion(&info.driverVersion) != cudaSuccess) info.driverVersion = 0;
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    info.reason = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
    // Without any driver cudart reports an "insufficient" one; say what it means.
    if (status == cudaErrorInsufficientDriver && info.driverVersion == 0)
      info.reason = "no NVIDIA driver found (libcuda.so.1 could not be loaded; " + info.reason + ")";
    cudaGetLastError();  // clear it, so it is not reported by the next unrelated check
    return info;
  }
  if (count == 0) info.reason = "the CUDA driver reports no devices";
  info.deviceCount = count;
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp p;
    if (cudaGetDeviceProperties(&p, d) != cudaSuccess) continue;
    info.devices.push_back(DeviceInfo{d, p.name, p.major, p.minor, static_cast<int64_t>(p.totalGlobalMem),
                                      p.multiProcessorCount});
  }
  return info;
}

void requireDevice() {
  // Cached: the answer does not change while the process runs, and the probe costs a driver round trip.
  static const RuntimeInfo info = probe();
  if (info.deviceCount == 0) throw CudaError("no CUDA device available: " + info.reason);
}

}  // namespace prunerl::cuda
