// Elementwise training ops on the GPU: Huber loss + gradient, Adam and RMSprop steps, ReLU forward/backward.
// Each element is computed with the operations, in the order, of the CPU reference (losses.cpp, optim.cpp,
// elementwise.cpp). Multiplies and adds are written as __fmul_rn / __fadd_rn, which nvcc never fuses into an FMA, so
// the optimizer steps and ReLU are bit-identical to the CPU reference; the Huber gradient is computed in double like
// the CPU's and the loss is summed per block in double, then over blocks in order on the host (deterministic).
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "base/errors.h"
#include "cuda/block_sum.h"
#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/train_ops_device.h"

namespace prunerl::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = 4096;

unsigned blocksFor(int64_t n) {
  return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>((n + kThreads - 1) / kThreads, kMaxBlocks)));
}

#define PRUNERL_GRID_STRIDE(i, n) \
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < (n); i += int64_t{gridDim.x} * blockDim.x)

void requireNumber(bool ok, const char* allowed, const char* name, double got) {
  if (ok) return;
  std::ostringstream m;
  m << "Expected " << allowed << " for " << name << " but received " << got;
  throw RangeError(m.str());
}
void requireNonNegative(float v, const char* name) {
  requireNumber(std::isfinite(v) && v >= 0.0f, "a finite number >= 0", name, v);
}

// ---- Huber ---------------------------------------------------------------------------------------------------

__global__ void huberKernel(const float* __restrict__ pred, const float* __restrict__ target, int64_t n, double delta,
                            double invN, float* __restrict__ grad, double* __restrict__ blockSums) {
  __shared__ double partial[kThreads];
  double sum = 0.0;
  PRUNERL_GRID_STRIDE(i, n) {
    const double d = static_cast<double>(pred[i]) - static_cast<double>(target[i]);
    const double a = fabs(d);
    sum += a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
    const double slope = d < -delta ? -delta : (d > delta ? delta : d);
    grad[i] = static_cast<float>(slope * invN);
  }
  const double blockTotal = blockSum<kThreads>(sum, partial);
  if (threadIdx.x == 0) blockSums[blockIdx.x] = blockTotal;
}

// ---- Adam / RMSprop ------------------------------------------------------------------------------------------

struct AdamScalars {
  float lr, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps;
};

// The bias corrections are read from device memory (a recorded update replays with those the host wrote before the
// replay); the host computed them as optim.cpp does (optim.h adamStepState), so they are the CPU's bit for bit.
__global__ void adamKernel(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                           float* __restrict__ v, int64_t n, AdamScalars s, const AdamStepState* __restrict__ step) {
  const float biasCorrection1 = step->biasCorrection1, biasCorrection2 = step->biasCorrection2;
  PRUNERL_GRID_STRIDE(i, n) {
    const float gi = g[i];
    const float mi = __fadd_rn(__fmul_rn(s.beta1, m[i]), __fmul_rn(s.oneMinusBeta1, gi));
    const float vi = __fadd_rn(__fmul_rn(s.beta2, v[i]), __fmul_rn(s.oneMinusBeta2, __fmul_rn(gi, gi)));
    m[i] = mi, v[i] = vi;
    const float mHat = __fdiv_rn(mi, biasCorrection1), vHat = __fdiv_rn(vi, biasCorrection2);
    const float step = __fmul_rn(s.lr, mHat);
    p[i] = __fsub_rn(p[i], __fdiv_rn(step, __fadd_rn(__fsqrt_rn(vHat), s.eps)));
  }
}

struct RmspropScalars {
  float lr, alpha, oneMinusAlpha, eps, momentum;
};

