// Host entry points of the CSR products (cuda_api.h): upload the structure, the row order and the activations,
// run the feature-major kernels of csr_kernels.cu between two transposes, download the result.
//   spmm           Y[batch,rows]  = X·Wᵀ         Yt = W ⋆ Xt
//   spmmInputGrad  dX[batch,cols] = dY·W         dXt = Wᵀ ⋆ dYt  (Wᵀ's CSR: W's column view, values gathered)
//   sddmm          dValues[e]     = Σ_b dY[b,row_e]·X[b,col_e]
//   spmmBackward   both gradients: spmmInputGrad then sddmm (the CPU fuses them to read X once per column; on the
//                  GPU each is its own coalesced kernel)
#include <cuda_runtime.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "cuda/csr_device.h"
#include "cuda/cuda_api.h"
#include "cuda/device_buffer.h"

namespace prunerl::cuda {
namespace {

// Rows by decreasing length; ties by index, so the order (and the result) is deterministic.
std::vector<int32_t> rowOrderOf(const int32_t* rowPtr, int64_t rows) {
  std::vector<int32_t> order(static_cast<size_t>(rows));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return rowPtr[a + 1] - rowPtr[a] > rowPtr[b + 1] - rowPtr[b];
  });
  return order;
}

// A CSR structure on the device, with its row order.
struct UploadedCsr {
  DeviceBuffer<int32_t> rowPtr, colIdx, rowOrder;
  DeviceBuffer<float> values;
  DeviceCsr view;

  UploadedCsr(int64_t rows, int64_t cols, int64_t nnz, const int32_t* ptr, const int32_t* idx, const float* hostValues)
      : rowPtr(ptr, rows + 1), colIdx(idx, nnz) {
    const std::vector<int32_t> order = rowOrderOf(ptr, rows);
    rowOrder = DeviceBuffer<int32_t>(order.data(), rows);
    values = DeviceBuffer<float>(nnz);
    if (hostValues) values.upload(hostValues);
    view.rows = static_cast<int>(rows), view.cols = static_cast<int>(cols), view.nnz = static_cast<int>(nnz);
    view.rowPtr = rowPtr.data(), view.colIdx = colIdx.data(), view.values = values.data();
    view.rowOrder = rowOrder.data();
  }
};

// Row-major [batch, features] on the host -> feature-major on the device.
DeviceBuffer<float> uploadFeatureMajor(const float* host, int64_t batch, int64_t features) {
  DeviceBuffer<float> rowMajor(host, batch * features), featureMajor(batch * features);
  transposeDevice(rowMajor.data(), batch, features, featureMajor.data());
  return featureMajor;
}

void downloadRowMajor(const DeviceBuffer<float>& featureMajor, int64_t features, int64_t batch, float* host) {
  DeviceBuffer<float> rowMajor(batch * features);
  transposeDevice(featureMajor.data(), features, batch, rowMajor.data());
  rowMajor.download(host);
}

}  // namespace

void spmm(const CsrView& W, const float* X, int64_t batch, float* Y) {
  requireDevice();
  if (batch == 0 || W.rows == 0) return;
  const UploadedCsr w(W.rows, W.cols, W.nnz, W.rowPtr, W.colIdx, W.values);
  const DeviceBuffer<float> xt = uploadFeatureMajor(X, batch, W.cols);
  DeviceBuffer<float> yt(W.rows * batch);
  spmmDevice(w.view, xt.data(), static_cast<int>(batch), yt.data());
  downloadRowMajor(yt, W.rows, batch, Y);
}

void spmmInputGrad(const CsrView& W, const float* dY, int64_t batch, float* dX) {
  requireDevice();
  if (batch == 0 || W.cols == 0) return;
  // Wᵀ as CSR [cols, rows]: W's column view (CsrMatrix::view() builds it); its values are W's, gathered on the
  // device through valueOf.
  UploadedCsr wt(W.cols, W.rows, W.nnz, W.colPtr, W.rowIdx, nullptr);
  if (W.nnz > 0) {
    const DeviceBuffer<float> values(W.values, W.nnz);
    const DeviceBuffer<int32_t> valueOf(W.valueOf, W.nnz);
    gatherDevice(values.data(), valueOf.data(), W.nnz, wt.values.data());
  }
  const DeviceBuffer<float> dyt = uploadFeatureMajor(dY, batch, W.rows);
  DeviceBuffer<float> dxt(W.cols * batch);
  spmmDevice(wt.view, dyt.data(), static_cast<int>(batch), dxt.data());
  downloadRowMajor(dxt, W.cols, batch, dX);
}

void sddmm(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dValues) {
  requireDevice();
  if (W.nnz == 0) return;
  const UploadedCsr w(W.rows, W.cols, W.nnz, W.rowPtr, W.colIdx, nullptr);
  DeviceBuffer<float> out(W.nnz);
  if (batch == 0) {
    out.zero();
  } else {
    const DeviceBuffer<float> dyt = uploadFeatureMajor(dY, batch, W.rows);
    const DeviceBuffer<float> xt = uploadFeatureMajor(X, batch, W.cols);
    sddmmDevice(w.view, dyt.data(), xt.data(), static_cast<int>(batch), out.data());
  }
  out.download(dValues);
}

void spmmBackward(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dX, float* dValues) {
  cuda::spmmInputGrad(W, dY, batch, dX);  // qualified: argument-dependent lookup finds prunerl's too
  cuda::sddmm(W, dY, X, batch, dValues);
}

}  // namespace prunerl::cuda
