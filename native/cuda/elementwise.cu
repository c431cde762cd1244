// Bias and residual ops on the GPU (ops/elementwise.h; ReLU is in train_ops.cu).
//   biasAdd     y[r, c] += bias[c]                       one thread per element, bit-identical
//   addInPlace  y[i] += x[i]                             one thread per element, bit-identical
//   biasGrad    db[c] = Σ_r dy[r, c]                     a block per 32 columns: 8 row groups each sum every 8th row
//                                                        in double, then the 8 partials are added in order
#include <cuda_runtime.h>

#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/launch_config.h"
#include "cuda/layer_ops_device.h"

namespace prunerl::cuda {
namespace {

constexpr int kColumns = 32, kRowGroups = 8;

__global__ void biasAddKernel(float* __restrict__ y, const float* __restrict__ bias, int64_t cols, int64_t n) {
  PRUNERL_FOR_EACH_ELEMENT(i, n) { y[i] = __fadd_rn(y[i], bias[i % cols]); }
}

__global__ void addKernel(float* __restrict__ y, const float* __restrict__ x, int64_t n) {
  PRUNERL_FOR_EACH_ELEMENT(i, n) { y[i] = __fadd_rn(y[i], x[i]); }
}

// Block (32, 8): threadIdx.x a column of the block's 32, threadIdx.y a row group. Deterministic: the order of every
// addition is fixed by the shape alone.
__global__ void biasGradKernel(const float* __restrict__ dy, int64_t rows, int64_t cols, float* __restrict__ db) {
  __shared__ double partial[kRowGroups][kColumns];
  const int64_t c = blockIdx.x * int64_t{kColumns} + threadIdx.x;
  double sum = 0.0;
  if (c < cols)
    for (int64_t r = threadIdx.y; r < rows; r += kRowGroups) sum += static_cast<double>(dy[r * cols + c]);
  partial[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y == 0 && c < cols) {
    double total = 0.0;
    for (int g = 0; g < kRowGroups; ++g) total += partial[g][threadIdx.x];
    db[c] = static_cast<float>(total);
  }
}

}  // namespace

void biasAddDevice(float* y, const float* bias, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  if (n == 0) return;
  biasAddKernel<<<elementBlocks(n), kElementThreads>>>(y, bias, cols, n);
  checkLaunch("biasAddKernel");
}

void addInPlaceDevice(float* y, const float* x, int64_t n) {
  if (n == 0) return;
  addKernel<<<elementBlocks(n), kElementThreads>>>(y, x, n);
  checkLaunch("addKernel");
}

void biasGradDevice(const float* dy, int64_t rows, int64_t cols, float* db) {
  if (cols == 0) return;
  const dim3 block(kColumns, kRowGroups);
  biasGradKernel<<<static_cast<unsigned>((cols + kColumns - 1) / kColumns), block>>>(dy, rows, cols, db);
  checkLaunch("biasGradKernel");
}

void biasAdd(float* y, const float* bias, int64_t rows, int64_t cols) {
  requireDevice();
  if (rows * cols == 0) return;
  DeviceBuffer<float> dy(y, rows * cols);
  const DeviceBuffer<float> db(bias, cols);
  biasAddDevice(dy.data(), db.data(), rows, cols);
  dy.download(y);
}

void biasGrad(const float* dy, int64_t rows, int64_t cols, float* db) {
  requireDevice();
  if (cols == 0) return;
  const DeviceBuffer<float> ddy(dy, rows * cols);
  DeviceBuffer<float> ddb(cols);
  biasGradDevice(ddy.data(), rows, cols, ddb.data());
  ddb.download(db);
}

void addInPlace(float* y, const float* x, int64_t n) {
  requireDevice();
  if (n == 0) return;
  DeviceBuffer<float> dy(y, n);
  const DeviceBuffer<float> dx(x, n);
  addInPlaceDevice(dy.data(), dx.data(), n);
  dy.download(y);
}

}  // namespace prunerl::cuda
