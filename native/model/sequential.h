// A chain of layers with the activation and gradient buffers between them (grown to the largest batch seen and
// reused, so acting with batch 1 between batch-32 updates does not reallocate).
#pragma once
#include <vector>

#include "model/buffer.h"
#include "model/layer.h"

namespace prunerl {

class Sequential {
 public:
  // Activations and gradients are allocated in `memory`, the device's.
  Sequential(const ActShape& input, const DeviceMemory& memory) : input_(input), memory_(&memory) {}
  void add(LayerPtr layer) { layers_.push_back(std::move(layer)); }
  const ActShape& inputShape() const { return input_; }
  const ActShape& outputShape() const { return layers_.empty() ? input_ : layers_.back()->outputShape(); }
  const std::vector<LayerPtr>& layers() const { return layers_; }

  // Returns the output [batch, outputShape().size()] in the device's memory, valid until the next forward. x is in
  // the device's memory, or on the host when xOnHost (it is then uploaded).
  const float* forward(const float* x, int64_t batch, bool xOnHost = false);
  // Backward through the last forward; dx (nullable, the device's memory) receives the input gradient; dy is in
  // the device's memory, or on the host when dyOnHost.
  void backward(const float* dy, float* dx, bool dyOnHost = false);
  int64_t lastBatch() const { return batch_; }
  // Sets lastBatch() here and in nested sequences as a forward of `batch` rows would (a replayed update ran it).
  void noteForward(int64_t batch);

  void collectWeightLayers(std::vector<WeightLayer*>& out) const;
  void collectActivations(std::vector<std::vector<float>>& out) const;

 private:
  ActShape input_;
  const DeviceMemory* memory_;
  std::vector<LayerPtr> layers_;
  // Storage, and where each activation / gradient lives: act_[i] is acts_[i] or, after a view layer (flatten),
  // the buffer of the activation before it (likewise grad_[i]).
  std::vector<Buffer<float>> acts_;   // acts_[0] = input copy, acts_[i+1] = output of layer i
  std::vector<Buffer<float>> grads_;  // grads_[i] = gradient w.r.t. activation i
  std::vector<float*> act_, grad_;
  int64_t batch_ = 0;
};

}  // namespace prunerl
