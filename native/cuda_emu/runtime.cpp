// The emulated runtime calls (runtime_api.h). Device memory is 256-byte aligned host memory (cudaMalloc's
// alignment, which the float4 paths rely on); copies are memcpy; launches finish before they return, so
// synchronisation only checks that no capture forbids it (streams.cpp has streams, capture and events). The last
// error is per OS thread, as CUDA's is per host thread.
#include <cstdlib>
#include <cstring>
#include <string>

#include "cuda_emu/runtime_api.h"
#include "cuda_emu/device_memory_map.h"
#include "cuda_emu/stream_capture.h"

namespace prunerl::cuda_emu {
namespace {

thread_local cudaError_t lastError = cudaSuccess;
thread_local std::string lastDetail;

const char* nameOf(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
    case cudaErrorInvalidMemcpyDirection: return "cudaErrorInvalidMemcpyDirection";
    case cudaErrorInsufficientDriver: return "cudaErrorInsufficientDriver";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
    case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
    case cudaErrorIllegalState: return "cudaErrorIllegalState";
    case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
    case cudaErrorStreamCaptureUnsupported: return "cudaErrorStreamCaptureUnsupported";
    case cudaErrorStreamCaptureInvalidated: return "cudaErrorStreamCaptureInvalidated";
    case cudaErrorStreamCaptureImplicit: return "cudaErrorStreamCaptureImplicit";
    case cudaErrorCapturedEvent: return "cudaErrorCapturedEvent";
    case cudaErrorStreamCaptureWrongThread: return "cudaErrorStreamCaptureWrongThread";
  }
  return "cudaErrorUnknown";
}

const char* textOf(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidMemcpyDirection: return "invalid copy direction for memcpy";
    case cudaErrorInsufficientDriver: return "CUDA driver version is insufficient for CUDA runtime version";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle";
    case cudaErrorIllegalState: return "the operation cannot be performed in the present state";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
    case cudaErrorStreamCaptureUnsupported: return "operation not permitted when stream is capturing";
    case cudaErrorStreamCaptureInvalidated: return "operation failed due to a previous error during capture";
    case cudaErrorStreamCaptureImplicit:
      return "operation would make the legacy stream depend on a capturing blocking stream";
    case cudaErrorCapturedEvent: return "operation not permitted on an event last recorded in a capturing stream";
    case cudaErrorStreamCaptureWrongThread:
      return "attempt to terminate a thread-local capture sequence from another thread";
  }
  return "unknown error";
}

cudaError_t fail(cudaError_t e, const char* detail) {
  setLastError(e, detail);
  return e;
}

// A synchronous copy or memset: an unsafe call during a capture, and it waits for the default stream.
cudaError_t checkSynchronous(const char* call) {
  if (const cudaError_t e = checkUnsafeCall(call); e != cudaSuccess) return e;
  return checkStreamSync(cudaStreamPerThread, call);
}

// The side of a copy the direction says is on the device must be device memory, the host side must not be (CUDA
// would read a host pointer as a device address, or refuse it): device_memory_map.h.
cudaError_t checkSides(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, const char* call) {
  if (bytes == 0 || kind == cudaMemcpyDefault) return cudaSuccess;
  const bool dstDevice = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  const bool srcDevice = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  if (isDeviceMemory(dst, bytes) != dstDevice)
    return fail(cudaErrorInvalidValue, (std::string(call) + ": the destination is " + (dstDevice ? "not " : "") +
                                        "device memory, against the copy's direction").c_str());
  if (isDeviceMemory(src, bytes) != srcDevice)
    return fail(cudaErrorInvalidValue, (std::string(call) + ": the source is " + (srcDevice ? "not " : "") +
                                        "device memory, against the copy's direction").c_str());
  return cudaSuccess;
}

cudaError_t copy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, const char* call) {
  if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault) return fail(cudaErrorInvalidMemcpyDirection, call);
  if (bytes > 0 && (dst == nullptr || src == nullptr))
    return fail(cudaErrorInvalidValue, (std::string(call) + ": null pointer").c_str());
  if (const cudaError_t e = checkSides(dst, src, bytes, kind, call); e != cudaSuccess) return e;
  if (bytes > 0) std::memmove(dst, src, bytes);
  return cudaSuccess;
}

cudaError_t fill(void* ptr, int value, size_t bytes, const char* call) {
  if (bytes > 0 && ptr == nullptr) return fail(cudaErrorInvalidValue, (std::string(call) + ": null pointer").c_str());
  if (bytes > 0 && !isDeviceMemory(ptr, bytes))
    return fail(cudaErrorInvalidValue, (std::string(call) + ": not device memory").c_str());
  if (bytes > 0) std::memset(ptr, value, bytes);
  return cudaSuccess;
}

}  // namespace

