#include "model/layer_weights.h"

#include <algorithm>
#include <cstring>

#include "base/errors.h"
#include "model/model_epoch.h"

namespace prunerl {
namespace {

enum CsrIndex { kRowPtr, kColIdx, kColPtr, kRowIdx, kValueOf, kRowOrder, kColOrder };

}  // namespace

LayerWeights::LayerWeights(const DeviceOps& ops, int64_t rows, int64_t cols)
    : ops_(&ops), rows_(rows), cols_(cols), values_(*ops.memory, rows * cols), mask_(*ops.memory),
      grad_(*ops.memory, rows * cols), kept_(rows * cols) {
  for (auto& b : csrIndex_) b = Buffer<int32_t>(*ops.memory);
  for (auto& b : state_) b = Buffer<float>(*ops.memory);
}

int64_t LayerWeights::kept() const { return kept_; }

int64_t LayerWeights::paramCount() const {
  return representation_ == Representation::Csr ? static_cast<int64_t>(csr_.colIdx.size()) : size();
}

float* LayerWeights::params() { return values_.data(); }

void LayerWeights::copyDense(float* out) const {
  if (representation_ == Representation::Csr) {
    const std::vector<float> dense = expandToDense(values_.toHost());
    std::memcpy(out, dense.data(), dense.size() * sizeof(float));
  } else {
    values_.download(out);
  }
}

void LayerWeights::copyMask(uint8_t* out) const {
  switch (representation_) {
    case Representation::Masked: mask_.download(out); break;
    case Representation::Csr:
      std::memset(out, 0, static_cast<size_t>(size()));
      for (int64_t r = 0; r < rows_; ++r)
        for (int32_t j = csr_.rowPtr[r]; j < csr_.rowPtr[r + 1]; ++j) out[r * cols_ + csr_.colIdx[j]] = 1;
      break;
    default: std::memset(out, 1, static_cast<size_t>(size()));
  }
}

void LayerWeights::copyDenseGrad(float* out) const {
  const std::vector<float> dense = expandToDense(grad_.toHost());
  std::memcpy(out, dense.data(), dense.size() * sizeof(float));
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
  std::vector<float> packed(csr_.colIdx.size());
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

void LayerWeights::placeCsr(CsrMatrix structure) {
  structure.buildTranspose();
  csr_ = std::move(structure);
  csrView_ = CsrView{};
  csrView_.rows = rows_, csrView_.cols = cols_, csrView_.nnz = static_cast<int64_t>(csr_.colIdx.size());
  if (ops_->memory->host) {
    csrView_.rowPtr = csr_.rowPtr.data(), csrView_.colIdx = csr_.colIdx.data();
    csrView_.colPtr = csr_.colPtr.data(), csrView_.rowIdx = csr_.rowIdx.data(), csrView_.valueOf = csr_.valueOf.data();
    for (auto& b : csrIndex_) b.clear();
  } else {
    const std::vector<int32_t>* host[] = {&csr_.rowPtr, &csr_.colIdx, &csr_.colPtr, &csr_.rowIdx, &csr_.valueOf};
    for (int i = 0; i < 5; ++i) csrIndex_[i].assign(*host[i]);
    csrIndex_[kRowOrder].assign(linesByLength(csr_.rowPtr));
    csrIndex_[kColOrder].assign(linesByLength(csr_.colPtr));
    csrView_.rowPtr = csrIndex_[kRowPtr].data(), csrView_.colIdx = csrIndex_[kColIdx].data();
    csrView_.colPtr = csrIndex_[kColPtr].data(), csrView_.rowIdx = csrIndex_[kRowIdx].data();
    csrView_.valueOf = csrIndex_[kValueOf].data();
    csrView_.rowOrder = csrIndex_[kRowOrder].data(), csrView_.colOrder = csrIndex_[kColOrder].data();
  }
}

void LayerWeights::rebuild(const float* w, const uint8_t* mask, RepresentationPolicy policy) {
  bumpModelEpoch();
  policy_ = policy;
  // Optimizer state goes through the dense layout so it survives a change of representation.
  std::vector<float> denseStates[kStateSlots];
  for (int s = 0; s < stateSlots_; ++s) denseStates[s] = expandToDense(state_[s].toHost());

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
  kept_ = keptCount;
  if (next == Representation::Csr) {
    CsrMatrix structure = csrFromDense(values.data(), keep.data(), rows_, cols_);
    values_.assign(structure.values);
    structure.values.clear();
    structure.values.shrink_to_fit();
    placeCsr(std::move(structure));
    csrView_.values = values_.data();
    mask_.clear();
  } else {
    values_.assign(values);
    if (next == Representation::Masked)
      mask_.assign(keep);
    else
      mask_.clear();
    csr_ = CsrMatrix{};
    csrView_ = CsrView{};
    for (auto& b : csrIndex_) b.clear();
  }
  grad_.assignZeros(paramCount());
  for (int s = 0; s < stateSlots_; ++s) state_[s].assign(packFromDense(denseStates[s]));
}

void LayerWeights::ensureState(int slots) {
  if (slots > kStateSlots)
    throw RangeError("Expected at most " + std::to_string(kStateSlots) + " optimizer state slots but received " +
                     std::to_string(slots));
  bumpModelEpoch();
  for (int s = 0; s < slots; ++s) state_[s].assignZeros(paramCount());
  for (int s = slots; s < kStateSlots; ++s) state_[s].clear();
  stateSlots_ = slots;
}

std::vector<float> LayerWeights::denseState(int slot) const {
  if (slot >= stateSlots_) return std::vector<float>(static_cast<size_t>(size()), 0.0f);
  return expandToDense(state_[slot].toHost());
}

void LayerWeights::setDenseState(int slot, const float* dense) {
  if (slot >= stateSlots_) return;
  bumpModelEpoch();
  std::vector<float> d(dense, dense + size());
  std::vector<uint8_t> mask(static_cast<size_t>(size()));
  copyMask(mask.data());
  for (int64_t i = 0; i < size(); ++i)
    if (!mask[i]) d[i] = 0.0f;
  state_[slot].assign(packFromDense(d));
}

void LayerWeights::afterStep() {
  if (representation_ != Representation::Masked) return;
  ops_->applyMask(values_.data(), mask_.data(), size());
}

void LayerWeights::forward(const float* X, int64_t batch, float* Y) const {
  if (representation_ == Representation::Csr) {
    ops_->spmm(csrView_, X, batch, Y);
    return;
  }
  GemmArgs g;
  g.transB = true;
  g.M = batch, g.N = rows_, g.K = cols_;
  g.A = X, g.lda = cols_, g.B = values_.data(), g.ldb = cols_, g.C = Y, g.ldc = rows_;
  ops_->gemm(g);
}

void LayerWeights::inputGrad(const float* dY, int64_t batch, float* dX) const {
  if (representation_ == Representation::Csr) {
    ops_->spmmInputGrad(csrView_, dY, batch, dX);
    return;
  }
  GemmArgs g;
  g.M = batch, g.N = cols_, g.K = rows_;
  g.A = dY, g.lda = rows_, g.B = values_.data(), g.ldb = cols_, g.C = dX, g.ldc = cols_;
  ops_->gemm(g);
}

void LayerWeights::weightGrad(const float* dY, const float* X, int64_t batch) {
  if (representation_ == Representation::Csr) {
    ops_->sddmm(csrView_, dY, X, batch, grad_.data());
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
    ops_->spmmBackward(csrView_, dY, X, batch, dX, grad_.data());
    return;
  }
  weightGrad(dY, X, batch);
  if (dX) inputGrad(dY, batch, dX);
}

}  // namespace prunerl
