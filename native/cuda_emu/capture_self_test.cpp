// The emulator's stream-capture probes (self_test.h: runCaptureSelfTest), on the runtime calls themselves: what a
// capture records and refuses, with which error, and what a replay runs. Each result is an error name or a number,
// checked against CUDA's documented behaviour in test/native/cuda_emulator.test.ts. Launches use the rewritten form
// of `k<<<grid, block, shared, stream>>>(args)`.
#include <string>
#include <thread>

#include "cuda_emu/device_memory_map.h"
#include "cuda_emu/include/cuda_runtime.h"
#include "cuda_emu/self_test.h"

namespace prunerl::cuda_emu {
namespace {

__global__ void addProbe(int* out, int k) { atomicAdd(out, k); }
__global__ void idleProbe() {}
__global__ void stuckProbe() {  // lane 0 at the barrier, its warp at a shuffle waiting for lane 0: never completes
  const int t = threadIdx.x;
  if (t == 0) __syncthreads();
  (void)__shfl_sync(0xffffffffu, t, 0);
}

std::string name(cudaError_t e) { return cudaGetErrorName(e); }
std::string lastError() { return name(cudaGetLastError()); }

std::string status(cudaStream_t s) {
  cudaStreamCaptureStatus st = cudaStreamCaptureStatusNone;
  const cudaError_t e = cudaStreamIsCapturing(s, &st);
  if (e != cudaSuccess) return name(e);
  return st == cudaStreamCaptureStatusNone ? "none" : st == cudaStreamCaptureStatusActive ? "active" : "invalidated";
}

// Ends the capture of `stream`; the graph, if any, is instantiated into *exec (or only destroyed).
std::string end(cudaGraphExec_t* exec = nullptr, cudaStream_t stream = cudaStreamPerThread) {
  cudaGraph_t g = nullptr;
  const cudaError_t e = cudaStreamEndCapture(stream, &g);
  if (g != nullptr && exec != nullptr) cudaGraphInstantiate(exec, g, 0);
  if (g != nullptr) cudaGraphDestroy(g);
  cudaGetLastError();
  return name(e);
}

void recordAndReplay(CaptureSelfTestResult& r) {
  int value = 0, k = 5;
  const AsDeviceMemory valueOnDevice(&value, sizeof value);
  r["beginGlobal"] = name(cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal));
  r["statusDuring"] = status(cudaStreamPerThread);
  r["statusOfStream0During"] = status(nullptr);
  addProbe * Launch("addProbe", 1, 1)(&value, k);  // no stream: the per-thread default stream, so recorded
  r["valueDuringCapture"] = std::to_string(value);
  k = 7;  // the launch copied k = 5
  cudaGraphExec_t exec = nullptr;
  r["end"] = end(&exec);
  r["statusAfter"] = status(cudaStreamPerThread);
  for (int i = 0; i < 3; ++i) cudaGraphLaunch(exec, cudaStreamPerThread);
  r["valueAfter3Replays"] = std::to_string(value);
  // A graph launched into a capturing stream is recorded as one step of the outer graph.
  r["beginOuter"] = name(cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal));
  r["childLaunch"] = name(cudaGraphLaunch(exec, cudaStreamPerThread));
  addProbe * Launch("addProbe", 1, 1)(&value, 100);
  cudaGraphExec_t outer = nullptr;
  r["endOuter"] = end(&outer);
  r["valueBeforeOuterReplay"] = std::to_string(value);
  cudaGraphLaunch(outer, cudaStreamPerThread);
  r["valueAfterOuterReplay"] = std::to_string(value);
  cudaGraphExecDestroy(outer);
  cudaGraphExecDestroy(exec);
}

void asyncCopies(CaptureSelfTestResult& r) {
  int src = 1, dst = 0, zeroed = 9;
  const AsDeviceMemory zeroedOnDevice(&zeroed, sizeof zeroed);
  cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal);
  r["memcpyAsync"] = name(cudaMemcpyAsync(&dst, &src, sizeof src, cudaMemcpyDefault, cudaStreamPerThread));
  r["memsetAsync"] = name(cudaMemsetAsync(&zeroed, 0, sizeof zeroed));
  cudaGraphExec_t exec = nullptr;
  r["copiesEnd"] = end(&exec);
  src = 42;  // a copy node holds pointers: the replay copies what src holds then
  r["dstBeforeReplay"] = std::to_string(dst) + "," + std::to_string(zeroed);
  cudaGraphLaunch(exec, nullptr);
  r["dstAfterReplay"] = std::to_string(dst) + "," + std::to_string(zeroed);
  cudaGraphExecDestroy(exec);
}

