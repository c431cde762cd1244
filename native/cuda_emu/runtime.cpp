// The emulated runtime calls (runtime_api.h). Device memory is 256-byte aligned host memory (cudaMalloc's
// alignment, which the float4 paths rely on); copies are memcpy; launches finish before they return, so streams,
// events and synchronisation only keep time. The last error is per OS thread, as CUDA's is per host thread.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cuda_emu/runtime_api.h"

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
    case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
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
    case cudaErrorLaunchFailure: return "unspecified launch failure";
  }
  return "unknown error";
}

cudaError_t fail(cudaError_t e, const char* detail) {
  setLastError(e, detail);
  return e;
}

struct Event {
  std::chrono::steady_clock::time_point at;
  bool recorded = false;
};
Event* eventOf(cudaEvent_t e) { return reinterpret_cast<Event*>(e); }

}  // namespace

void setLastError(cudaError_t error, const char* detail) {
  lastError = error;
  lastDetail = std::string(textOf(error)) + (detail && *detail ? std::string(" (emulator: ") + detail + ")" : "");
}

cudaError_t cudaMalloc(void** ptr, size_t bytes) {
  if (ptr == nullptr) return fail(cudaErrorInvalidValue, "cudaMalloc: null pointer for the result");
  const size_t rounded = (bytes + 255) / 256 * 256;
  *ptr = std::aligned_alloc(256, rounded == 0 ? 256 : rounded);
  return *ptr ? cudaSuccess : fail(cudaErrorMemoryAllocation, "cudaMalloc");
}

cudaError_t cudaFree(void* ptr) {
  std::free(ptr);
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind) {
  if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault)
    return fail(cudaErrorInvalidMemcpyDirection, "cudaMemcpy");
  if (bytes > 0 && (dst == nullptr || src == nullptr)) return fail(cudaErrorInvalidValue, "cudaMemcpy: null pointer");
  if (bytes > 0) std::memmove(dst, src, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t) {
  return cudaMemcpy(dst, src, bytes, kind);
}

cudaError_t cudaMemset(void* ptr, int value, size_t bytes) {
  if (bytes > 0 && ptr == nullptr) return fail(cudaErrorInvalidValue, "cudaMemset: null pointer");
  if (bytes > 0) std::memset(ptr, value, bytes);
  return cudaSuccess;
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

cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }

cudaError_t cudaStreamCreate(cudaStream_t* stream) {
  if (stream) *stream = nullptr;  // one serial stream: every launch has finished when it returns
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }

cudaError_t cudaEventCreate(cudaEvent_t* event) {
  if (event == nullptr) return fail(cudaErrorInvalidValue, "cudaEventCreate: null pointer");
  *event = reinterpret_cast<cudaEvent_t>(new Event());
  return cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t event) {
  delete eventOf(event);
  return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t) {
  if (event == nullptr) return fail(cudaErrorInvalidResourceHandle, "cudaEventRecord");
  eventOf(event)->at = std::chrono::steady_clock::now();
  eventOf(event)->recorded = true;
  return cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  return event ? cudaSuccess : fail(cudaErrorInvalidResourceHandle, "cudaEventSynchronize");
}

cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  if (ms == nullptr || start == nullptr || end == nullptr || !eventOf(start)->recorded || !eventOf(end)->recorded)
    return fail(cudaErrorInvalidResourceHandle, "cudaEventElapsedTime");
  *ms = std::chrono::duration<float, std::milli>(eventOf(end)->at - eventOf(start)->at).count();
  return cudaSuccess;
}

}  // namespace prunerl::cuda_emu
