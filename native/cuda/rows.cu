// Row reductions over Q-values [rows, cols] on the GPU (ops/rows.h): one thread per row (a batch is 32 rows of a
// few actions). The rule is the CPU's: the first maximum, and a NaN beats every number (the first NaN is reported),
// so a diverged network stays visible. Bit-identical to the CPU.
#include <cuda_runtime.h>

#include <string>

#include "base/errors.h"
#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/launch_config.h"
#include "cuda/layer_ops_device.h"

namespace prunerl::cuda {
namespace {

__device__ int64_t firstMax(const float* row, int64_t cols) {
  if (row[0] != row[0]) return 0;
  int64_t best = 0;
  for (int64_t c = 1; c < cols; ++c) {
    if (row[c] != row[c]) return c;
    if (row[c] > row[best]) best = c;
  }
  return best;
}

__global__ void argmaxRowsKernel(const float* __restrict__ q, int64_t rows, int64_t cols, int32_t* __restrict__ out) {
  PRUNERL_FOR_EACH_ELEMENT(r, rows) { out[r] = static_cast<int32_t>(firstMax(q + r * cols, cols)); }
}

__global__ void maxRowsKernel(const float* __restrict__ q, int64_t rows, int64_t cols, float* __restrict__ out) {
  PRUNERL_FOR_EACH_ELEMENT(r, rows) { out[r] = q[r * cols + firstMax(q + r * cols, cols)]; }
}

__global__ void gatherRowsKernel(const float* __restrict__ q, const int32_t* __restrict__ index, int64_t rows,
                                 int64_t cols, float* __restrict__ out) {
  PRUNERL_FOR_EACH_ELEMENT(r, rows) { out[r] = q[r * cols + index[r]]; }
}

void requireColumns(int64_t cols) {
  if (cols < 1) throw RangeError("Expected at least one column for cols but received " + std::to_string(cols));
}

}  // namespace

void argmaxRowsDevice(const float* q, int64_t rows, int64_t cols, int32_t* out) {
  if (rows == 0) return;
  argmaxRowsKernel<<<elementBlocks(rows), kElementThreads>>>(q, rows, cols, out);
  checkLaunch("argmaxRowsKernel");
}

void maxRowsDevice(const float* q, int64_t rows, int64_t cols, float* out) {
  if (rows == 0) return;
  maxRowsKernel<<<elementBlocks(rows), kElementThreads>>>(q, rows, cols, out);
  checkLaunch("maxRowsKernel");
}

void gatherRowsDevice(const float* q, const int32_t* index, int64_t rows, int64_t cols, float* out) {
  if (rows == 0) return;
  gatherRowsKernel<<<elementBlocks(rows), kElementThreads>>>(q, index, rows, cols, out);
  checkLaunch("gatherRowsKernel");
}

void argmaxRows(const float* q, int64_t rows, int64_t cols, int32_t* out) {
  requireColumns(cols);
  requireDevice();
  if (rows == 0) return;
  const DeviceBuffer<float> dq(q, rows * cols);
  DeviceBuffer<int32_t> dout(rows);
  argmaxRowsDevice(dq.data(), rows, cols, dout.data());
  dout.download(out);
}

void maxRows(const float* q, int64_t rows, int64_t cols, float* out) {
  requireColumns(cols);
  requireDevice();
  if (rows == 0) return;
  const DeviceBuffer<float> dq(q, rows * cols);
  DeviceBuffer<float> dout(rows);
  maxRowsDevice(dq.data(), rows, cols, dout.data());
  dout.download(out);
}

void gatherRows(const float* q, const int32_t* index, int64_t rows, int64_t cols, float* out) {
  // Indices are checked on the host, with the CPU's message, before anything reaches the device.
  for (int64_t r = 0; r < rows; ++r) {
    if (index[r] < 0 || index[r] >= cols)
      throw RangeError("Expected an integer in [0, " + std::to_string(cols) + ") for index[" + std::to_string(r) +
                       "] (the column to take from row " + std::to_string(r) + ") but received " +
                       std::to_string(index[r]));
  }
  requireDevice();
  if (rows == 0) return;
  const DeviceBuffer<float> dq(q, rows * cols);
  const DeviceBuffer<int32_t> di(index, rows);
  DeviceBuffer<float> dout(rows);
  gatherRowsDevice(dq.data(), di.data(), rows, cols, dout.data());
  dout.download(out);
}

}  // namespace prunerl::cuda
