#include "model/network.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "base/errors.h"
#include "model/residual_layer.h"
#include "model/shape_layers.h"

namespace prunerl {
namespace {

void build(const DeviceOps& ops, Sequential& seq, const std::vector<LayerSpec>& spec, const std::string& path) {
  for (size_t i = 0; i < spec.size(); ++i) {
    const LayerSpec& s = spec[i];
    const ActShape in = seq.outputShape();
    const std::string where = path + "[" + std::to_string(i) + "]";
    try {
      if (s.type == "linear") {
        seq.add(std::make_unique<LinearLayer>(ops, in, s.out));
      } else if (s.type == "conv2d") {
        seq.add(std::make_unique<Conv2dLayer>(ops, in, s.out, s.kernel, s.stride, s.padding));
      } else if (s.type == "relu") {
        seq.add(std::make_unique<ReluLayer>(ops, in));
      } else if (s.type == "flatten") {
        seq.add(std::make_unique<FlattenLayer>(ops, in));
      } else if (s.type == "maxpool2d") {
        seq.add(std::make_unique<MaxPool2dLayer>(ops, in, s.kernel, s.stride, s.padding));
      } else if (s.type == "residual") {
        Sequential body(in, *ops.memory);
        build(ops, body, s.body, where + ".body");
        seq.add(std::make_unique<ResidualLayer>(ops, std::move(body)));
      } else {
        throw RangeError("Expected one of linear, conv2d, relu, flatten, maxpool2d, residual for " + where +
                         ".type but received '" + s.type + "'");
      }
    } catch (const RangeError& e) {
      std::string msg = e.what();
      if (msg.find(where) == std::string::npos) msg = where + ": " + msg;
      throw RangeError(msg);
    }
  }
}

}  // namespace

Network::Network(const std::vector<LayerSpec>& spec, const ActShape& input, uint64_t seed, const DeviceOps& ops)
    : ops_(ops), root_(input, *ops.memory), hostStaging_(*ops.memory), stepOnDevice_(*ops.memory, 1) {
  if (const char* op = missingModelOp(ops))
    throw std::logic_error(std::string("prunerl: a Network was built on device ") + ops.device + ", which lacks " + op);
  build(ops_, root_, spec, "spec");
  root_.collectWeightLayers(weightLayers_);
  Rng rng(seed);
  for (WeightLayer* layer : weightLayers_) layer->initialise(rng);
}

WeightLayer& Network::weightLayer(int64_t index) {
  if (index < 0 || index >= static_cast<int64_t>(weightLayers_.size()))
    throw RangeError("Expected a weight layer index in [0, " + std::to_string(weightLayers_.size()) +
                     ") for index but received " + std::to_string(index));
  return *weightLayers_[static_cast<size_t>(index)];
}

const float* Network::forward(const float* x, int64_t batch) { return root_.forward(x, batch); }

void Network::backward(const float* dOut, float* dInput) { root_.backward(dOut, dInput); }

void Network::forwardHost(const float* x, int64_t batch, float* out) {
  const float* y = root_.forward(x, batch, /*xOnHost=*/true);
  ops_.memory->download(out, y, batch * outputSize() * static_cast<int64_t>(sizeof(float)));
}

void Network::backwardHost(const float* dOut, float* dInput) {
  if (dInput == nullptr || ops_.memory->host) {
    root_.backward(dOut, dInput, /*dyOnHost=*/true);
    return;
  }
  hostStaging_.resize(lastBatch() * inputShape().size());
  root_.backward(dOut, hostStaging_.data(), /*dyOnHost=*/true);
  hostStaging_.download(dInput);
}

std::vector<float> Network::bias(int64_t index) { return weightLayer(index).bias.toHost(); }
void Network::setBias(int64_t index, const float* b) { weightLayer(index).bias.upload(b); }
std::vector<float> Network::biasGradient(int64_t index) { return weightLayer(index).biasGradient.toHost(); }

void Network::setOptimizer(const OptimizerSpec& spec) {
  optimizer_ = spec;
  hasOptimizer_ = true;
  step_ = 0;
  bumpModelEpoch();
  const int slots = spec.stateSlots();
  for (WeightLayer* l : weightLayers_) {
    l->weights.ensureState(slots);
    for (int s = 0; s < LayerWeights::kStateSlots; ++s) {
      if (s < slots)
        l->biasState[s].assignZeros(l->bias.size());
      else
        l->biasState[s].clear();
    }
  }
}

void Network::step() {
  advanceStep();
  applyStep();
}

void Network::advanceStep() {
  if (!hasOptimizer_) throw RangeError("Expected setOptimizer() before step() on this network");
  ++step_;
  writeStep();
}

void Network::rewindStep() {
  --step_;
  writeStep();
}

void Network::writeStep() {
  const AdamStepState state = adamStepState(optimizer_.adam, step_);
  stepOnDevice_.upload(&state);
}

void Network::applyStep() {
  const AdamStepState* step = stepOnDevice_.data();
  for (WeightLayer* l : weightLayers_) {
    LayerWeights& w = l->weights;
    applyOptimizer(ops_, optimizer_, w.params(), w.grads(), w.state(0), w.state(1), w.state(2), w.paramCount(), step);
    w.afterStep();
    applyOptimizer(ops_, optimizer_, l->bias.data(), l->biasGradient.data(), l->biasState[0].data(),
                   l->biasState[1].data(), l->biasState[2].data(), l->bias.size(), step);
  }
}

PruneResult Network::prune(const std::vector<int64_t>& layers, const std::vector<double>& sparsities,
                           PruneScope scope, double globalSparsity) {
  // Materialise the chosen layers densely, prune with the shared kernel, then let each layer re-choose its
  // representation (dropping the optimizer state of what was pruned).
  std::vector<std::vector<float>> w(layers.size());
  std::vector<std::vector<uint8_t>> m(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    LayerWeights& lw = weightLayer(layers[i]).weights;
    w[i].resize(static_cast<size_t>(lw.size()));
    m[i].resize(static_cast<size_t>(lw.size()));
    lw.copyDense(w[i].data());
    lw.copyMask(m[i].data());
  }
  // The thresholding runs in the device's memory, in place (radix select on CUDA): on a non-host device the
  // dense copies go there and back.
  const bool staged = !ops_.memory->host;
  std::vector<Buffer<float>> dw;
  std::vector<Buffer<uint8_t>> dm;
  std::vector<PruneTarget> targets;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (staged) {
      dw.emplace_back(*ops_.memory, w[i]);
      dm.emplace_back(*ops_.memory, m[i]);
    }
    targets.push_back({staged ? dw[i].data() : w[i].data(), staged ? dm[i].data() : m[i].data(),
                       static_cast<int64_t>(w[i].size())});
  }
  PruneResult total;
  if (scope == PruneScope::Global) {
    total = ops_.magnitudePrune(targets, globalSparsity, PruneScope::Global);
  } else {
    for (size_t i = 0; i < layers.size(); ++i) {
      PruneResult r = ops_.magnitudePrune({targets[i]}, sparsities[i], PruneScope::Layer);
      total.thresholds.push_back(r.thresholds.empty() ? 0.0f : r.thresholds[0]);
      total.pruned += r.pruned;
    }
  }
  if (staged)
    for (size_t i = 0; i < layers.size(); ++i) {
      dw[i].download(w[i].data());
      dm[i].download(m[i].data());
    }
  // `pruned` is what the layers lost, counted on the layers themselves, so it cannot disagree with params().kept.
  int64_t keptBefore = 0, keptAfter = 0;
  for (int64_t l : layers) keptBefore += weightLayer(l).weights.kept();
  for (size_t i = 0; i < layers.size(); ++i) weightLayer(layers[i]).weights.rebuild(w[i].data(), m[i].data(), policy_);
  for (int64_t l : layers) keptAfter += weightLayer(l).weights.kept();
  total.pruned = keptBefore - keptAfter;
  return total;
}

