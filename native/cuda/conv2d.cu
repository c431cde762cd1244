// The patch lowering of a convolution on the GPU (ops/conv2d.h; the product itself is the layer's gemm or spmm).
//   im2col  patches[p, (ky, kx, c)] = x[b, oy·stride − pad + ky, ox·stride − pad + kx, c], 0 in the padding
//   col2im  dx[b, iy, ix, c] = Σ over the windows (oy, ox) that cover (iy, ix) of dPatches[p, (ky, kx, c)]
// One thread per output entry: im2col is a gather, and col2im gathers too (each dx entry walks its own windows in
// the CPU's order, oy then ox ascending), so neither needs atomics and both are bit-identical to the CPU.
#include <cuda_runtime.h>

#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/launch_config.h"
#include "cuda/layer_ops_device.h"

namespace prunerl::cuda {
namespace {

struct ConvGeometry {
  int64_t H, W, C, k, stride, padding, OH, OW, Kp;
};

ConvGeometry geometryOf(const Conv2dShape& s) {
  return {s.height, s.width, s.inChannels, s.kernel, s.stride, s.padding, s.outHeight(), s.outWidth(), s.patchSize()};
}

__global__ void im2colKernel(const float* __restrict__ x, ConvGeometry g, int64_t total, float* __restrict__ patches) {
  PRUNERL_FOR_EACH_ELEMENT(i, total) {
    const int64_t p = i / g.Kp, q = i % g.Kp;
    const int64_t ky = q / (g.k * g.C), kx = (q / g.C) % g.k, c = q % g.C;
    const int64_t ox = p % g.OW, oy = (p / g.OW) % g.OH, b = p / (g.OW * g.OH);
    const int64_t iy = oy * g.stride - g.padding + ky, ix = ox * g.stride - g.padding + kx;
    const bool inside = iy >= 0 && iy < g.H && ix >= 0 && ix < g.W;
    patches[i] = inside ? x[((b * g.H + iy) * g.W + ix) * g.C + c] : 0.0f;
  }
}

// Windows oy with oy·stride − pad ≤ iy ≤ oy·stride − pad + k − 1, clipped to [0, OH).
__device__ void windowsCovering(int64_t at, int64_t stride, int64_t padding, int64_t k, int64_t outSize,
                                int64_t* first, int64_t* last) {
  const int64_t hi = at + padding;         // oy·stride ≤ hi
  const int64_t lo = hi - k + 1;           // oy·stride ≥ lo
  *first = lo <= 0 ? 0 : (lo + stride - 1) / stride;
  *last = hi / stride < outSize - 1 ? hi / stride : outSize - 1;
}

__global__ void col2imKernel(const float* __restrict__ dPatches, ConvGeometry g, int64_t total, float* __restrict__ dx) {
  PRUNERL_FOR_EACH_ELEMENT(i, total) {
    const int64_t c = i % g.C, ix = (i / g.C) % g.W, iy = (i / (g.C * g.W)) % g.H, b = i / (g.C * g.W * g.H);
    int64_t oy0, oy1, ox0, ox1;
    windowsCovering(iy, g.stride, g.padding, g.k, g.OH, &oy0, &oy1);
    windowsCovering(ix, g.stride, g.padding, g.k, g.OW, &ox0, &ox1);
    float sum = 0.0f;
    for (int64_t oy = oy0; oy <= oy1; ++oy) {
      const int64_t ky = iy + g.padding - oy * g.stride;
      for (int64_t ox = ox0; ox <= ox1; ++ox) {
        const int64_t kx = ix + g.padding - ox * g.stride;
        const int64_t p = (b * g.OH + oy) * g.OW + ox;
        sum = __fadd_rn(sum, dPatches[p * g.Kp + (ky * g.k + kx) * g.C + c]);
      }
    }
    dx[i] = sum;
  }
}

}  // namespace

void im2colDevice(const float* x, const Conv2dShape& s, float* patches) {
  const int64_t total = s.patchCount() * s.patchSize();
  if (total == 0) return;
  im2colKernel<<<elementBlocks(total), kElementThreads>>>(x, geometryOf(s), total, patches);
  checkLaunch("im2colKernel");
}

void col2imDevice(const float* dPatches, const Conv2dShape& s, float* dx) {
  const int64_t total = s.batch * s.height * s.width * s.inChannels;
  if (total == 0) return;
  col2imKernel<<<elementBlocks(total), kElementThreads>>>(dPatches, geometryOf(s), total, dx);
  checkLaunch("col2imKernel");
}

void im2col(const float* x, const Conv2dShape& s, float* patches) {
  requireDevice();  // shapes were validated where the layer was built (validateConv2d)
  const DeviceBuffer<float> dx(x, s.batch * s.height * s.width * s.inChannels);
  DeviceBuffer<float> dp(s.patchCount() * s.patchSize());
  im2colDevice(dx.data(), s, dp.data());
  dp.download(patches);
}

void col2im(const float* dPatches, const Conv2dShape& s, float* dx) {
  requireDevice();
  const DeviceBuffer<float> dp(dPatches, s.patchCount() * s.patchSize());
  DeviceBuffer<float> out(s.batch * s.height * s.width * s.inChannels);
  col2imDevice(dp.data(), s, out.data());
  out.download(dx);
}

}  // namespace prunerl::cuda
