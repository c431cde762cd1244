// A native Network: a sequential stack (Conv2d / Linear / ReLU / Flatten / MaxPool / residual blocks) with
// forward, backward, an optimizer step and per-layer masks. Each weight layer picks dense, masked-dense or CSR
// kernels from its density (model/representation.h); nothing outside LayerWeights branches on that choice.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/model_epoch.h"
#include "model/optimizer.h"
#include "model/sequential.h"
#include "model/weight_layer.h"
#include "ops/device_ops.h"
#include "ops/magnitude_prune.h"

namespace prunerl {

struct LayerSpec {
  std::string type;  // linear, conv2d, relu, flatten, maxpool2d, residual
  int64_t out = 0, kernel = 0, stride = 1, padding = 0;
  std::vector<LayerSpec> body;  // residual only
};

class Network {
 public:
  // Every op runs through `ops` (a static device table: cpuOps() and the like), chosen here once for good; the
  // caller has checked that it holds every op a Network needs (ops/device_ops.h missingModelOp).
  Network(const std::vector<LayerSpec>& spec, const ActShape& input, uint64_t seed, const DeviceOps& ops);
  const DeviceOps& ops() const { return ops_; }

  const ActShape& inputShape() const { return root_.inputShape(); }
  int64_t outputSize() const { return root_.outputShape().size(); }
  const std::vector<WeightLayer*>& weightLayers() const { return weightLayers_; }
  WeightLayer& weightLayer(int64_t index);  // RangeError naming index when out of range

  // Every pointer in the device's memory (ops().memory): the output [batch, outputSize()] stays valid until the next
  // forward. The *Host variants take and give host arrays, for callers outside an update (the bindings).
  const float* forward(const float* x, int64_t batch);
  void forwardHost(const float* x, int64_t batch, float* out);
  // Gradients of the last forward into every layer; dInput (nullable) receives dLoss/dInput [lastBatch, input].
  void backward(const float* dOut, float* dInput = nullptr);
  void backwardHost(const float* dOut, float* dInput = nullptr);
  // The batch of the last forward (0 before any): backward() reads lastBatch() · outputSize() gradients.
  int64_t lastBatch() const { return root_.lastBatch(); }

  void setOptimizer(const OptimizerSpec& spec);
  void step();  // advanceStep() then applyStep()
  // The two halves of step(), for a captured update (a CUDA graph): the count advances on the host and is written to
  // the device's memory before a replay (advanceStep), the optimizer's kernels read it there (applyStep).
  void advanceStep();
  void applyStep();
  void rewindStep();  // undoes advanceStep() (an update that failed before its optimizer step)
  // What a forward of `batch` rows leaves on the host (lastBatch()), for an update replayed on the device.
  void noteForward(int64_t batch) { root_.noteForward(batch); }
  bool hasOptimizer() const { return hasOptimizer_; }
  int64_t stepCount() const { return step_; }

  // Magnitude pruning; sparsities[i] < 0 leaves layer i as it is.
  PruneResult pruneLayers(const std::vector<double>& sparsities);
  PruneResult pruneGlobal(double sparsity, const std::vector<int64_t>& layers);
  void setMask(int64_t index, const uint8_t* mask);
  void setPolicy(RepresentationPolicy policy);

  // Biases in the dense host layout (the bindings' view; weights are LayerWeights::copyDense).
  std::vector<float> bias(int64_t index);
  void setBias(int64_t index, const float* b);
  std::vector<float> biasGradient(int64_t index);

  // Weights, biases and masks from a network built from the same spec (the target-network sync).
  void copyFrom(const Network& other);
  std::vector<std::vector<float>> activations() const;

  // Optimizer state in the dense layout: per weight layer [w0, w1, b0, b1] (zeros for unused slots).
  std::vector<std::vector<float>> optimizerState() const;
  void setOptimizerState(int64_t step, const std::vector<std::vector<float>>& tensors);

 private:
  void writeStep();  // step_ and its Adam corrections to stepOnDevice_
  PruneResult prune(const std::vector<int64_t>& layers, const std::vector<double>& sparsities, PruneScope scope,
                    double globalSparsity);

  const DeviceOps& ops_;
  Sequential root_;
  std::vector<WeightLayer*> weightLayers_;
  OptimizerSpec optimizer_;
  bool hasOptimizer_ = false;
  int64_t step_ = 0;
  Buffer<float> hostStaging_;     // backwardHost's dInput on a non-host device
  Buffer<AdamStepState> stepOnDevice_;  // step_ and Adam's corrections, where the optimizer's kernels read them
  RepresentationPolicy policy_ = RepresentationPolicy::Auto;
};

}  // namespace prunerl