PruneResult Network::pruneLayers(const std::vector<double>& sparsities) {
  if (sparsities.size() != weightLayers_.size())
    throw RangeError("Expected sparsities to have " + std::to_string(weightLayers_.size()) +
                     " entries (one per weight layer) but received " + std::to_string(sparsities.size()));
  std::vector<int64_t> layers;
  std::vector<double> chosen;
  for (size_t i = 0; i < sparsities.size(); ++i) {
    if (sparsities[i] < 0) continue;
    layers.push_back(static_cast<int64_t>(i));
    chosen.push_back(sparsities[i]);
  }
  PruneResult r = prune(layers, chosen, PruneScope::Layer, 0.0);
  // Report a threshold for every layer (0 for those left alone) so indices line up with params().
  std::vector<float> all(weightLayers_.size(), 0.0f);
  for (size_t i = 0; i < layers.size(); ++i) all[static_cast<size_t>(layers[i])] = r.thresholds[i];
  r.thresholds = all;
  return r;
}

PruneResult Network::pruneGlobal(double sparsity, const std::vector<int64_t>& layers) {
  std::vector<bool> seen(weightLayers_.size(), false);
  for (int64_t l : layers) {
    weightLayer(l);  // validates the index
    // A layer named twice would be pruned through two copies, the last one winning, and counted twice.
    if (seen[static_cast<size_t>(l)])
      throw RangeError("Expected distinct indices in layers but received " + std::to_string(l) + " more than once");
    seen[static_cast<size_t>(l)] = true;
  }
  return prune(layers, {}, PruneScope::Global, sparsity);
}

