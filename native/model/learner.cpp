#include "model/learner.h"

#include <cmath>
#include <string>

#include "base/errors.h"
#include "model/model_epoch.h"

namespace prunerl {

Learner::Learner(const LearnerOptions& options, const DeviceOps& ops) : options_(options), ops_(ops) {
  const QHeadSpec& h = options.head;
  if (h.actions < 1) throw RangeError("Expected an integer ≥ 1 for head.actions but received " + std::to_string(h.actions));
  if (h.kind == QHeadSpec::Kind::C51) {
    if (h.atoms < 2) throw RangeError("Expected an integer ≥ 2 for head.atoms but received " + std::to_string(h.atoms));
    if (!(std::isfinite(h.vMin) && std::isfinite(h.vMax) && h.vMax > h.vMin))
      throw RangeError("Expected finite head.vMin < head.vMax but received " + std::to_string(h.vMin) + ", " +
                       std::to_string(h.vMax));
  }
  const DeviceMemory& memory = *ops.memory;
  for (Buffer<float>* b : {&obs_, &nextObs_, &rewards_, &discounts_, &dones_, &weights_, &perSample_, &qNext_,
                           &qOnlineNext_, &nextValue_, &q_, &y_, &taken_, &dQ_, &dOut_, &logits_, &pNext_,
                           &pOnlineNext_, &m_, &dLogits_})
    *b = Buffer<float>(memory);
  actions_ = Buffer<int32_t>(memory);
  greedy_ = Buffer<int32_t>(memory);
  loss_ = Buffer<double>(memory, 1);
}

Learner::~Learner() { dropRecording(); }

void Learner::dropRecording() {
  if (recording_ != nullptr) ops_.graphs->release(recording_);
  recording_ = nullptr;
}

Learner::RecordingKey Learner::keyOf(const Network& online, const Network& target, const LearnerBatch& batch) const {
  return RecordingKey{modelEpoch(), ops_.graphs->memoryEpoch(), &online, &target, batch.batch, batch.weights != nullptr};
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
  for (Buffer<float>* v : {&qNext_, &qOnlineNext_, &q_, &dQ_}) v->resize(B * A);
  for (Buffer<float>* v : {&perSample_, &nextValue_, &y_, &taken_}) v->resize(B);
  dOut_.resize(B * h.outputs());
  greedy_.resize(B);
  if (h.kind == QHeadSpec::Kind::C51) {
    const int64_t N = h.atoms;
    for (Buffer<float>* v : {&logits_, &pNext_, &pOnlineNext_, &dLogits_}) v->resize(B * A * N);
    m_.resize(B * N);
  }
  perSampleHost_.resize(static_cast<size_t>(B));
  batch_ = batch;
}

LearnerBatch Learner::place(const LearnerBatch& host, int64_t obsSize) {
  if (ops_.memory->host) return host;  // the caller's arrays, in place
  const int64_t B = host.batch;
  obs_.assign(host.obs, B * obsSize);
  nextObs_.assign(host.nextObs, B * obsSize);
  actions_.assign(host.actions, B);
  rewards_.assign(host.rewards, B);
  discounts_.assign(host.discounts, B);
  dones_.assign(host.dones, B);
  if (host.weights) weights_.assign(host.weights, B);
  return LearnerBatch{B, obs_.data(), nextObs_.data(), actions_.data(), rewards_.data(), discounts_.data(),
                      dones_.data(), host.weights ? weights_.data() : nullptr};
}

ValueHeadShape Learner::shape(int64_t batch) const {
  const QHeadSpec& h = options_.head;
  ValueHeadShape s;
  s.batch = batch, s.actions = h.actions, s.atoms = h.atoms, s.vMin = h.vMin, s.vMax = h.vMax;
  return s;
}

const float* Learner::qValues(const float* out, int64_t batch, Buffer<float>& scratch) {
  if (options_.head.kind == QHeadSpec::Kind::Q) return out;
  ops_.duelingQ(out, shape(batch), scratch.data());
  return scratch.data();
}

const float* Learner::c51Logits(const float* out, int64_t batch) {
  if (!options_.head.dueling) return out;
  ops_.duelingLogits(out, shape(batch), logits_.data());
  return logits_.data();
}

double Learner::update(Network& online, Network& target, const LearnerBatch& batch) {
  checkNetworks(online, target);
  if (batch.batch < 1) throw RangeError("Expected a batch of at least 1 sample but received " + std::to_string(batch.batch));
  for (int64_t b = 0; b < batch.batch; ++b)
    if (batch.actions[b] < 0 || batch.actions[b] >= options_.head.actions)
      throw RangeError("Expected an integer in [0, " + std::to_string(options_.head.actions) + ") for actions[" +
                       std::to_string(b) + "] but received " + std::to_string(batch.actions[b]));
  reserve(batch.batch);
  const LearnerBatch placed = place(batch, online.inputShape().size());
  online.advanceStep();  // the count on the host, and where the optimizer's kernels read it
  try {
    runOrReplay(online, target, placed);
  } catch (...) {
    online.rewindStep();  // no optimizer step was taken (or it is lost with the device's error)
    throw;
  }
  double loss = 0.0;
  loss_.download(&loss);
  perSample_.download(perSampleHost_.data());
  return loss;
}

void Learner::runOrReplay(Network& online, Network& target, const LearnerBatch& placed) {
  if (ops_.graphs == nullptr || !options_.graphs) {
    run(online, target, placed);
  } else if (recording_ != nullptr && recordingKey_ == keyOf(online, target, placed)) {
    ops_.graphs->replay(recording_);
    // What the recorded forwards would have left on the host: both networks last ran on this batch's rows.
    target.noteForward(placed.batch);
    online.noteForward(placed.batch);
    ++replays_;
  } else {
    // Run it directly (this is the update), then record it for the next ones: recording runs nothing, and by now
    // everything the update allocates lazily (scratch, activations, library handles) exists.
    dropRecording();
    run(online, target, placed);
    struct Context {
      Learner* self;
      Network *online, *target;
      const LearnerBatch* batch;
    } context{this, &online, &target, &placed};
    try {
      recording_ = ops_.graphs->capture(
          [](void* c) {
            auto* x = static_cast<Context*>(c);
            x->self->run(*x->online, *x->target, *x->batch);
          },
          &context);
      recordingKey_ = keyOf(online, target, placed);
      ++captures_;
    } catch (const std::exception& e) {
      // The update itself ran; from now on this learner launches op by op, and says why (graphError()).
      options_.graphs = false;
      graphError_ = e.what();
    }
  }
}

// dqn_update.ts, step for step: the same forwards in the same order (the online forward on s last, so backward
// sees its activations), the target y_b rounded to float, the Huber/MSE loss with importance weights (tdLoss).
void Learner::run(Network& online, Network& target, const LearnerBatch& batch) {
  if (options_.head.kind == QHeadSpec::Kind::C51)
    c51Update(online, target, batch);
  else
    dqnUpdate(online, target, batch);
}

void Learner::dqnUpdate(Network& online, Network& target, const LearnerBatch& batch) {
  const QHeadSpec& head = options_.head;
  const int64_t B = batch.batch, A = head.actions;
  const float* qNext = qValues(target.forward(batch.nextObs, B), B, qNext_);
  if (options_.doubleQ) {
    // a* from the online network, evaluated by the target network (whose output qNext stays valid: only the
    // online network runs forward in between).
    const float* qOnlineNext = qValues(online.forward(batch.nextObs, B), B, qOnlineNext_);
    ops_.argmaxRows(qOnlineNext, B, A, greedy_.data());
    ops_.gatherRows(qNext, greedy_.data(), B, A, nextValue_.data());
  } else {
    ops_.maxRows(qNext, B, A, nextValue_.data());
  }
  ops_.tdTarget(batch.rewards, batch.discounts, batch.dones, nextValue_.data(), B, y_.data());

  const float* q = qValues(online.forward(batch.obs, B), B, q_);
  ops_.gatherRows(q, batch.actions, B, A, taken_.data());
  ops_.tdLoss(taken_.data(), y_.data(), batch.weights, batch.actions, shape(B),
              options_.loss == TdLoss::Huber ? TdLossKind::Huber : TdLossKind::Mse, perSample_.data(), dQ_.data(),
              loss_.data());
  if (head.kind == QHeadSpec::Kind::Q) {
    online.backward(dQ_.data());
  } else {
    ops_.duelingQBackward(dQ_.data(), shape(B), dOut_.data());
    online.backward(dOut_.data());
  }
  online.applyStep();
}

// c51_update.ts, step for step: probabilities of s' under the target network, a* from the chooser's expected
// values, the categorical projection Φ of the target distribution onto the support, then the cross-entropy.
void Learner::c51Update(Network& online, Network& target, const LearnerBatch& batch) {
  const QHeadSpec& head = options_.head;
  const int64_t B = batch.batch, A = head.actions, N = head.atoms;
  const ValueHeadShape s = shape(B);

  ops_.c51Probabilities(c51Logits(target.forward(batch.nextObs, B), B), B * A, N, pNext_.data());
  if (options_.doubleQ) {
    ops_.c51Probabilities(c51Logits(online.forward(batch.nextObs, B), B), B * A, N, pOnlineNext_.data());
    ops_.c51Expectation(pOnlineNext_.data(), B * A, s, qOnlineNext_.data());
    ops_.argmaxRows(qOnlineNext_.data(), B, A, greedy_.data());
  } else {
    ops_.c51Expectation(pNext_.data(), B * A, s, qNext_.data());
    ops_.argmaxRows(qNext_.data(), B, A, greedy_.data());
  }
  ops_.c51Project(pNext_.data(), greedy_.data(), batch.rewards, batch.discounts, batch.dones, s, m_.data());

  const float* logits = c51Logits(online.forward(batch.obs, B), B);
  ops_.c51Loss(logits, m_.data(), batch.weights, batch.actions, s, dLogits_.data(), perSample_.data(), loss_.data());
  if (head.dueling) {
    ops_.duelingLogitsBackward(dLogits_.data(), s, dOut_.data());
    online.backward(dOut_.data());
  } else {
    online.backward(dLogits_.data());
  }
  online.applyStep();
}

}  // namespace prunerl
