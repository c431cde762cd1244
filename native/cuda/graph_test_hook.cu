// The CapturedGraph test hook (graph_test_hook.h). Each scenario builds its device buffers before capturing (a
// capture may not allocate) and reads them back after it (nor copy synchronously).
#include <cuda_runtime.h>

#include <exception>
#include <stdexcept>
#include <utility>

#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/gemm_device.h"
#include "cuda/graph.h"
#include "cuda/graph_test_hook.h"
#include "cuda/layer_ops_device.h"

namespace prunerl::cuda {
namespace {

std::vector<float> read(const DeviceBuffer<float>& d) {
  std::vector<float> host(static_cast<size_t>(d.size()));
  d.download(host.data());
  return host;
}

std::string streamState() {
  cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
  const cudaError_t e = cudaStreamIsCapturing(cudaStreamPerThread, &status);
  if (e != cudaSuccess) return cudaGetErrorName(e);
  if (status == cudaStreamCaptureStatusNone) return "none";
  return status == cudaStreamCaptureStatusActive ? "active" : "invalidated";
}

// The buffers of one "replay" run, uploaded from the request.
struct StepBuffers {
  DeviceBuffer<float> x, w, b, y, h, db, dbCopy;
  explicit StepBuffers(const GraphTestRequest& q)
      : x(q.x.data(), q.rows * q.cols), w(q.w.data(), q.cols * q.cols), b(q.b.data(), q.cols),
        y(q.y.data(), q.rows * q.cols), h(q.rows * q.cols), db(q.cols), dbCopy(q.cols) {}

  // h = x·wᵀ + b; y += h; db = Σ_rows y; x += y; dbCopy = db; h = 0. Each step feeds the next through x and y.
  void step(int64_t rows, int64_t cols) {
    GemmArgs g;
    g.transB = true;
    g.M = rows, g.N = cols, g.K = cols;
    g.A = x.data(), g.lda = cols, g.B = w.data(), g.ldb = cols, g.C = h.data(), g.ldc = cols;
    gemmDevice(g);
    biasAddDevice(h.data(), b.data(), rows, cols);
    addInPlaceDevice(y.data(), h.data(), rows * cols);
    biasGradDevice(y.data(), rows, cols, db.data());
    addInPlaceDevice(x.data(), y.data(), rows * cols);
    checkCuda(cudaMemcpyAsync(dbCopy.data(), db.data(), db.bytes(), cudaMemcpyDeviceToDevice, cudaStreamPerThread),
              "cudaMemcpyAsync");
    checkCuda(cudaMemsetAsync(h.data(), 0, h.bytes(), cudaStreamPerThread), "cudaMemsetAsync");
  }

