#include "model/residual_layer.h"

#include <cstring>

#include "base/errors.h"

namespace prunerl {

ResidualLayer::ResidualLayer(const DeviceOps& ops, Sequential body)
    : Layer(ops), body_(std::move(body)), scratch_(*ops.memory) {
  in_ = body_.inputShape();
  out_ = body_.outputShape();
  if (!(in_ == out_))
    throw RangeError("Expected a residual body whose output shape equals its input shape " + in_.str() +
                     " but received " + out_.str());
}

void ResidualLayer::forward(const float* x, int64_t batch, float* y) {
  const float* out = body_.forward(x, batch);
  const int64_t n = batch * out_.size();
  ops_.memory->copy(y, x, n * static_cast<int64_t>(sizeof(float)));
  ops_.addInPlace(y, out, n);
}

void ResidualLayer::backward(const float* x, const float* y, const float* dy, int64_t batch, float* dx) {
  // The body's weights need their gradients even when dx is not wanted.
  const int64_t n = batch * in_.size();
  if (!dx) {
    scratch_.resize(n);
    body_.backward(dy, scratch_.data());
    return;
  }
  body_.backward(dy, dx);
  ops_.addInPlace(dx, dy, n);
}

}  // namespace prunerl
