// A test hook, not an op: runs CapturedGraph (graph.h) over existing device launchers on this backend and reports
// what happened, for test/native/cuda_graph.test.ts (through napi/cuda_graph_test_hook.cpp). Compiled with the
// backend (real and emulated, as every .cu here); plain C++ in its interface, no CUDA header.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace prunerl {

struct GraphTestRequest {
  // "replay": a step (gemm, bias add, residual adds, bias gradient, async copy and memset) captured once and replayed
  //   `replays` times, beside the same step run directly `replays` times (on other buffers, from the same inputs).
  // "frozen": a bias add captured, then its host arguments changed, then replayed.
  // "refused": a capture whose body makes `call` (cudaMalloc, cudaFree, cudaMemcpy, cudaMemset, cudaDeviceSynchronize,
  //   cudaStreamSynchronize, cudaEventSynchronize, hostEntryPoint, throw) after a bias add; then direct work and a
  //   new capture, to show the runtime usable.
  // "reset": a replay after reset(), and one before any capture.
  std::string scenario, call;
  int64_t rows = 0, cols = 0;
  int replays = 0;
  std::vector<float> x, w, b, b2, y;  // x, y [rows, cols]; w [cols, cols]; b, b2 [cols]
};

struct GraphTestResult {
  std::map<std::string, std::vector<float>> arrays;
  std::map<std::string, std::string> messages;  // what capture() or replay() threw, stream states
  bool captured = false;                        // CapturedGraph::captured() after the scenario's capture
};

namespace cuda {
GraphTestResult graphTestHook(const GraphTestRequest& request);
}  // namespace cuda

}  // namespace prunerl