// ga == nullptr: not centered; buf == nullptr: no momentum.
__global__ void rmspropKernel(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ sq,
                              float* __restrict__ ga, float* __restrict__ buf, int64_t n, RmspropScalars s) {
  PRUNERL_GRID_STRIDE(i, n) {
    const float gi = g[i];
    const float sqi = __fadd_rn(__fmul_rn(s.alpha, sq[i]), __fmul_rn(s.oneMinusAlpha, __fmul_rn(gi, gi)));
    sq[i] = sqi;
    float avg;
    if (ga != nullptr) {
      const float gai = __fadd_rn(__fmul_rn(s.alpha, ga[i]), __fmul_rn(s.oneMinusAlpha, gi));
      ga[i] = gai;
      const float d = __fsub_rn(sqi, __fmul_rn(gai, gai));
      avg = __fadd_rn(__fsqrt_rn(d > 0.0f ? d : 0.0f), s.eps);  // clamped as centeredVariance (NaN -> 0)
    } else {
      avg = __fadd_rn(__fsqrt_rn(sqi), s.eps);
    }
    if (buf != nullptr) {
      const float bi = __fadd_rn(__fmul_rn(s.momentum, buf[i]), __fdiv_rn(gi, avg));
      buf[i] = bi;
      p[i] = __fsub_rn(p[i], __fmul_rn(s.lr, bi));
    } else {
      p[i] = __fsub_rn(p[i], __fdiv_rn(__fmul_rn(s.lr, gi), avg));
    }
  }
}

// ---- ReLU ----------------------------------------------------------------------------------------------------

__global__ void reluKernel(const float* __restrict__ x, int64_t n, float* __restrict__ y) {
  PRUNERL_GRID_STRIDE(i, n) { y[i] = x[i] > 0.0f ? x[i] : 0.0f; }  // NaN and −0 -> +0, as the CPU
}

__global__ void reluBackwardKernel(const float* __restrict__ y, const float* __restrict__ dy, int64_t n,
                                   float* __restrict__ dx) {
  PRUNERL_GRID_STRIDE(i, n) { dx[i] = y[i] > 0.0f ? dy[i] : 0.0f; }
}

}  // namespace

double huberLoss(const float* pred, const float* target, int64_t n, float delta, float* grad) {
  if (n < 1) throw RangeError("Expected at least one element for pred but received " + std::to_string(n));
  requireNumber(delta > 0.0f && std::isfinite(delta), "a finite number > 0", "delta", delta);
  requireDevice();
  const DeviceBuffer<float> p(pred, n), t(target, n);
  DeviceBuffer<float> dgrad(n);
  const unsigned blocks = blocksFor(n);
  DeviceBuffer<double> sums(blocks);
  huberKernel<<<blocks, kThreads>>>(p.data(), t.data(), n, delta, 1.0 / static_cast<double>(n), dgrad.data(),
                                    sums.data());
  checkLaunch("huberKernel");
  dgrad.download(grad);
  std::vector<double> host(blocks);
  sums.download(host.data());
  double sum = 0.0;
  for (double s : host) sum += s;
  return sum / static_cast<double>(n);
}

namespace {

void checkAdam(const AdamConfig& c, int64_t step) {
  requireNonNegative(c.lr, "lr");
  requireNumber(c.beta1 >= 0.0f && c.beta1 < 1.0f, "a number in [0, 1)", "beta1", c.beta1);
  requireNumber(c.beta2 >= 0.0f && c.beta2 < 1.0f, "a number in [0, 1)", "beta2", c.beta2);
  requireNonNegative(c.eps, "eps");
  if (step < 1) throw RangeError("Expected an integer >= 1 for step but received " + std::to_string(step));
}

void checkRmsprop(const float* gradAvg, const float* buf, int64_t n, const RmspropConfig& c) {
  requireNonNegative(c.lr, "lr");
  requireNumber(c.alpha >= 0.0f && c.alpha <= 1.0f, "a number in [0, 1]", "alpha", c.alpha);
  requireNonNegative(c.eps, "eps");
  requireNumber(c.momentum >= 0.0f && c.momentum < 1.0f, "a number in [0, 1)", "momentum", c.momentum);
  if (c.centered && gradAvg == nullptr && n > 0)
    throw TypeError("Expected a gradient-average array for gradAvg (centered RMSprop) but received none");
  if (c.momentum > 0.0f && buf == nullptr && n > 0)
    throw TypeError("Expected a momentum buffer for buf (RMSprop momentum > 0) but received none");
}

}  // namespace

