// 2-D convolution over NHWC tensors (MinAtar observations are [y][x][channel]), filters [outC, kH, kW, inC].
// Lowered to the linear kernels through im2col: patches[B·OH·OW, kH·kW·inC] · Wᵀ = Y[B·OH·OW, outC], which is
// NHWC directly, so dense, masked and CSR filters share one code path with the Linear layer.
#pragma once
#include <cstdint>
#include <vector>

namespace prunerl {

struct Conv2dShape {
  int64_t batch = 0, height = 0, width = 0, inChannels = 0, outChannels = 0;
  int64_t kernel = 0, stride = 1, padding = 0;
  int64_t outHeight() const { return (height + 2 * padding - kernel) / stride + 1; }
  int64_t outWidth() const { return (width + 2 * padding - kernel) / stride + 1; }
  int64_t patchSize() const { return kernel * kernel * inChannels; }
  int64_t patchCount() const { return batch * outHeight() * outWidth(); }
};

void validateConv2d(const Conv2dShape& s);  // RangeError naming the field when a size is not positive / too big

// patches[B·OH·OW, kH·kW·inC] from x[B,H,W,inC]; zero padding.
void im2col(const float* x, const Conv2dShape& s, float* patches);
// dx[B,H,W,inC] = Σ over patches of dPatches (the adjoint of im2col); dx is overwritten.
void col2im(const float* dPatches, const Conv2dShape& s, float* dx);

// Direct 7-loop reference convolution; y[B,OH,OW,outC] (+ bias).
void conv2dForwardReference(const float* x, const float* w, const float* bias, const Conv2dShape& s, float* y);
// Reference gradients: dx (nullable), dw[outC,kH,kW,inC] and db (nullable), all overwritten.
void conv2dBackwardReference(const float* x, const float* w, const float* dy, const Conv2dShape& s, float* dx,
                             float* dw, float* db);

// Fast dense versions (im2col + gemm).
void conv2dForward(const float* x, const float* w, const float* bias, const Conv2dShape& s, float* y);
void conv2dBackward(const float* x, const float* w, const float* dy, const Conv2dShape& s, float* dx, float* dw,
                    float* db);

}  // namespace prunerl
