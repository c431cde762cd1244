// Layers without weights: ReLU, Flatten (NHWC image -> features, a no-op on memory) and max-pooling.
#pragma once
#include <vector>

#include "model/buffer.h"
#include "model/layer.h"
#include "ops/pool2d.h"

namespace prunerl {

class ReluLayer : public Layer {
 public:
  ReluLayer(const DeviceOps& ops, const ActShape& in) : Layer(ops) { in_ = out_ = in; }
  const char* name() const override { return "relu"; }
  void forward(const float* x, int64_t batch, float* y) override;
  void backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) override;
  void collectActivations(const float* y, int64_t batch, std::vector<std::vector<float>>& out) const override;
};

class FlattenLayer : public Layer {
 public:
  FlattenLayer(const DeviceOps& ops, const ActShape& in) : Layer(ops) {
    in_ = in;
    out_ = ActShape{1, 1, in.size(), false};
  }
  const char* name() const override { return "flatten"; }
  bool isView() const override { return true; }
  void forward(const float* x, int64_t batch, float* y) override;
  void backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) override;
};

class MaxPool2dLayer : public Layer {
 public:
  MaxPool2dLayer(const DeviceOps& ops, const ActShape& in, int64_t kernel, int64_t stride, int64_t padding);
  const char* name() const override { return "maxpool2d"; }
  void forward(const float* x, int64_t batch, float* y) override;
  void backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) override;

 private:
  Pool2dShape shape_;
  Buffer<int32_t> argmax_;
};

}  // namespace prunerl
