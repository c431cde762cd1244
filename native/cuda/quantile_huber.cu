// IQN's quantile Huber loss on the GPU (ops/quantile_huber.h), bit-identical to the CPU and to the TypeScript loop:
// every step in double with explicit __dadd_rn/__dmul_rn/__dsub_rn/__ddiv_rn (nvcc would otherwise fuse a·b + c into
// an FMA, which rounds once instead of twice), in the reference's order.
//   rows     one thread per (b, i): the sums over j of ρ and of the clamped u, in j order; writes grad[b, i]
//   samples  one thread per b: perSample[b] = Σ_i rowLoss / (N'·κ) in i order
//   the batch loss Σ_b w_b·perSample_b / B is added on the host in b order (the reference's)
#include <cuda_runtime.h>

#include <cmath>
#include <vector>

#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/launch_config.h"

namespace prunerl::cuda {
namespace {

__global__ void quantileHuberRowsKernel(const float* __restrict__ pred, const float* __restrict__ taus,
                                        const float* __restrict__ target, const float* __restrict__ weights, int64_t B,
                                        int64_t N, int64_t M, double kappa, float* __restrict__ grad,
                                        double* __restrict__ rowLosses) {
  PRUNERL_FOR_EACH_ELEMENT(row, B * N) {
    const int64_t b = row / N;
    const double w = weights ? static_cast<double>(weights[b]) : 1.0;
    const double gradScale = __ddiv_rn(-w, __dmul_rn(__dmul_rn(static_cast<double>(B), static_cast<double>(M)), kappa));
    const double theta = pred[row], tau = taus[row];
    double rowLoss = 0, rowGrad = 0;
    for (int64_t j = 0; j < M; ++j) {
      const double u = __dsub_rn(static_cast<double>(target[b * M + j]), theta);
      const double abs = fabs(u);
      const double weight = fabs(__dsub_rn(tau, u < 0 ? 1.0 : 0.0));
      const double huber = abs <= kappa ? __dmul_rn(__dmul_rn(0.5, u), u)
                                        : __dmul_rn(kappa, __dsub_rn(abs, __dmul_rn(0.5, kappa)));
      rowLoss = __dadd_rn(rowLoss, __dmul_rn(weight, huber));
      rowGrad = __dadd_rn(rowGrad, __dmul_rn(weight, u < -kappa ? -kappa : (u > kappa ? kappa : u)));
    }
    grad[row] = static_cast<float>(__dmul_rn(gradScale, rowGrad));
    rowLosses[row] = rowLoss;
  }
}

__global__ void quantileHuberSamplesKernel(const double* __restrict__ rowLosses, int64_t B, int64_t N, int64_t M,
                                           double kappa, float* __restrict__ perSample, double* __restrict__ samples) {
  PRUNERL_FOR_EACH_ELEMENT(b, B) {
    const double perQuantile = __dmul_rn(static_cast<double>(M), kappa);
    double sample = 0;
    for (int64_t i = 0; i < N; ++i) sample = __dadd_rn(sample, __ddiv_rn(rowLosses[b * N + i], perQuantile));
    perSample[b] = static_cast<float>(sample);
    samples[b] = sample;
  }
}

}  // namespace

double quantileHuberLoss(const float* pred, const float* taus, const float* target, const float* weights,
                         const QuantileHuberShape& s, double kappa, float* grad, float* perSample) {
  requireDevice();
  const int64_t B = s.batch, N = s.quantiles, M = s.targetQuantiles;
  if (B * N == 0) return 0.0;
  const DeviceBuffer<float> dp(pred, B * N), dt(taus, B * N), dy(target, B * M);
  const DeviceBuffer<float> dw = weights ? DeviceBuffer<float>(weights, B) : DeviceBuffer<float>();
  DeviceBuffer<float> dg(B * N), dps(B);
  DeviceBuffer<double> rows(B * N), samples(B);
  quantileHuberRowsKernel<<<elementBlocks(B * N), kElementThreads>>>(dp.data(), dt.data(), dy.data(),
                                                                       weights ? dw.data() : nullptr, B, N, M, kappa,
                                                                       dg.data(), rows.data());
  checkLaunch("quantileHuberRowsKernel");
  quantileHuberSamplesKernel<<<elementBlocks(B), kElementThreads>>>(rows.data(), B, N, M, kappa, dps.data(),
                                                                    samples.data());
  checkLaunch("quantileHuberSamplesKernel");
  dg.download(grad), dps.download(perSample);
  std::vector<double> host(B);
  samples.download(host.data());
  double loss = 0;
  for (int64_t b = 0; b < B; ++b) {
    const double w = weights ? static_cast<double>(weights[b]) : 1.0;
    const double weighted = w * host[b];  // then divided: no multiply feeds the add, so nothing can fuse
    loss += weighted / static_cast<double>(B);
  }
  return loss;
}

}  // namespace prunerl::cuda