void adamStepDevice(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c,
                    const AdamStepState* step) {
  checkAdam(c, 1);  // the step itself is on the device: its writer (Network::advanceStep) counts from 1
  if (n == 0) return;
  const AdamScalars s{c.lr, c.beta1, 1.0f - c.beta1, c.beta2, 1.0f - c.beta2, c.eps};
  adamKernel<<<blocksFor(n), kThreads>>>(p, g, m, v, n, s, step);
  checkLaunch("adamKernel");
}

void rmspropStepDevice(float* p, const float* g, float* sq, float* gradAvg, float* buf, int64_t n,
                       const RmspropConfig& c) {
  checkRmsprop(gradAvg, buf, n, c);
  if (n == 0) return;
  const RmspropScalars s{c.lr, c.alpha, 1.0f - c.alpha, c.eps, c.momentum};
  rmspropKernel<<<blocksFor(n), kThreads>>>(p, g, sq, c.centered ? gradAvg : nullptr,
                                            c.momentum > 0.0f ? buf : nullptr, n, s);
  checkLaunch("rmspropKernel");
}

void reluForwardDevice(const float* x, int64_t n, float* y) {
  if (n == 0) return;
  reluKernel<<<blocksFor(n), kThreads>>>(x, n, y);
  checkLaunch("reluKernel");
}

void reluBackwardDevice(const float* y, const float* dy, int64_t n, float* dx) {
  if (n == 0) return;
  reluBackwardKernel<<<blocksFor(n), kThreads>>>(y, dy, n, dx);
  checkLaunch("reluBackwardKernel");
}

void adamStep(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c, int64_t step) {
  checkAdam(c, step);
  requireDevice();
  if (n == 0) return;
  DeviceBuffer<float> dp(p, n), dm(m, n), dv(v, n);
  const DeviceBuffer<float> dg(g, n);
  const AdamStepState state = adamStepState(c, step);
  const DeviceBuffer<AdamStepState> dstep(&state, 1);
  adamStepDevice(dp.data(), dg.data(), dm.data(), dv.data(), n, c, dstep.data());
  dp.download(p), dm.download(m), dv.download(v);
}

void rmspropStep(float* p, const float* g, float* sq, float* gradAvg, float* buf, int64_t n, const RmspropConfig& c) {
  checkRmsprop(gradAvg, buf, n, c);
  requireDevice();
  if (n == 0) return;
  const bool withMomentum = c.momentum > 0.0f;
  DeviceBuffer<float> dp(p, n), dsq(sq, n);
  const DeviceBuffer<float> dg(g, n);
  DeviceBuffer<float> dga = c.centered ? DeviceBuffer<float>(gradAvg, n) : DeviceBuffer<float>();
  DeviceBuffer<float> dbuf = withMomentum ? DeviceBuffer<float>(buf, n) : DeviceBuffer<float>();
  rmspropStepDevice(dp.data(), dg.data(), dsq.data(), dga.data(), dbuf.data(), n, c);
  dp.download(p), dsq.download(sq);
  if (c.centered) dga.download(gradAvg);
  if (withMomentum) dbuf.download(buf);
}

void reluForward(const float* x, int64_t n, float* y) {
  requireDevice();
  if (n == 0) return;
  const DeviceBuffer<float> dx(x, n);
  DeviceBuffer<float> dy(n);
  reluForwardDevice(dx.data(), n, dy.data());
  dy.download(y);
}

void reluBackward(const float* y, const float* dy, int64_t n, float* dx) {
  requireDevice();
  if (n == 0) return;
  const DeviceBuffer<float> dY(y, n), dDy(dy, n);
  DeviceBuffer<float> dDx(n);
  reluBackwardDevice(dY.data(), dDy.data(), n, dDx.data());
  dDx.download(dx);
}

}  // namespace prunerl::cuda
