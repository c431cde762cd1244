#include "model/sequential.h"

#include <cstring>

#include "base/errors.h"

namespace prunerl {

const float* Sequential::forward(const float* x, int64_t batch, bool xOnHost) {
  const size_t n = layers_.size();
  while (acts_.size() < n + 1) acts_.emplace_back(*memory_);
  act_.resize(n + 1);
  acts_[0].resize(batch * input_.size());
  if (xOnHost)
    acts_[0].upload(x);
  else
    memory_->copy(acts_[0].data(), x, acts_[0].bytes());
  act_[0] = acts_[0].data();
  for (size_t i = 0; i < n; ++i) {
    if (layers_[i]->isView()) {
      act_[i + 1] = act_[i];
      continue;
    }
    acts_[i + 1].resize(batch * layers_[i]->outputShape().size());
    act_[i + 1] = acts_[i + 1].data();
    layers_[i]->forward(act_[i], batch, act_[i + 1]);
  }
  batch_ = batch;
  return act_[n];
}

void Sequential::backward(const float* dy, float* dx, bool dyOnHost) {
  if (batch_ == 0) throw RangeError("Expected forward() before backward() on this network");
  const size_t n = layers_.size();
  while (grads_.size() < n + 1) grads_.emplace_back(*memory_);
  grad_.resize(n + 1);
  grads_[n].resize(batch_ * outputShape().size());
  if (dyOnHost)
    grads_[n].upload(dy);
  else
    memory_->copy(grads_[n].data(), dy, grads_[n].bytes());
  grad_[n] = grads_[n].data();
  for (size_t i = n; i-- > 0;) {
    float* dIn = nullptr;
    if (i > 0 && layers_[i]->isView()) {  // the gradient passes through unchanged
      grad_[i] = grad_[i + 1];
      continue;
    }
    if (i > 0) {
      grads_[i].resize(batch_ * layers_[i]->inputShape().size());
      dIn = grad_[i] = grads_[i].data();
    } else if (dx) {
      dIn = dx;
    }
    layers_[i]->backward(act_[i], act_[i + 1], grad_[i + 1], batch_, dIn);
  }
}

void Sequential::noteForward(int64_t batch) {
  batch_ = batch;
  for (const auto& l : layers_) l->noteForward(batch);
}

void Sequential::collectWeightLayers(std::vector<WeightLayer*>& out) const {
  for (const auto& l : layers_) l->collectWeightLayers(out);
}

void Sequential::collectActivations(std::vector<std::vector<float>>& out) const {
  for (size_t i = 0; i < layers_.size() && i + 1 < act_.size(); ++i)
    layers_[i]->collectActivations(act_[i + 1], batch_, out);
}

}  // namespace prunerl