  void report(GraphTestResult& r, const std::string& prefix) const {
    r.arrays[prefix + "X"] = read(x), r.arrays[prefix + "Y"] = read(y), r.arrays[prefix + "H"] = read(h);
    r.arrays[prefix + "Db"] = read(db), r.arrays[prefix + "DbCopy"] = read(dbCopy);
  }
};

void replayScenario(const GraphTestRequest& q, GraphTestResult& r) {
  StepBuffers direct(q);  // first: also the warm-up that creates any lazily made library state (cuBLAS's handle)
  for (int i = 0; i < q.replays; ++i) direct.step(q.rows, q.cols);
  direct.report(r, "direct");

  StepBuffers graphed(q);
  CapturedGraph graph;
  graph.capture([&] { graphed.step(q.rows, q.cols); });
  r.captured = graph.captured();
  r.messages["afterCapture"] = streamState();
  r.arrays["afterCaptureY"] = read(graphed.y);  // recorded, not run
  for (int i = 0; i < q.replays; ++i) graph.replay();
  graphed.report(r, "replayed");
}

void frozenScenario(const GraphTestRequest& q, GraphTestResult& r) {
  DeviceBuffer<float> y(q.y.data(), q.rows * q.cols), b(q.b.data(), q.cols), b2(q.b2.data(), q.cols);
  int64_t rows = q.rows, cols = q.cols;
  const float* bias = b.data();
  CapturedGraph graph;
  graph.capture([&] { biasAddDevice(y.data(), bias, rows, cols); });
  r.captured = graph.captured();
  bias = b2.data(), rows = 1, cols = 1;  // after the capture: the replay keeps the values it was captured with
  graph.replay();
  r.arrays["y"] = read(y);
}

void refusedCall(const std::string& call, const GraphTestRequest& q, DeviceBuffer<float>& y, DeviceBuffer<float>& spare,
                 cudaEvent_t event) {
  std::vector<float> host(static_cast<size_t>(y.size()));
  if (call == "cudaMalloc") DeviceBuffer<float> scratch(y.size());
  else if (call == "cudaFree") DeviceBuffer<float> dropped = std::move(spare);  // its destructor ignores the refusal
  else if (call == "cudaMemcpy") y.download(host.data());
  else if (call == "cudaMemset") y.zero();
  else if (call == "cudaDeviceSynchronize") checkCuda(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  else if (call == "cudaStreamSynchronize")
    checkCuda(cudaStreamSynchronize(cudaStreamPerThread), "cudaStreamSynchronize");
  else if (call == "cudaEventSynchronize") checkCuda(cudaEventSynchronize(event), "cudaEventSynchronize");
  else if (call == "hostEntryPoint") biasAdd(host.data(), q.b.data(), q.rows, q.cols);  // copies in and out
  else if (call == "throw") throw std::runtime_error("thrown by the captured body");
  else throw std::invalid_argument("graphTestHook: unknown call " + call);
}

void refusedScenario(const GraphTestRequest& q, GraphTestResult& r) {
  DeviceBuffer<float> y(q.y.data(), q.rows * q.cols), b(q.b.data(), q.cols), spare(16);
  cudaEvent_t event = nullptr;
  checkCuda(cudaEventCreate(&event), "cudaEventCreate");
  checkCuda(cudaEventRecord(event, cudaStreamPerThread), "cudaEventRecord");
  CapturedGraph graph;
  try {
    graph.capture([&] {
      biasAddDevice(y.data(), b.data(), q.rows, q.cols);
      refusedCall(q.call, q, y, spare, event);
    });
  } catch (const std::exception& e) {
    r.messages["error"] = e.what();
  }
  cudaEventDestroy(event);
  r.captured = graph.captured();
  r.messages["afterFailure"] = streamState();
  r.messages["lastError"] = cudaGetErrorName(cudaGetLastError());
  // Usable: a direct launch runs, and a new capture records and replays.
  biasAddDevice(y.data(), b.data(), q.rows, q.cols);
  checkLaunch("biasAddKernel");
  r.arrays["afterDirect"] = read(y);
  graph.capture([&] { biasAddDevice(y.data(), b.data(), q.rows, q.cols); });
  graph.replay();
  r.arrays["afterRecapture"] = read(y);
}

void resetScenario(const GraphTestRequest& q, GraphTestResult& r) {
  DeviceBuffer<float> y(q.y.data(), q.rows * q.cols), b(q.b.data(), q.cols);
  CapturedGraph graph;
  try {
    graph.replay();
  } catch (const std::exception& e) {
    r.messages["beforeCapture"] = e.what();
  }
  graph.capture([&] { biasAddDevice(y.data(), b.data(), q.rows, q.cols); });
  graph.reset();
  r.captured = graph.captured();
  try {
    graph.replay();
  } catch (const std::exception& e) {
    r.messages["afterReset"] = e.what();
  }
  r.arrays["y"] = read(y);  // never ran
}

}  // namespace

GraphTestResult graphTestHook(const GraphTestRequest& q) {
  requireDevice();
  const int64_t n = q.rows * q.cols;
  if (q.rows < 1 || q.cols < 1 || static_cast<int64_t>(q.y.size()) != n || static_cast<int64_t>(q.b.size()) != q.cols)
    throw std::invalid_argument("graphTestHook: y must hold rows·cols values and b cols");
  GraphTestResult r;
  if (q.scenario == "replay") {
    if (static_cast<int64_t>(q.x.size()) != n || static_cast<int64_t>(q.w.size()) != q.cols * q.cols)
      throw std::invalid_argument("graphTestHook: x must hold rows·cols values and w cols·cols");
    replayScenario(q, r);
  } else if (q.scenario == "frozen") {
    if (static_cast<int64_t>(q.b2.size()) != q.cols) throw std::invalid_argument("graphTestHook: b2 must hold cols");
    frozenScenario(q, r);
  } else if (q.scenario == "refused") {
    refusedScenario(q, r);
  } else if (q.scenario == "reset") {
    resetScenario(q, r);
  } else {
    throw std::invalid_argument("graphTestHook: unknown scenario " + q.scenario);
  }
  return r;
}

}  // namespace prunerl::cuda
