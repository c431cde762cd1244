#include "model/weight_layer.h"

#include <cmath>
#include <sstream>

#include "base/errors.h"

namespace prunerl {

std::string ActShape::str() const {
  std::ostringstream s;
  if (spatial)
    s << "[" << h << ", " << w << ", " << c << "]";
  else
    s << "[" << c << "]";
  return s.str();
}

void WeightLayer::initialise(Rng& rng) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(weights.cols()));
  std::vector<float> w(static_cast<size_t>(weights.size()));
  for (float& v : w) v = rng.uniform(-bound, bound);
  std::vector<uint8_t> keepAll(w.size(), 1);
  weights.rebuild(w.data(), keepAll.data(), RepresentationPolicy::Auto);
  std::vector<float> b(static_cast<size_t>(bias.size()));
  for (float& v : b) v = rng.uniform(-bound, bound);
  bias.upload(b.data());
}

LinearLayer::LinearLayer(const DeviceOps& ops, const ActShape& in, int64_t out) : WeightLayer(ops, out, in.size()) {
  if (in.spatial) throw RangeError("Expected a flat input for linear but received " + in.str() + "; add a flatten layer first");
  in_ = in;
  out_ = ActShape{1, 1, out, false};
}

void LinearLayer::forward(const float* x, int64_t batch, float* y) {
  weights.forward(x, batch, y);
  ops_.biasAdd(y, bias.data(), batch, out_.c);
}

void LinearLayer::backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) {
  weights.backward(dy, x, batch, dx);
  ops_.biasGrad(dy, batch, out_.c, biasGradient.data());
}

Conv2dLayer::Conv2dLayer(const DeviceOps& ops, const ActShape& in, int64_t outChannels, int64_t kernel, int64_t stride,
                         int64_t padding)
    : WeightLayer(ops, outChannels, kernel * kernel * in.c), patches_(*ops.memory), dPatches_(*ops.memory) {
  if (!in.spatial) throw RangeError("Expected an image input [h, w, c] for conv2d but received " + in.str());
  in_ = in;
  shape_.batch = 1, shape_.height = in.h, shape_.width = in.w, shape_.inChannels = in.c;
  shape_.outChannels = outChannels, shape_.kernel = kernel, shape_.stride = stride, shape_.padding = padding;
  validateConv2d(shape_);
  out_ = ActShape{shape_.outHeight(), shape_.outWidth(), outChannels, true};
}

Conv2dShape Conv2dLayer::shapeFor(int64_t batch) const {
  Conv2dShape s = shape_;
  s.batch = batch;
  return s;
}

void Conv2dLayer::forward(const float* x, int64_t batch, float* y) {
  Conv2dShape s = shapeFor(batch);
  const int64_t rows = s.patchCount();
  patches_.resize(rows * s.patchSize());
  ops_.im2col(x, s, patches_.data());
  weights.forward(patches_.data(), rows, y);  // NHWC output: [B·OH·OW, outC]
  ops_.biasAdd(y, bias.data(), rows, s.outChannels);
}

void Conv2dLayer::backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) {
  Conv2dShape s = shapeFor(batch);
  const int64_t rows = s.patchCount();
  ops_.biasGrad(dy, rows, s.outChannels, biasGradient.data());
  if (!dx) {
    weights.weightGrad(dy, patches_.data(), rows);
    return;
  }
  dPatches_.resize(rows * s.patchSize());
  weights.backward(dy, patches_.data(), rows, dPatches_.data());
  ops_.col2im(dPatches_.data(), s, dx);
}

}  // namespace prunerl
