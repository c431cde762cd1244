// MSE and the (importance-)weighted softmax cross-entropy on the GPU (ops/losses.h; Huber is in train_ops.cu).
//   mseLoss  grad[i] = float(2·d/n) with d in double, as the CPU (bit-identical); the loss summed per block in double
//            and over blocks in order on the host (deterministic; within double rounding of the CPU's sum)
//   softmaxCrossEntropyWeighted  one thread per row (32 rows × 51 atoms for C51), every step in double in the CPU's
//            order; the rows' weighted losses are added in row order on the host, so the mean is the CPU's
//            (on a GPU, exp and log are CUDA's double functions: within an ulp of the CPU's)
#include <cuda_runtime.h>

#include <cmath>
#include <string>
#include <vector>

#include "base/errors.h"
#include "cuda/block_sum.h"
#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/launch_config.h"
#include "cuda/layer_ops_device.h"

namespace prunerl::cuda {
namespace {

__global__ void mseKernel(const float* __restrict__ pred, const float* __restrict__ target, int64_t n, double invN,
                          float* __restrict__ grad, double* __restrict__ blockSums) {
  __shared__ double partial[kElementThreads];
  double sum = 0.0;
  PRUNERL_FOR_EACH_ELEMENT(i, n) {
    const double d = static_cast<double>(pred[i]) - static_cast<double>(target[i]);
    sum += d * d;
    grad[i] = static_cast<float>(2.0 * d * invN);
  }
  const double blockTotal = blockSum<kElementThreads>(sum, partial);
  if (threadIdx.x == 0) blockSums[blockIdx.x] = blockTotal;
}

__global__ void crossEntropyKernel(const float* __restrict__ logits, const float* __restrict__ target,
                                   const float* __restrict__ weights, int64_t rows, int64_t atoms, double invRows,
                                   float* __restrict__ grad, float* __restrict__ perRow,
                                   double* __restrict__ weightedRows) {
  PRUNERL_FOR_EACH_ELEMENT(r, rows) {
    const float* z = logits + r * atoms;
    const float* t = target + r * atoms;
    double maxZ = z[0];
    for (int64_t a = 1; a < atoms; ++a) maxZ = fmax(maxZ, static_cast<double>(z[a]));
    double sumExp = 0.0;
    for (int64_t a = 0; a < atoms; ++a) sumExp += exp(static_cast<double>(z[a]) - maxZ);
    const double logSum = log(sumExp);
    double ce = 0.0;
    for (int64_t a = 0; a < atoms; ++a) ce += static_cast<double>(t[a]) * (logSum - (static_cast<double>(z[a]) - maxZ));
    const double w = weights ? static_cast<double>(weights[r]) : 1.0;
    const double scale = w * invRows;
    for (int64_t a = 0; a < atoms; ++a) {
      const double p = exp(static_cast<double>(z[a]) - maxZ) / sumExp;
      grad[r * atoms + a] = static_cast<float>((p - static_cast<double>(t[a])) * scale);
    }
    if (perRow) perRow[r] = static_cast<float>(ce);
    weightedRows[r] = w * ce;
  }
}

void requireCount(int64_t n, const char* what) {
  if (n < 1)
    throw RangeError(std::string("Expected at least one element in ") + what + " but received " + std::to_string(n));
}

}  // namespace

int64_t mseBlocks(int64_t n) { return elementBlocks(n); }

void mseLossDevice(const float* pred, const float* target, int64_t n, float* grad, double* partials) {
  mseKernel<<<elementBlocks(n), kElementThreads>>>(pred, target, n, 1.0 / static_cast<double>(n), grad, partials);
  checkLaunch("mseKernel");
}

void softmaxCrossEntropyWeightedDevice(const float* logits, const float* target, const float* weights, int64_t rows,
                                       int64_t atoms, float* grad, float* perRow, double* weightedRows) {
  crossEntropyKernel<<<elementBlocks(rows), kElementThreads>>>(logits, target, weights, rows, atoms,
                                                               1.0 / static_cast<double>(rows), grad, perRow,
                                                               weightedRows);
  checkLaunch("crossEntropyKernel");
}

double mseLoss(const float* pred, const float* target, int64_t n, float* grad) {
  requireCount(n, "pred");
  requireDevice();
  const DeviceBuffer<float> p(pred, n), t(target, n);
  DeviceBuffer<float> g(n);
  const int64_t blocks = mseBlocks(n);
  DeviceBuffer<double> sums(blocks);
  mseLossDevice(p.data(), t.data(), n, g.data(), sums.data());
  g.download(grad);
  std::vector<double> host(blocks);
  sums.download(host.data());
  double sum = 0.0;
  for (double s : host) sum += s;
  return sum / static_cast<double>(n);
}

double softmaxCrossEntropyWeighted(const float* logits, const float* target, const float* weights, int64_t rows,
                                   int64_t atoms, float* grad, float* perRow) {
  requireCount(rows, "rows");
  requireCount(atoms, "atoms");
  requireDevice();
  const DeviceBuffer<float> z(logits, rows * atoms), t(target, rows * atoms);
  const DeviceBuffer<float> w = weights ? DeviceBuffer<float>(weights, rows) : DeviceBuffer<float>();
  DeviceBuffer<float> g(rows * atoms), pr(perRow ? rows : 0);
  DeviceBuffer<double> weighted(rows);
  softmaxCrossEntropyWeightedDevice(z.data(), t.data(), weights ? w.data() : nullptr, rows, atoms, g.data(),
                                    perRow ? pr.data() : nullptr, weighted.data());
  g.download(grad);
  if (perRow) pr.download(perRow);
  std::vector<double> host(rows);
  weighted.download(host.data());
  double total = 0.0;
  for (double v : host) total += v;
  return total * (1.0 / static_cast<double>(rows));
}

}  // namespace prunerl::cuda
