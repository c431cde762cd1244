// y = x + body(x): the skip connection of the Impala ResNet's residual blocks.
#pragma once
#include "model/layer.h"
#include "model/sequential.h"

namespace prunerl {

class ResidualLayer : public Layer {
 public:
  ResidualLayer(const DeviceOps& ops, Sequential body);
  const char* name() const override { return "residual"; }
  Sequential& body() { return body_; }
  void forward(const float* x, int64_t batch, float* y) override;
  void backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) override;
  void collectWeightLayers(std::vector<WeightLayer*>& out) override { body_.collectWeightLayers(out); }
  void noteForward(int64_t batch) override { body_.noteForward(batch); }
  void collectActivations(const float* y, int64_t batch, std::vector<std::vector<float>>& out) const override {
    body_.collectActivations(out);
  }

 private:
  Sequential body_;
  Buffer<float> scratch_;  // the input gradient nobody asked for (the body's weights still need theirs)
};

}  // namespace prunerl
