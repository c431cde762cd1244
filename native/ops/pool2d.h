// Max pooling over NHWC tensors, with the argmax kept for the backward pass (Impala ResNet uses 3×3, stride 2,
// padding 1). Padding positions never win (they act as −∞).
#pragma once
#include <cstdint>

namespace prunerl {

struct Pool2dShape {
  int64_t batch = 0, height = 0, width = 0, channels = 0;
  int64_t kernel = 0, stride = 1, padding = 0;
  int64_t outHeight() const { return (height + 2 * padding - kernel) / stride + 1; }
  int64_t outWidth() const { return (width + 2 * padding - kernel) / stride + 1; }
};

void validatePool2d(const Pool2dShape& s);
// y[B,OH,OW,C]; argmax[B,OH,OW,C] = flat index into x of the winner (first one on ties).
void maxPool2dForward(const float* x, const Pool2dShape& s, float* y, int32_t* argmax);
// dx (size B·H·W·C) is overwritten: dx[argmax[j]] += dy[j]; every argmax[j] in [0, inSize) (the binding checks it).
void maxPool2dBackward(const float* dy, const int32_t* argmax, int64_t outSize, int64_t inSize, float* dx);

}  // namespace prunerl
