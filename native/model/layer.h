// A layer of a native Network. Activations are NHWC ([batch, h, w, c]) for conv stacks and [batch, features]
// for linear ones; each layer is told its input shape at construction and fixes its output shape.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ops/device_ops.h"

namespace prunerl {

struct ActShape {
  int64_t h = 1, w = 1, c = 0;
  bool spatial = false;  // [h, w, c] image (conv/pool allowed) vs [c] features (linear allowed)
  int64_t size() const { return h * w * c; }
  bool operator==(const ActShape& o) const { return h == o.h && w == o.w && c == o.c && spatial == o.spatial; }
  std::string str() const;
};

class WeightLayer;

class Layer {
 public:
  // Every op a layer runs goes through `ops`, its Network's device table (static; it outlives the layer).
  explicit Layer(const DeviceOps& ops) : ops_(ops) {}
  virtual ~Layer() = default;
  const ActShape& inputShape() const { return in_; }
  const ActShape& outputShape() const { return out_; }
  virtual const char* name() const = 0;

  // y[batch, out] from x[batch, in]. Layers may keep what backward needs (patches, argmax).
  virtual void forward(const float* x, int64_t batch, float* y) = 0;
  // Gradients of the last forward: stores weight gradients, writes dx unless dx is null (not needed).
  virtual void backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) = 0;

  // True when the output is the input's memory reinterpreted (flatten): the Sequential then passes the input's
  // buffer on instead of calling forward/backward, saving a copy of the activation each way.
  virtual bool isView() const { return false; }

  virtual void collectWeightLayers(std::vector<WeightLayer*>& out) {}
  // A forward of `batch` rows ran on the device without this host code (a replayed update): nested sequences
  // record it.
  virtual void noteForward(int64_t batch) {}
  // Activation outputs worth inspecting (ReLU outputs), in order; filled after a forward.
  virtual void collectActivations(const float* y, int64_t batch, std::vector<std::vector<float>>& out) const {}

 protected:
  const DeviceOps& ops_;
  ActShape in_, out_;
};

using LayerPtr = std::unique_ptr<Layer>;

}  // namespace prunerl
