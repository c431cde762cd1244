// The weights of one linear or conv layer viewed as a matrix W[rows = out, cols = fan-in], in whichever
// representation (dense, masked, CSR) suits their density, with the gradient and optimizer state that go with the
// stored values. Everything outside this class sees the same three products (Y = X·Wᵀ, dX = dY·W, dW at kept
// positions) and the same flat parameter array for the optimizer, whatever the representation.
// Values, gradients, optimizer state, the mask and the CSR structure live in the device's memory (model/buffer.h);
// the methods that take or give dense host arrays (copyDense, rebuild, denseState…) stage through the host, and
// run only when weights are pruned, synced, read or checkpointed, never inside an update.
#pragma once
#include <cstdint>
#include <vector>

#include "model/buffer.h"
#include "model/representation.h"
#include "ops/csr.h"
#include "ops/device_ops.h"

namespace prunerl {

class LayerWeights {
 public:
  // Optimizer moments per parameter: Adam m, v; RMSProp square avg, grad avg (centered), momentum buffer.
  static constexpr int kStateSlots = 3;

  // The products run through `ops`, the Network's device table (static; it outlives these weights).
  LayerWeights(const DeviceOps& ops, int64_t rows, int64_t cols);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  int64_t size() const { return rows_ * cols_; }
  int64_t kept() const;
  Representation representation() const { return representation_; }

  // Dense host views (materialised for CSR).
  void copyDense(float* out) const;
  void copyMask(uint8_t* out) const;
  void copyDenseGrad(float* out) const;
  // Replaces the weights; entries whose mask is 0 are forced to 0 (pruned weights never regrow).
  void setDense(const float* w);
  // Replaces the mask and the weights in one go (weights at mask 0 become 0); optimizer state of newly masked
  // entries is dropped. The representation is re-chosen with `policy`.
  void rebuild(const float* w, const uint8_t* mask, RepresentationPolicy policy);
  void setPolicy(RepresentationPolicy policy);

  // The products: every pointer in the device's memory.
  // Y[batch,rows] = X[batch,cols] · Wᵀ
  void forward(const float* X, int64_t batch, float* Y) const;
  // dX[batch,cols] = dY[batch,rows] · W
  void inputGrad(const float* dY, int64_t batch, float* dX) const;
  // Stores the gradient of the stored values: dW = dYᵀ·X (dense) or at kept positions only (CSR, SDDMM).
  void weightGrad(const float* dY, const float* X, int64_t batch);
  // weightGrad, then inputGrad unless dX is null; CSR does both in one pass (spmmBackward).
  void backward(const float* dY, const float* X, int64_t batch, float* dX);

  // The flat parameter array the optimizer updates, its gradient and state, all of paramCount() entries.
  float* params();
  float* grads() { return grad_.data(); }  // (device memory, as params() and state())
  float* state(int slot) { return state_[slot].data(); }
  int64_t paramCount() const;
  void ensureState(int slots);  // allocates (zeroed) optimizer state for `slots` moments
  // Optimizer state in the dense layout (zeros at pruned positions), for checkpoints.
  std::vector<float> denseState(int slot) const;
  void setDenseState(int slot, const float* dense);
  // After an optimizer step: pruned entries back to exactly 0 (masked representation).
  void afterStep();

 private:
  void toRepresentation(Representation r);
  std::vector<float> expandToDense(const std::vector<float>& packed) const;   // CSR order -> dense (host)
  std::vector<float> packFromDense(const std::vector<float>& dense) const;     // dense -> current layout (host)
  void placeCsr(CsrMatrix structure);  // keeps the structure on the host, and on the device when it is not the host

  const DeviceOps* ops_;
  int64_t rows_, cols_;
  Representation representation_ = Representation::Dense;
  RepresentationPolicy policy_ = RepresentationPolicy::Auto;
  Buffer<float> values_;        // Dense/Masked: W[rows, cols]; Csr: the kept weights in CSR order (the params)
  Buffer<uint8_t> mask_;        // Masked: 1 = kept; empty otherwise
  CsrMatrix csr_;               // Csr: the structure on the host (its values are empty: they live in values_)
  Buffer<int32_t> csrIndex_[7]; // Csr on a non-host device: rowPtr, colIdx, colPtr, rowIdx, valueOf, row/col order
  CsrView csrView_;             // Csr: the structure and values_ as the device's products take them
  Buffer<float> grad_;          // paramCount()
  Buffer<float> state_[kStateSlots];
  int stateSlots_ = 0;
  int64_t kept_ = 0;            // kept weights (counted at rebuild, so kept() never reads the device)
};

}  // namespace prunerl