void setLastError(cudaError_t error, const char* detail) {
  lastError = error;
  lastDetail = std::string(textOf(error)) + (detail && *detail ? std::string(" (emulator: ") + detail + ")" : "");
}

cudaError_t cudaMalloc(void** ptr, size_t bytes) {
  if (ptr == nullptr) return fail(cudaErrorInvalidValue, "cudaMalloc: null pointer for the result");
  if (const cudaError_t e = checkUnsafeCall("cudaMalloc"); e != cudaSuccess) return e;
  const size_t rounded = (bytes + 255) / 256 * 256;
  *ptr = std::aligned_alloc(256, rounded == 0 ? 256 : rounded);
  if (*ptr == nullptr) return fail(cudaErrorMemoryAllocation, "cudaMalloc");
  rememberAllocation(*ptr, bytes);
  return cudaSuccess;
}

// Refused during a capture, as CUDA's (it would free memory the graph's replays may still use): the memory is kept.
cudaError_t cudaFree(void* ptr) {
  if (const cudaError_t e = checkUnsafeCall("cudaFree"); e != cudaSuccess) return e;
  if (ptr != nullptr && !forgetAllocation(ptr))
    return fail(cudaErrorInvalidValue, "cudaFree: not the start of a live cudaMalloc allocation");
  std::free(ptr);
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind) {
  if (const cudaError_t e = checkSynchronous("cudaMemcpy"); e != cudaSuccess) return e;
  return copy(dst, src, bytes, kind, "cudaMemcpy");
}

// Captured as the pointers and size given now: each replay copies what the source holds then.
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t stream) {
  if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault)
    return fail(cudaErrorInvalidMemcpyDirection, "cudaMemcpyAsync");
  return submit(stream, "cudaMemcpyAsync", [=] { return copy(dst, src, bytes, kind, "cudaMemcpyAsync"); });
}

cudaError_t cudaMemset(void* ptr, int value, size_t bytes) {
  if (const cudaError_t e = checkSynchronous("cudaMemset"); e != cudaSuccess) return e;
  return fill(ptr, value, bytes, "cudaMemset");
}

cudaError_t cudaMemsetAsync(void* ptr, int value, size_t bytes, cudaStream_t stream) {
  return submit(stream, "cudaMemsetAsync", [=] { return fill(ptr, value, bytes, "cudaMemsetAsync"); });
}

cudaError_t cudaGetLastError() {
  const cudaError_t e = lastError;
  lastError = cudaSuccess;
  return e;
}

cudaError_t cudaPeekAtLastError() { return lastError; }

const char* cudaGetErrorName(cudaError_t error) { return nameOf(error); }

// With the emulator's detail when `error` is the last one recorded on this thread.
const char* cudaGetErrorString(cudaError_t error) {
  if (error != cudaSuccess && lastDetail.rfind(textOf(error), 0) == 0) return lastDetail.c_str();
  return textOf(error);
}

cudaError_t cudaRuntimeGetVersion(int* version) {
  if (version) *version = 0;  // not a CUDA runtime
  return cudaSuccess;
}

cudaError_t cudaDriverGetVersion(int* version) {
  if (version) *version = 0;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceCount(int* count) {
  if (count) *count = 1;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (prop == nullptr || device != 0) return fail(cudaErrorInvalidValue, "cudaGetDeviceProperties: device 0 only");
  std::memset(prop, 0, sizeof *prop);
  std::strncpy(prop->name, "prunerl CUDA emulator (host fibers)", sizeof prop->name - 1);
  prop->totalGlobalMem = size_t{1} << 34;  // nominal: allocations are host memory
  prop->sharedMemPerBlock = 48 << 10;
  prop->warpSize = 32;
  prop->maxThreadsPerBlock = 1024;
  prop->maxThreadsDim[0] = 1024, prop->maxThreadsDim[1] = 1024, prop->maxThreadsDim[2] = 64;
  prop->maxGridSize[0] = 2147483647, prop->maxGridSize[1] = 65535, prop->maxGridSize[2] = 65535;
  prop->major = 9, prop->minor = 0;  // the semantics emulated: independent thread scheduling, *_sync collectives
  prop->multiProcessorCount = 1;
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
  return device == 0 ? cudaSuccess : fail(cudaErrorInvalidValue, "cudaSetDevice: device 0 only");
}

cudaError_t cudaGetDevice(int* device) {
  if (device) *device = 0;
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize() { return checkDeviceSync("cudaDeviceSynchronize"); }

}  // namespace prunerl::cuda_emu