void Network::setMask(int64_t index, const uint8_t* mask) {
  LayerWeights& lw = weightLayer(index).weights;
  std::vector<float> w(static_cast<size_t>(lw.size()));
  std::vector<uint8_t> current(static_cast<size_t>(lw.size()));
  lw.copyDense(w.data());
  lw.copyMask(current.data());
  // A mask only removes weights: an entry pruned before stays pruned (no regrowth).
  for (size_t i = 0; i < current.size(); ++i) current[i] = (current[i] && mask[i]) ? 1 : 0;
  lw.rebuild(w.data(), current.data(), policy_);
}

void Network::setPolicy(RepresentationPolicy policy) {
  policy_ = policy;
  for (WeightLayer* l : weightLayers_) l->weights.setPolicy(policy);
}

void Network::copyFrom(const Network& other) {
  if (other.weightLayers_.size() != weightLayers_.size())
    throw RangeError("Expected a network with the same layers for other but its weight layer count differs");
  for (size_t i = 0; i < weightLayers_.size(); ++i) {
    WeightLayer& dst = *weightLayers_[i];
    const WeightLayer& src = *other.weightLayers_[i];
    if (dst.weightShape() != src.weightShape())
      throw RangeError("Expected a network with the same layers for other but weight layer " + std::to_string(i) +
                       " has a different shape");
    std::vector<float> w(static_cast<size_t>(src.weights.size()));
    std::vector<uint8_t> m(w.size());
    src.weights.copyDense(w.data());
    src.weights.copyMask(m.data());
    dst.weights.rebuild(w.data(), m.data(), policy_);
    if (other.ops_.memory == ops_.memory)
      dst.bias.copyFrom(src.bias);
    else
      dst.bias.assign(src.bias.toHost());  // another device's memory: through the host, as the weights go
  }
}

std::vector<std::vector<float>> Network::activations() const {
  std::vector<std::vector<float>> out;
  root_.collectActivations(out);
  return out;
}

std::vector<std::vector<float>> Network::optimizerState() const {
  std::vector<std::vector<float>> out;
  for (const WeightLayer* l : weightLayers_) {
    for (int s = 0; s < LayerWeights::kStateSlots; ++s) out.push_back(l->weights.denseState(s));
    for (int s = 0; s < LayerWeights::kStateSlots; ++s)
      out.push_back(l->biasState[s].empty() ? std::vector<float>(static_cast<size_t>(l->bias.size()), 0.0f)
                                            : l->biasState[s].toHost());
  }
  return out;
}

// Per weight layer: the weight's kStateSlots moments, then the bias's. Checkpoints written before the momentum
// buffer existed hold 2 slots per layer (4 arrays); they still load, with the missing slot as zeros.
void Network::setOptimizerState(int64_t step, const std::vector<std::vector<float>>& tensors) {
  if (!hasOptimizer_) throw RangeError("Expected setOptimizer() before setOptimizerState() on this network");
  constexpr int kLegacySlots = 2;
  const size_t layers = weightLayers_.size();
  const int slots = layers > 0 && tensors.size() == 2 * kLegacySlots * layers ? kLegacySlots : LayerWeights::kStateSlots;
  const size_t per = 2 * static_cast<size_t>(slots);
  if (tensors.size() != per * layers)
    throw RangeError("Expected state.tensors to have " + std::to_string(2 * LayerWeights::kStateSlots * layers) +
                     " arrays (" + std::to_string(2 * LayerWeights::kStateSlots) + " per weight layer; " +
                     std::to_string(2 * kLegacySlots * layers) + " from an older checkpoint) but received " +
                     std::to_string(tensors.size()));
  for (size_t i = 0; i < layers; ++i) {
    const WeightLayer& l = *weightLayers_[i];
    for (int s = 0; s < slots; ++s)
      for (size_t k : {i * per + s, i * per + slots + s}) {
        const bool isWeight = k == i * per + s;
        if (static_cast<int64_t>(tensors[k].size()) != (isWeight ? l.weights.size() : l.bias.size()))
          throw RangeError("Expected state.tensors[" + std::to_string(k) + "] to match weight layer " +
                           std::to_string(i) + "'s " + (isWeight ? "weight" : "bias") + " size");
      }
  }
  // Everything checked first, so a refused state leaves the network as it was.
  for (size_t i = 0; i < layers; ++i) {
    WeightLayer& l = *weightLayers_[i];
    for (int s = 0; s < LayerWeights::kStateSlots; ++s) {
      const bool given = s < slots;
      const std::vector<float> zerosW(given ? 0 : static_cast<size_t>(l.weights.size()), 0.0f);
      l.weights.setDenseState(s, given ? tensors[i * per + s].data() : zerosW.data());
      if (!l.biasState[s].empty()) {
        if (given)
          l.biasState[s].assign(tensors[i * per + slots + s]);
        else
          l.biasState[s].assignZeros(l.bias.size());
      }
    }
  }
  step_ = step;
  bumpModelEpoch();
}

}  // namespace prunerl
