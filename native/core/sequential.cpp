#include "core/sequential.h"

#include <cstring>

#include "core/errors.h"

namespace prunerl {

const float* Sequential::forward(const float* x, int64_t batch) {
  const size_t n = layers_.size();
  acts_.resize(n + 1);
  acts_[0].assign(x, x + batch * input_.size());
  for (size_t i = 0; i < n; ++i) {
    acts_[i + 1].resize(static_cast<size_t>(batch * layers_[i]->outputShape().size()));
    layers_[i]->forward(acts_[i].data(), batch, acts_[i + 1].data());
  }
  batch_ = batch;
  return acts_[n].data();
}

void Sequential::backward(const float* dy, float* dx) {
  if (batch_ == 0) throw RangeError("Expected forward() before backward() on this network");
  const size_t n = layers_.size();
  grads_.resize(n + 1);
  grads_[n].assign(dy, dy + batch_ * outputShape().size());
  for (size_t i = n; i-- > 0;) {
    float* dIn = nullptr;
    if (i > 0) {
      grads_[i].resize(static_cast<size_t>(batch_ * layers_[i]->inputShape().size()));
      dIn = grads_[i].data();
    } else if (dx) {
      dIn = dx;
    }
    layers_[i]->backward(acts_[i].data(), acts_[i + 1].data(), grads_[i + 1].data(), batch_, dIn);
  }
}

void Sequential::collectWeightLayers(std::vector<WeightLayer*>& out) const {
  for (const auto& l : layers_) l->collectWeightLayers(out);
}

void Sequential::collectActivations(std::vector<std::vector<float>>& out) const {
  for (size_t i = 0; i < layers_.size() && i + 1 < acts_.size(); ++i)
    layers_[i]->collectActivations(acts_[i + 1].data(), batch_, out);
}

}  // namespace prunerl