void refusals(CaptureSelfTestResult& r) {
  r["beginLegacy"] = name(cudaStreamBeginCapture(cudaStreamLegacy, cudaStreamCaptureModeGlobal));
  cudaGetLastError();
  cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal);
  r["beginTwice"] = name(cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal));
  r["beginTwiceEnd"] = end();
  r["endWithoutBegin"] = end();

  cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal);
  idleProbe * Launch("idleProbe", 1, 1, 0, cudaStreamLegacy)();
  r["legacyLaunch"] = lastError();
  r["legacyLaunchEnd"] = end();

  void* p = nullptr;
  cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal);
  r["malloc"] = name(cudaMalloc(&p, 64));
  r["statusAfterMalloc"] = status(cudaStreamPerThread);
  idleProbe * Launch("idleProbe", 1, 1)();
  r["launchAfterInvalidation"] = lastError();
  r["mallocEnd"] = end();

  cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal);
  idleProbe * Launch("idleProbe", 1, 2048)();
  r["invalidConfig"] = lastError();
  r["invalidConfigEnd"] = end();

  cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal);
  r["deviceSync"] = name(cudaDeviceSynchronize());
  r["deviceSyncEnd"] = end();

  cudaStream_t other = nullptr;
  cudaStreamCreate(&other);
  cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal);
  r["otherStreamSync"] = name(cudaStreamSynchronize(other));
  r["ownStreamSync"] = name(cudaStreamSynchronize(nullptr));
  r["streamSyncEnd"] = end();
  cudaStreamDestroy(other);

  cudaEvent_t event = nullptr;
  cudaEventCreate(&event);
  cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal);
  r["eventRecord"] = name(cudaEventRecord(event, cudaStreamPerThread));
  r["eventRecordEnd"] = end();
  r["capturedEventSync"] = name(cudaEventSynchronize(event));
  cudaGetLastError();
  cudaEventDestroy(event);
}

// What another thread may do while this one captures, per mode; and ending a capture from another thread.
void threads(CaptureSelfTestResult& r) {
  const auto onOtherThread = [](auto body) {
    std::thread t(body);
    t.join();
  };
  for (const auto& [mode, label] : {std::pair{cudaStreamCaptureModeGlobal, "Global"},
                                    std::pair{cudaStreamCaptureModeThreadLocal, "ThreadLocal"},
                                    std::pair{cudaStreamCaptureModeRelaxed, "Relaxed"}}) {
    cudaStreamBeginCapture(cudaStreamPerThread, mode);
    onOtherThread([&r, label = std::string(label)] {
      void* p = nullptr;
      r["otherThreadMalloc" + label] = name(cudaMalloc(&p, 64));
      if (p != nullptr) cudaFree(p);
      cudaGetLastError();
    });
    void* q = nullptr;
    r["ownMalloc" + std::string(label)] = name(cudaMalloc(&q, 64));
    r["end" + std::string(label)] = end();
    if (q != nullptr) cudaFree(q);
  }
  cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal);
  onOtherThread([&r] {
    cudaGraph_t g = nullptr;
    r["otherThreadEndsItsStream0"] = name(cudaStreamEndCapture(nullptr, &g));  // its own per-thread stream
    cudaGetLastError();
  });
  r["endOwnStream0"] = end();
  cudaStream_t shared = nullptr;
  cudaStreamCreate(&shared);
  cudaStreamBeginCapture(shared, cudaStreamCaptureModeGlobal);
  onOtherThread([&r, shared] {
    cudaGraph_t g = nullptr;
    r["otherThreadEndsSharedStream"] = name(cudaStreamEndCapture(shared, &g));
    cudaGetLastError();
  });
  r["endSharedStream"] = end(nullptr, shared);
  cudaStreamDestroy(shared);
}

void failedReplay(CaptureSelfTestResult& r) {
  cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal);
  stuckProbe * Launch("stuckProbe", 1, 32)();
  cudaGraphExec_t exec = nullptr;
  end(&exec);
  r["failedReplay"] = name(cudaGraphLaunch(exec, cudaStreamPerThread));
  r["lastErrorAfterFailedReplay"] = lastError();
  cudaGraphExecDestroy(exec);
}

}  // namespace

// Host memory where CUDA wants device memory (device_memory_map.h): a kernel's pointer argument, the device side of a
// copy, a memset. On a GPU these are illegal addresses; the emulator refuses them so a leak fails in CI.
void hostPointers(CaptureSelfTestResult& r) {
  int host = 0;
  addProbe * Launch("addProbe", 1, 1)(&host, 1);
  r["hostPointerLaunch"] = name(cudaGetLastError());
  r["hostPointerLaunchRan"] = std::to_string(host);
  void* device = nullptr;
  cudaMalloc(&device, sizeof host);
  r["hostToDeviceIntoHost"] = name(cudaMemcpy(&host, &host, sizeof host, cudaMemcpyHostToDevice));
  cudaGetLastError();
  r["hostToDeviceFromDevice"] = name(cudaMemcpy(device, device, sizeof host, cudaMemcpyHostToDevice));
  cudaGetLastError();
  r["hostToDeviceProper"] = name(cudaMemcpy(device, &host, sizeof host, cudaMemcpyHostToDevice));
  r["memsetHost"] = name(cudaMemset(&host, 0, sizeof host));
  cudaGetLastError();
  r["freeHost"] = name(cudaFree(&host));
  cudaGetLastError();
  cudaFree(device);
}

CaptureSelfTestResult runCaptureSelfTest() {
  cudaGetLastError();
  CaptureSelfTestResult r;
  recordAndReplay(r);
  asyncCopies(r);
  refusals(r);
  threads(r);
  failedReplay(r);
  hostPointers(r);
  r["lastErrorAtEnd"] = lastError();
  return r;
}

}  // namespace prunerl::cuda_emu
