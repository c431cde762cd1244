// Max pooling on the GPU (ops/pool2d.h), NHWC, windows clipped to the image (padding acts as −∞).
//   forward   one thread per output (b, oy, ox, c): the window scanned rows then columns, a strictly larger value
//             (or a NaN over a number) replaces the best, so ties keep the first index; bit-identical to the CPU
//   backward  dx = 0, then dx[argmax[j]] += dy[j] with float atomics (windows overlap when stride < kernel)
#include <cuda_runtime.h>

#include <vector>

#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/launch_config.h"
#include "cuda/layer_ops_device.h"

namespace prunerl::cuda {
namespace {

__global__ void maxPoolForwardKernel(const float* __restrict__ x, Pool2dShape s, int64_t OH, int64_t OW, int64_t total,
                                     float* __restrict__ y, int32_t* __restrict__ argmax) {
  PRUNERL_FOR_EACH_ELEMENT(i, total) {
    const int64_t C = s.channels, c = i % C, ox = (i / C) % OW, oy = (i / (C * OW)) % OH, b = i / (C * OW * OH);
    const int64_t yTop = oy * s.stride - s.padding, xLeft = ox * s.stride - s.padding;
    const int64_t y0 = yTop > 0 ? yTop : 0, y1 = yTop + s.kernel < s.height ? yTop + s.kernel : s.height;
    const int64_t x0 = xLeft > 0 ? xLeft : 0, x1 = xLeft + s.kernel < s.width ? xLeft + s.kernel : s.width;
    int64_t where = ((b * s.height + y0) * s.width + x0) * C + c;
    float best = x[where];
    for (int64_t r = y0; r < y1; ++r)
      for (int64_t q = x0; q < x1; ++q) {
        const int64_t at = ((b * s.height + r) * s.width + q) * C + c;
        const float v = x[at];
        if (v > best || (v != v && best == best)) best = v, where = at;
      }
    y[i] = best;
    argmax[i] = static_cast<int32_t>(where);
  }
}

__global__ void zeroKernel(float* __restrict__ out, int64_t n) {
  PRUNERL_FOR_EACH_ELEMENT(i, n) { out[i] = 0.0f; }
}

__global__ void maxPoolBackwardKernel(const float* __restrict__ dy, const int32_t* __restrict__ argmax, int64_t n,
                                      float* __restrict__ dx) {
  PRUNERL_FOR_EACH_ELEMENT(j, n) { atomicAdd(dx + argmax[j], dy[j]); }
}

}  // namespace

void maxPool2dForwardDevice(const float* x, const Pool2dShape& s, float* y, int32_t* argmax) {
  const int64_t OH = s.outHeight(), OW = s.outWidth(), total = s.batch * OH * OW * s.channels;
  if (total == 0) return;
  maxPoolForwardKernel<<<elementBlocks(total), kElementThreads>>>(x, s, OH, OW, total, y, argmax);
  checkLaunch("maxPoolForwardKernel");
}

void maxPool2dBackwardDevice(const float* dy, const int32_t* argmax, int64_t outSize, int64_t inSize, float* dx) {
  if (inSize == 0) return;
  zeroKernel<<<elementBlocks(inSize), kElementThreads>>>(dx, inSize);
  checkLaunch("zeroKernel");
  if (outSize == 0) return;
  maxPoolBackwardKernel<<<elementBlocks(outSize), kElementThreads>>>(dy, argmax, outSize, dx);
  checkLaunch("maxPoolBackwardKernel");
}

void maxPool2dForward(const float* x, const Pool2dShape& s, float* y, int32_t* argmax) {
  validatePool2d(s);
  requireDevice();
  const int64_t outSize = s.batch * s.outHeight() * s.outWidth() * s.channels;
  const DeviceBuffer<float> dx(x, s.batch * s.height * s.width * s.channels);
  DeviceBuffer<float> dy(outSize);
  DeviceBuffer<int32_t> da(outSize);
  maxPool2dForwardDevice(dx.data(), s, dy.data(), da.data());
  dy.download(y), da.download(argmax);
}

void maxPool2dBackward(const float* dy, const int32_t* argmax, int64_t outSize, int64_t inSize, float* dx) {
  // argmax entries are in [0, inSize) (ops/pool2d.h): the binding checks a caller's, so none reaches the device.
  requireDevice();
  const DeviceBuffer<float> ddy(dy, outSize);
  const DeviceBuffer<int32_t> da(argmax, outSize);
  DeviceBuffer<float> ddx(inSize);
  maxPool2dBackwardDevice(ddy.data(), da.data(), outSize, inSize, ddx.data());
  ddx.download(dx);
}

}  // namespace prunerl::cuda
