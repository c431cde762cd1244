#include "model/layer_weights.h"

#include <algorithm>
#include <cstring>

#include "base/errors.h"

namespace prunerl {

LayerWeights::LayerWeights(const DeviceOps& ops, int64_t rows, int64_t cols)
    : ops_(&ops), rows_(rows), cols_(cols), dense_(static_cast<size_t>(rows * cols), 0.0f), grad_(dense_.size(), 0.0f) {}

int64_t LayerWeights::kept() const {
  switch (representation_) {
    case Representation::Csr: return csr_.nnz();
    case Representation::Masked: return std::count(mask_.begin(), mask_.end(), uint8_t{1});
    default: return size();
  }
}

int64_t LayerWeights::paramCount() const {
  return representation_ == Representation::Csr ? csr_.nnz() : size();
}

float* LayerWeights::params() {
  return representation_ == Representation::Csr ? csr_.values.data() : dense_.data();
}

void LayerWeights::copyDense(float* out) const {
  if (representation_ == Representation::Csr)
    csrToDense(csr_, out);
  else
    std::memcpy(out, dense_.data(), dense_.size() * sizeof(float));
}

void LayerWeights::copyMask(uint8_t* out) const {
  switch (representation_) {
    case Representation::Masked: std::memcpy(out, mask_.data(), mask_.size()); break;
    case Representation::Csr:
      std::memset(out, 0, static_cast<size_t>(size()));
      for (int64_t r = 0; r < rows_; ++r)
        for (int32_t j = csr_.rowPtr[r]; j < csr_.rowPtr[r + 1]; ++j) out[r * cols_ + csr_.colIdx[j]] = 1;
      break;
    default: std::memset(out, 1, static_cast<size_t>(size()));
  }
}

void LayerWeights::copyDenseGrad(float* out) const {
  if (representation_ == Representation::Csr) {
    std::memset(out, 0, static_cast<size_t>(size()) * sizeof(float));
    for (int64_t r = 0; r < rows_; ++r)
      for (int32_t j = csr_.rowPtr[r]; j < csr_.rowPtr[r + 1]; ++j) out[r * cols_ + csr_.colIdx[j]] = grad_[j];
  } else {
    std::memcpy(out, grad_.data(), grad_.size() * sizeof(float));
  }
}

std::vector<float> LayerWeights::expandToDense(const std::vector<float>& packed) const {
  if (representation_ != Representation::Csr) return packed;
  std::vector<float> dense(static_cast<size_t>(size()), 0.0f);
  for (int64_t r = 0; r < rows_; ++r)
    for (int32_t j = csr_.rowPtr[r]; j < csr_.rowPtr[r + 1]; ++j) dense[r * cols_ + csr_.colIdx[j]] = packed[j];
  return dense;
}

std::vector<float> LayerWeights::packFromDense(const std::vector<float>& dense) const {
  if (representation_ != Representation::Csr) return dense;
  std::vector<float> packed(static_cast<size_t>(csr_.nnz()));
  for (int64_t r = 0; r < rows_; ++r)
    for (int32_t j = csr_.rowPtr[r]; j < csr_.rowPtr[r + 1]; ++j) packed[j] = dense[r * cols_ + csr_.colIdx[j]];
  return packed;
}

void LayerWeights::setDense(const float* w) {
  std::vector<uint8_t> mask(static_cast<size_t>(size()));
  copyMask(mask.data());
  rebuild(w, mask.data(), policy_);
}

void LayerWeights::setPolicy(RepresentationPolicy policy) {
  if (policy == policy_) return;
  std::vector<float> w(static_cast<size_t>(size()));
  std::vector<uint8_t> mask(static_cast<size_t>(size()));
  copyDense(w.data());
  copyMask(mask.data());
  policy_ = policy;
  rebuild(w.data(), mask.data(), policy);
}

void LayerWeights::rebuild(const float* w, const uint8_t* mask, RepresentationPolicy policy) {
  policy_ = policy;
  // Optimizer state goes through the dense layout so it survives a change of representation.
  std::vector<float> denseStates[kStateSlots];
  for (int s = 0; s < stateSlots_; ++s) denseStates[s] = expandToDense(state_[s]);

  const int64_t n = size();
  int64_t keptCount = 0;
  std::vector<uint8_t> keep(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    keep[i] = mask[i] != 0;
    keptCount += keep[i];
  }
  std::vector<float> values(w, w + n);
  for (int64_t i = 0; i < n; ++i) {
    if (keep[i]) continue;
    values[i] = 0.0f;
    for (int s = 0; s < stateSlots_; ++s) denseStates[s][i] = 0.0f;  // pruned: its optimizer state is dropped
  }

  double density = n == 0 ? 1.0 : static_cast<double>(keptCount) / static_cast<double>(n);
  Representation next = chooseRepresentation(policy, density);
  representation_ = next;
  if (next == Representation::Csr) {
    csr_ = csrFromDense(values.data(), keep.data(), rows_, cols_);
    csr_.buildTranspose();
    dense_.clear();
    dense_.shrink_to_fit();
    mask_.clear();
    mask_.shrink_to_fit();
  } else {
    dense_ = std::move(values);
    if (next == Representation::Masked)
      mask_ = std::move(keep);
    else
      mask_.clear();
    csr_ = CsrMatrix{};
  }
  grad_.assign(static_cast<size_t>(paramCount()), 0.0f);
  for (int s = 0; s < stateSlots_; ++s) state_[s] = packFromDense(denseStates[s]);
}

void LayerWeights::ensureState(int slots) {
  if (slots > kStateSlots)
    throw RangeError("Expected at most " + std::to_string(kStateSlots) + " optimizer state slots but received " +
                     std::to_string(slots));
  for (int s = 0; s < slots; ++s) state_[s].assign(static_cast<size_t>(paramCount()), 0.0f);
  for (int s = slots; s < kStateSlots; ++s) state_[s].clear();
  stateSlots_ = slots;
}

std::vector<float> LayerWeights::denseState(int slot) const {
  if (slot >= stateSlots_) return std::vector<float>(static_cast<size_t>(size()), 0.0f);
  return expandToDense(state_[slot]);
}

void LayerWeights::setDenseState(int slot, const float* dense) {
  if (slot >= stateSlots_) return;
  std::vector<float> d(dense, dense + size());
  std::vector<uint8_t> mask(static_cast<size_t>(size()));
  copyMask(mask.data());
  for (int64_t i = 0; i < size(); ++i)
    if (!mask[i]) d[i] = 0.0f;
  state_[slot] = packFromDense(d);
}

void LayerWeights::afterStep() {
  if (representation_ != Representation::Masked) return;
  float* w = dense_.data();
  const uint8_t* m = mask_.data();
  for (int64_t i = 0, n = size(); i < n; ++i) w[i] = m[i] ? w[i] : 0.0f;
}

void LayerWeights::forward(const float* X, int64_t batch, float* Y) const {
  if (representation_ == Representation::Csr) {
    ops_->spmm(csr_, X, batch, Y);
    return;
  }
  GemmArgs g;
  g.transB = true;
  g.M = batch, g.N = rows_, g.K = cols_;
  g.A = X, g.lda = cols_, g.B = dense_.data(), g.ldb = cols_, g.C = Y, g.ldc = rows_;
  ops_->gemm(g);
}

void LayerWeights::inputGrad(const float* dY, int64_t batch, float* dX) const {
  if (representation_ == Representation::Csr) {
    ops_->spmmInputGrad(csr_, dY, batch, dX);
    return;
  }
  GemmArgs g;
  g.M = batch, g.N = cols_, g.K = rows_;
  g.A = dY, g.lda = rows_, g.B = dense_.data(), g.ldb = cols_, g.C = dX, g.ldc = cols_;
  ops_->gemm(g);
}

void LayerWeights::weightGrad(const float* dY, const float* X, int64_t batch) {
  if (representation_ == Representation::Csr) {
    ops_->sddmm(csr_, dY, X, batch, grad_.data());
    return;
  }
  GemmArgs g;
  g.transA = true;
  g.M = rows_, g.N = cols_, g.K = batch;
  g.A = dY, g.lda = rows_, g.B = X, g.ldb = cols_, g.C = grad_.data(), g.ldc = cols_;
  ops_->gemm(g);
}

void LayerWeights::backward(const float* dY, const float* X, int64_t batch, float* dX) {
  if (representation_ == Representation::Csr && dX) {
    ops_->spmmBackward(csr_, dY, X, batch, dX, grad_.data());
    return;
  }
  weightGrad(dY, X, batch);
  if (dX) inputGrad(dY, batch, dX);
}

}  // namespace prunerl
