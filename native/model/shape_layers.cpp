#include "model/shape_layers.h"

#include <cstring>

#include "base/errors.h"

namespace prunerl {

void ReluLayer::forward(const float* x, int64_t batch, float* y) { ops_.reluForward(x, batch * in_.size(), y); }

void ReluLayer::backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) {
  if (dx) ops_.reluBackward(y, dy, batch * in_.size(), dx);
}

void ReluLayer::collectActivations(const float* y, int64_t batch, std::vector<std::vector<float>>& out) const {
  std::vector<float> host(static_cast<size_t>(batch * out_.size()));
  ops_.memory->download(host.data(), y, static_cast<int64_t>(host.size() * sizeof(float)));
  out.push_back(std::move(host));
}

void FlattenLayer::forward(const float* x, int64_t batch, float* y) {
  ops_.memory->copy(y, x, batch * in_.size() * static_cast<int64_t>(sizeof(float)));
}

void FlattenLayer::backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) {
  if (dx) ops_.memory->copy(dx, dy, batch * in_.size() * static_cast<int64_t>(sizeof(float)));
}

MaxPool2dLayer::MaxPool2dLayer(const DeviceOps& ops, const ActShape& in, int64_t kernel, int64_t stride, int64_t padding)
    : Layer(ops), argmax_(*ops.memory) {
  if (!in.spatial) throw RangeError("Expected an image input [h, w, c] for maxpool2d but received " + in.str());
  in_ = in;
  shape_.batch = 1, shape_.height = in.h, shape_.width = in.w, shape_.channels = in.c;
  shape_.kernel = kernel, shape_.stride = stride, shape_.padding = padding;
  validatePool2d(shape_);
  out_ = ActShape{shape_.outHeight(), shape_.outWidth(), in.c, true};
}

void MaxPool2dLayer::forward(const float* x, int64_t batch, float* y) {
  Pool2dShape s = shape_;
  s.batch = batch;
  argmax_.resize(batch * out_.size());
  ops_.maxPool2dForward(x, s, y, argmax_.data());
}

void MaxPool2dLayer::backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) {
  if (dx) ops_.maxPool2dBackward(dy, argmax_.data(), batch * out_.size(), batch * in_.size(), dx);
}

}  // namespace prunerl
