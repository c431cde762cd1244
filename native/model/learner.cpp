#include "model/learner.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/errors.h"

namespace prunerl {
namespace {

void resizeTo(std::vector<float>& v, int64_t n) { v.resize(static_cast<size_t>(n)); }

}  // namespace

Learner::Learner(const LearnerOptions& options, const DeviceOps& ops) : options_(options), ops_(ops) {
  const QHeadSpec& h = options.head;
  if (h.actions < 1) throw RangeError("Expected an integer ≥ 1 for head.actions but received " + std::to_string(h.actions));
  if (h.kind == QHeadSpec::Kind::C51) {
    if (h.atoms < 2) throw RangeError("Expected an integer ≥ 2 for head.atoms but received " + std::to_string(h.atoms));
    if (!(std::isfinite(h.vMin) && std::isfinite(h.vMax) && h.vMax > h.vMin))
      throw RangeError("Expected finite head.vMin < head.vMax but received " + std::to_string(h.vMin) + ", " +
                       std::to_string(h.vMax));
  }
}

void Learner::checkNetworks(const Network& online, const Network& target) const {
  const int64_t outputs = options_.head.outputs();
  if (online.outputSize() != outputs || target.outputSize() != outputs)
    throw RangeError("Expected online and target networks with " + std::to_string(outputs) +
                     " outputs (the head's) but received " + std::to_string(online.outputSize()) + " and " +
                     std::to_string(target.outputSize()));
  if (!(online.inputShape() == target.inputShape()))
    throw RangeError("Expected online and target networks with the same input shape but received " +
                     online.inputShape().str() + " and " + target.inputShape().str());
  if (&online.ops() != &ops_ || &target.ops() != &ops_)
    throw RangeError(std::string("Expected online and target networks on the learner's device (") + ops_.device +
                     ") but received networks on " + online.ops().device + " and " + target.ops().device);
  if (!online.hasOptimizer()) throw RangeError("Expected setOptimizer() on the online network before an update");
}

void Learner::reserve(int64_t batch) {
  if (batch == batch_) return;
  const QHeadSpec& h = options_.head;
  const int64_t B = batch, A = h.actions;
  for (auto* v : {&qNext_, &qOnlineNext_, &q_, &dQ_}) resizeTo(*v, B * A);
  for (auto* v : {&perSample_, &nextValue_, &y_, &taken_, &lossGrad_}) resizeTo(*v, B);
  resizeTo(dOut_, B * h.outputs());
  greedy_.resize(static_cast<size_t>(B));
  if (h.kind == QHeadSpec::Kind::C51) {
    const int64_t N = h.atoms;
    for (auto* v : {&logits_, &pNext_, &pOnlineNext_, &dLogits_}) resizeTo(*v, B * A * N);
    for (auto* v : {&m_, &takenLogits_, &dTaken_}) resizeTo(*v, B * N);
  }
  batch_ = batch;
}

double Learner::update(Network& online, Network& target, const LearnerBatch& batch) {
  checkNetworks(online, target);
  if (batch.batch < 1) throw RangeError("Expected a batch of at least 1 sample but received " + std::to_string(batch.batch));
  for (int64_t b = 0; b < batch.batch; ++b)
    if (batch.actions[b] < 0 || batch.actions[b] >= options_.head.actions)
      throw RangeError("Expected an integer in [0, " + std::to_string(options_.head.actions) + ") for actions[" +
                       std::to_string(b) + "] but received " + std::to_string(batch.actions[b]));
  reserve(batch.batch);
  return options_.head.kind == QHeadSpec::Kind::C51 ? c51Update(online, target, batch, perSample_.data())
                                                    : dqnUpdate(online, target, batch, perSample_.data());
}

// dqn_update.ts, line for line: the same forwards in the same order (the online forward on s last, so backward
// sees its activations), the target y_b rounded to float, the Huber/MSE kernel, importance weights in double.
double Learner::dqnUpdate(Network& online, Network& target, const LearnerBatch& batch, float* perSample) {
  const QHeadSpec& head = options_.head;
  const int64_t B = batch.batch, A = head.actions;
  qValuesFromOutputs(head, target.forward(batch.nextObs, B), B, qNext_.data());
  if (options_.doubleQ) {
    qValuesFromOutputs(head, online.forward(batch.nextObs, B), B, qOnlineNext_.data());
    ops_.argmaxRows(qOnlineNext_.data(), B, A, greedy_.data());
    ops_.gatherRows(qNext_.data(), greedy_.data(), B, A, nextValue_.data());
  } else {
    ops_.maxRows(qNext_.data(), B, A, nextValue_.data());
  }
  for (int64_t b = 0; b < B; ++b)
    y_[b] = static_cast<float>(static_cast<double>(batch.rewards[b]) +
                               static_cast<double>(batch.discounts[b]) * (1.0 - static_cast<double>(batch.dones[b])) *
                                   static_cast<double>(nextValue_[b]));

  qValuesFromOutputs(head, online.forward(batch.obs, B), B, q_.data());
  ops_.gatherRows(q_.data(), batch.actions, B, A, taken_.data());
  const bool huber = options_.loss == TdLoss::Huber;
  double loss = huber ? ops_.huberLoss(taken_.data(), y_.data(), B, 1.0f, lossGrad_.data())
                      : ops_.mseLoss(taken_.data(), y_.data(), B, lossGrad_.data());
  if (batch.weights) {
    // The mean of w_b·ℓ_b (each gradient scales by w_b below), summed in the reference's order.
    loss = 0.0;
    for (int64_t b = 0; b < B; ++b) {
      const double d = std::fabs(static_cast<double>(taken_[b]) - static_cast<double>(y_[b]));
      const double perLoss = huber ? (d <= 1.0 ? 0.5 * d * d : d - 0.5) : d * d;
      loss += static_cast<double>(batch.weights[b]) * perLoss / static_cast<double>(B);
    }
  }
  std::fill(dQ_.begin(), dQ_.end(), 0.0f);
  for (int64_t b = 0; b < B; ++b) {
    perSample[b] = static_cast<float>(std::fabs(static_cast<double>(taken_[b]) - static_cast<double>(y_[b])));
    const double w = batch.weights ? static_cast<double>(batch.weights[b]) : 1.0;
    dQ_[b * A + batch.actions[b]] = static_cast<float>(static_cast<double>(lossGrad_[b]) * w);
  }
  if (head.kind == QHeadSpec::Kind::Q) {
    online.backward(dQ_.data());
  } else {
    qHeadBackward(head, dQ_.data(), B, dOut_.data());
    online.backward(dOut_.data());
  }
  online.step();
  return loss;
}

// c51_update.ts, line for line: probabilities of s' under the target network, a* from the chooser's expected
// values, the categorical projection Φ of the target distribution onto the support, then the cross-entropy.
double Learner::c51Update(Network& online, Network& target, const LearnerBatch& batch, float* perSample) {
  const QHeadSpec& head = options_.head;
  const int64_t B = batch.batch, A = head.actions, N = head.atoms;
  const double dz = head.atomSpacing();

  c51Probabilities(c51Logits(head, target.forward(batch.nextObs, B), B, logits_.data()), B * A, N, pNext_.data());
  if (options_.doubleQ) {
    c51Probabilities(c51Logits(head, online.forward(batch.nextObs, B), B, logits_.data()), B * A, N,
                     pOnlineNext_.data());
    c51Expectation(head, pOnlineNext_.data(), B * A, qOnlineNext_.data());
    ops_.argmaxRows(qOnlineNext_.data(), B, A, greedy_.data());
  } else {
    c51Expectation(head, pNext_.data(), B * A, qNext_.data());
    ops_.argmaxRows(qNext_.data(), B, A, greedy_.data());
  }

  std::fill(m_.begin(), m_.end(), 0.0f);
  for (int64_t b = 0; b < B; ++b) {
    const double scale = static_cast<double>(batch.discounts[b]) * (1.0 - static_cast<double>(batch.dones[b]));
    const float* p = pNext_.data() + (b * A + greedy_[b]) * N;
    float* m = m_.data() + b * N;
    for (int64_t j = 0; j < N; ++j) {
      const double zj = head.vMin + static_cast<double>(j) * dz;
      const double tz = std::min(head.vMax, std::max(head.vMin, static_cast<double>(batch.rewards[b]) + scale * zj));
      // (vMax − vMin)/dz can round just above atoms − 1; the clamp keeps the mass on this sample's last atom.
      const double pos = std::min((tz - head.vMin) / dz, static_cast<double>(N - 1));
      const double lower = std::floor(pos), upper = std::ceil(pos);
      const auto lo = static_cast<int64_t>(lower), up = static_cast<int64_t>(upper);
      if (lo == up) {
        m[lo] = static_cast<float>(static_cast<double>(m[lo]) + static_cast<double>(p[j]));
      } else {
        m[lo] = static_cast<float>(static_cast<double>(m[lo]) + static_cast<double>(p[j]) * (upper - pos));
        m[up] = static_cast<float>(static_cast<double>(m[up]) + static_cast<double>(p[j]) * (pos - lower));
      }
    }
  }

  const float* logits = c51Logits(head, online.forward(batch.obs, B), B, logits_.data());
  for (int64_t b = 0; b < B; ++b)
    std::copy_n(logits + (b * A + batch.actions[b]) * N, N, takenLogits_.data() + b * N);
  const double loss = ops_.softmaxCrossEntropyWeighted(takenLogits_.data(), m_.data(), batch.weights, B, N,
                                                       dTaken_.data(), perSample);
  std::fill(dLogits_.begin(), dLogits_.end(), 0.0f);
  for (int64_t b = 0; b < B; ++b)
    std::copy_n(dTaken_.data() + b * N, N, dLogits_.data() + (b * A + batch.actions[b]) * N);
  if (head.dueling) {
    c51HeadBackward(head, dLogits_.data(), B, dOut_.data());
    online.backward(dOut_.data());
  } else {
    online.backward(dLogits_.data());
  }
  online.step();
  return loss;
}

}  // namespace prunerl
