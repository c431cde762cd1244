// A CUDA graph captured once from a sequence of device launches and replayed as one launch (issue 12: "a whole update
// is one CUDA graph replay"). capture(body) runs body with cudaStreamPerThread capturing in global mode: every launch
// and async copy body makes on that stream (every `k<<<g, b>>>` here: the build's --default-stream=per-thread) is
// recorded, with its arguments as they are during the capture, not run. replay() runs the recorded work again, in
// order, on the same stream. So body must be capturable: device pointers that stay valid for the graph's life, no
// allocation, no synchronous copy or sync, no host work that a replay would need (it is not recorded). Run body once
// directly before capturing it: state made lazily on first use (the cuBLAS handle, cublas_loader.cu) must not be
// made during a capture. A call CUDA refuses during a capture throws prunerl::CudaError, from capture(), and leaves
// the stream usable; the emulator (native/cuda_emu) refuses the same calls, so a launcher that cannot be captured
// fails in CI without a GPU.
#pragma once
#include <cuda_runtime.h>

#include <utility>

#include "cuda/cuda_check.h"

namespace prunerl::cuda {

class CapturedGraph {
 public:
  CapturedGraph() = default;
  ~CapturedGraph() { reset(); }
  CapturedGraph(CapturedGraph&& o) noexcept : exec_(std::exchange(o.exec_, nullptr)) {}
  CapturedGraph& operator=(CapturedGraph&& o) noexcept {
    std::swap(exec_, o.exec_);
    return *this;
  }
  CapturedGraph(const CapturedGraph&) = delete;
  CapturedGraph& operator=(const CapturedGraph&) = delete;

  // Replaces what was captured before. If body throws, or a call in it is refused, the capture is ended and
  // discarded, nothing stays captured, and the exception (CudaError naming the refused call) propagates.
  template <class F>
  void capture(F&& body) {
    reset();
    checkCuda(cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal), "cudaStreamBeginCapture");
    try {
      std::forward<F>(body)();
    } catch (...) {
      abandonCapture();
      throw;
    }
    cudaGraph_t graph = nullptr;
    const cudaError_t ended = cudaStreamEndCapture(cudaStreamPerThread, &graph);
    if (ended != cudaSuccess) {
      cudaGetLastError();  // reported here; no stale error for the next launch check
      checkCuda(ended, "cudaStreamEndCapture (a call in the captured work cannot be part of a CUDA graph)");
    }
    const cudaError_t instantiated = cudaGraphInstantiate(&exec_, graph, 0);
    cudaGraphDestroy(graph);  // the exec keeps what it needs
    if (instantiated != cudaSuccess) {
      exec_ = nullptr;
      cudaGetLastError();
      checkCuda(instantiated, "cudaGraphInstantiate");
    }
  }

  // Launches the captured work on cudaStreamPerThread (asynchronous on a GPU, as a kernel launch is).
  void replay() {
    if (exec_ == nullptr) throw CudaError("CapturedGraph::replay: nothing is captured (never captured, or reset)");
    checkCuda(cudaGraphLaunch(exec_, cudaStreamPerThread), "cudaGraphLaunch");
  }

  bool captured() const { return exec_ != nullptr; }

  // Frees the graph; a replay already launched still completes (CUDA defers the release). Never throws.
  void reset() noexcept {
    if (exec_ != nullptr) cudaGraphExecDestroy(exec_);
    exec_ = nullptr;
  }

 private:
  // Ends a capture that failed part-way, so the stream records nothing more and takes work again.
  static void abandonCapture() noexcept {
    cudaGraph_t graph = nullptr;
    if (cudaStreamEndCapture(cudaStreamPerThread, &graph) == cudaSuccess && graph != nullptr) cudaGraphDestroy(graph);
    cudaGetLastError();  // the failure being thrown already says what went wrong
  }

  cudaGraphExec_t exec_ = nullptr;
};

}  // namespace prunerl::cuda
