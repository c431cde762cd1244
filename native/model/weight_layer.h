// Linear and Conv2d: the layers with weights (LayerWeights, in any representation) and a dense bias.
// PyTorch's default initialisation: weights and bias uniform in ±1/sqrt(fan_in) (kaiming_uniform with a = √5).
#pragma once
#include <vector>

#include "model/layer.h"
#include "model/layer_weights.h"
#include "base/rng.h"
#include "ops/conv2d.h"

namespace prunerl {

class WeightLayer : public Layer {
 public:
  WeightLayer(const DeviceOps& ops, int64_t rows, int64_t cols)
      : Layer(ops), weights(ops, rows, cols), bias(*ops.memory, rows), biasGradient(*ops.memory, rows) {
    for (auto& s : biasState) s = Buffer<float>(*ops.memory);
  }
  void collectWeightLayers(std::vector<WeightLayer*>& out) override { out.push_back(this); }
  void initialise(Rng& rng);
  // The weight tensor's shape as users see it: linear [out, in], conv2d [outC, kH, kW, inC].
  virtual std::vector<int64_t> weightShape() const = 0;

  LayerWeights weights;
  Buffer<float> bias, biasGradient;  // (not biasGrad: that is the op); in the device's memory
  Buffer<float> biasState[LayerWeights::kStateSlots];
};

class LinearLayer : public WeightLayer {
 public:
  LinearLayer(const DeviceOps& ops, const ActShape& in, int64_t out);
  const char* name() const override { return "linear"; }
  void forward(const float* x, int64_t batch, float* y) override;
  void backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) override;
  std::vector<int64_t> weightShape() const override { return {out_.c, in_.c}; }
};

class Conv2dLayer : public WeightLayer {
 public:
  Conv2dLayer(const DeviceOps& ops, const ActShape& in, int64_t outChannels, int64_t kernel, int64_t stride,
              int64_t padding);
  const char* name() const override { return "conv2d"; }
  void forward(const float* x, int64_t batch, float* y) override;
  void backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) override;
  std::vector<int64_t> weightShape() const override { return {shape_.outChannels, shape_.kernel, shape_.kernel, shape_.inChannels}; }

 private:
  Conv2dShape shapeFor(int64_t batch) const;
  Conv2dShape shape_;
  Buffer<float> patches_;   // im2col of the last forward's input, reused by backward
  Buffer<float> dPatches_;
};

}  // namespace prunerl
