// The device-resident CUDA table (ops/device_ops.h) a Network and a Learner run on: its memory is GPU memory, and its
// entries take device pointers and launch the *_device.h kernels directly, with no copy to or from the host. (The
// copying table of device_ops.cu, host pointers in and out, is what kernels.* and the bindings' cuda.* use.)
// Compiled by nvcc into prunerl::cuda and, by the emulator build, into prunerl::cuda_emulated.
#include <cuda_runtime.h>

#include <atomic>
#include <memory>

#include "cuda/csr_device.h"
#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/gemm_device.h"
#include "cuda/graph.h"
#include "cuda/layer_ops_device.h"
#include "cuda/prune_device.h"
#include "cuda/resident_ops.h"
#include "cuda/train_ops_device.h"
#include "cuda/value_head_device.h"
#include "ops/device_ops.h"

namespace prunerl::cuda {
namespace {

// ---- memory ------------------------------------------------------------------------------------------------------

// Bumped by every allocation and free (the scratch's too): a captured graph holds pointers valid only until then.
std::atomic<uint64_t> memoryEpochCounter{0};

void* allocateDevice(int64_t bytes) {
  if (bytes <= 0) return nullptr;
  void* p = nullptr;
  checkCuda(cudaMalloc(&p, static_cast<size_t>(bytes)), "cudaMalloc");
  ++memoryEpochCounter;
  const cudaError_t zeroed = cudaMemsetAsync(p, 0, static_cast<size_t>(bytes), cudaStreamPerThread);
  if (zeroed != cudaSuccess) cudaFree(p);
  checkCuda(zeroed, "cudaMemsetAsync");
  return p;
}
void releaseDevice(void* p) {
  if (!p) return;
  ++memoryEpochCounter;
  cudaFree(p);  // never throws: a failing free after a sticky error was reported by the call that failed
}
void uploadBytes(void* device, const void* host, int64_t bytes) {
  if (bytes > 0) checkCuda(cudaMemcpy(device, host, static_cast<size_t>(bytes), cudaMemcpyHostToDevice), "cudaMemcpy (to device)");
}
void downloadBytes(void* host, const void* device, int64_t bytes) {
  if (bytes > 0) checkCuda(cudaMemcpy(host, device, static_cast<size_t>(bytes), cudaMemcpyDeviceToHost), "cudaMemcpy (to host)");
}
// Within the device: asynchronous on this thread's stream, in order with the kernels, and so capturable.
void copyBytes(void* dst, const void* src, int64_t bytes) {
  if (bytes > 0 && dst != src)
    checkCuda(cudaMemcpyAsync(dst, src, static_cast<size_t>(bytes), cudaMemcpyDeviceToDevice, cudaStreamPerThread),
              "cudaMemcpyAsync (on device)");
}
void zeroBytes(void* p, int64_t bytes) {
  if (bytes > 0) checkCuda(cudaMemsetAsync(p, 0, static_cast<size_t>(bytes), cudaStreamPerThread), "cudaMemsetAsync");
}

// ---- graphs --------------------------------------------------------------------------------------------------------

void* captureGraph(void (*body)(void*), void* context) {
  auto graph = std::make_unique<CapturedGraph>();
  graph->capture([&] { body(context); });
  return graph.release();
}
void replayGraph(void* graph) { static_cast<CapturedGraph*>(graph)->replay(); }
void releaseGraph(void* graph) { delete static_cast<CapturedGraph*>(graph); }
uint64_t memoryEpoch() { return memoryEpochCounter.load(); }

// ---- the CSR products on feature-major scratch ------------------------------------------------------------------

// The sparse kernels read feature-major activations (csr_device.h). Their transposes live in per-thread scratch that
// only grows: one op's scratch is free again when the next op starts (the ops of a thread run in order on its
// stream), so after the first update nothing is allocated.
float* scratch(int slot, int64_t count) {
  thread_local DeviceBuffer<float> buffers[3];
  if (buffers[slot].size() < count) {
    buffers[slot] = DeviceBuffer<float>(count);
    ++memoryEpochCounter;
  }
  return buffers[slot].data();
}

DeviceCsr rowView(const CsrView& W) {
  DeviceCsr d;
  d.rows = static_cast<int>(W.rows), d.cols = static_cast<int>(W.cols), d.nnz = static_cast<int>(W.nnz);
  d.rowPtr = W.rowPtr, d.colIdx = W.colIdx, d.values = W.values, d.rowOrder = W.rowOrder;
  return d;
}

void spmmResident(const CsrView& W, const float* X, int64_t batch, float* Y) {
  if (batch == 0 || W.rows == 0) return;
  float* xt = scratch(0, W.cols * batch);
  float* yt = scratch(1, W.rows * batch);
  transposeDevice(X, batch, W.cols, xt);
  spmmDevice(rowView(W), xt, static_cast<int>(batch), yt);
  transposeDevice(yt, W.rows, batch, Y);
}

// dY [batch, rows] transposed to feature-major into scratch slot 0, the operand both gradients read.
float* transposedGradient(const CsrView& W, const float* dY, int64_t batch) {
  float* dyt = scratch(0, W.rows * batch);
  transposeDevice(dY, batch, W.rows, dyt);
  return dyt;
}

// dX = dY·W as the SpMM of Wᵀ's CSR: W's column view, with W's values gathered into its order (scratch slots 1, 2).
void inputGradFromTransposed(const CsrView& W, const float* dyt, int64_t batch, float* dX) {
  float* dxt = scratch(1, W.cols * batch);
  float* valuesT = scratch(2, W.nnz);
  if (W.nnz > 0) gatherDevice(W.values, W.valueOf, W.nnz, valuesT);
  DeviceCsr t;
  t.rows = static_cast<int>(W.cols), t.cols = static_cast<int>(W.rows), t.nnz = static_cast<int>(W.nnz);
  t.rowPtr = W.colPtr, t.colIdx = W.rowIdx, t.values = valuesT, t.rowOrder = W.colOrder;
  spmmDevice(t, dyt, static_cast<int>(batch), dxt);
  transposeDevice(dxt, W.cols, batch, dX);
}

// dValues at W's stored positions (SDDMM), X transposed into scratch slot 1.
void sddmmFromTransposed(const CsrView& W, const float* dyt, const float* X, int64_t batch, float* dValues) {
  float* xt = scratch(1, W.cols * batch);
  transposeDevice(X, batch, W.cols, xt);
  sddmmDevice(rowView(W), dyt, xt, static_cast<int>(batch), dValues);
}

void spmmInputGradResident(const CsrView& W, const float* dY, int64_t batch, float* dX) {
  if (batch == 0 || W.cols == 0) return;
  inputGradFromTransposed(W, transposedGradient(W, dY, batch), batch, dX);
}

void sddmmResident(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dValues) {
  if (W.nnz == 0) return;
  if (batch == 0) {
    zeroBytes(dValues, W.nnz * static_cast<int64_t>(sizeof(float)));
    return;
  }
  sddmmFromTransposed(W, transposedGradient(W, dY, batch), X, batch, dValues);
}

// Both gradients from one transpose of dY (the two products above would each make their own).
void spmmBackwardResident(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dX,
                          float* dValues) {
  if (batch == 0 || W.nnz == 0) {
    spmmInputGradResident(W, dY, batch, dX);
    sddmmResident(W, dY, X, batch, dValues);
    return;
  }
  const float* dyt = transposedGradient(W, dY, batch);
  inputGradFromTransposed(W, dyt, batch, dX);
  sddmmFromTransposed(W, dyt, X, batch, dValues);
}

float kthSmallestAbsResident(const float* values, int64_t n, int64_t k) { return kthSmallestAbsDevice(values, n, k); }

}  // namespace

const DeviceMemory& deviceMemory() {
  static const DeviceMemory memory{false, allocateDevice, releaseDevice, uploadBytes, downloadBytes, copyBytes,
                                   zeroBytes};
  return memory;
}

const DeviceGraphs& deviceGraphs() {
  static const DeviceGraphs graphs{captureGraph, replayGraph, releaseGraph, memoryEpoch};
  return graphs;
}

const DeviceOps& residentOps() {
  // The entries a Network and a Learner call. Null: the losses of losses.h (the learner's tdLoss / c51Loss reduce on
  // the device instead), linearForward (a Network multiplies through gemm), IQN's ops (IQN stays on the CPU).
  static const DeviceOps ops = [] {
    DeviceOps o{};
    o.device = kDeviceName;
    o.memory = &deviceMemory();
    o.graphs = &deviceGraphs();
    o.gemm = gemmDevice;
    o.spmm = spmmResident;
    o.spmmInputGrad = spmmInputGradResident;
    o.sddmm = sddmmResident;
    o.spmmBackward = spmmBackwardResident;
    o.im2col = im2colDevice;
    o.col2im = col2imDevice;
    o.maxPool2dForward = maxPool2dForwardDevice;
    o.maxPool2dBackward = maxPool2dBackwardDevice;
    o.reluForward = reluForwardDevice;
    o.reluBackward = reluBackwardDevice;
    o.biasAdd = biasAddDevice;
    o.biasGrad = biasGradDevice;
    o.addInPlace = addInPlaceDevice;
    o.argmaxRows = argmaxRowsDevice;
    o.maxRows = maxRowsDevice;
    o.gatherRows = gatherRowsDevice;
    o.adamStep = adamStepDevice;
    o.rmspropStep = rmspropStepDevice;
    o.magnitudePrune = magnitudePruneDevice;
    o.kthSmallestAbs = kthSmallestAbsResident;
    o.sgdStep = sgdStepDevice;
    o.applyMask = applyMaskDevice;
    o.duelingQ = duelingQDevice;
    o.duelingQBackward = duelingQBackwardDevice;
    o.duelingLogits = duelingLogitsDevice;
    o.duelingLogitsBackward = duelingLogitsBackwardDevice;
    o.c51Probabilities = c51ProbabilitiesDevice;
    o.c51Expectation = c51ExpectationDevice;
    o.tdTarget = tdTargetDevice;
    o.c51Project = c51ProjectDevice;
    o.tdLoss = tdLossDevice;
    o.c51Loss = c51LossDevice;
    return o;
  }();
  return ops;
}

}  // namespace prunerl::cuda
