// The fused value-based update: one call runs what src/agents/dqn_update.ts and c51_update.ts do op by op —
//   target forward on s', online forward on s' (double), the head (Q, dueling, C51), the TD target or the C51
//   projection, the loss (Huber / MSE / cross-entropy, importance weights), backward, the optimizer step (pruned
//   weights re-zeroed by the Network's step, as in the TypeScript path)
// and returns the mean loss, writing the per-sample losses (|TD error|, or the C51 cross-entropy: the new priorities
// for prioritized replay). Scratch is sized on the first update of a batch size and reused: no allocation after.
// The networks are passed per call, so their owners (the Node-API objects) decide their lifetime.
// Every step is an op of the device's table (ops/value_head.h for the head, the target and the loss), on buffers in
// the device's memory: on a GPU table the batch is uploaded once, and only the loss and the per-sample losses come
// back.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/buffer.h"
#include "model/network.h"
#include "model/q_head.h"
#include "ops/value_head.h"

namespace prunerl {

enum class TdLoss { Huber, Mse };

struct LearnerOptions {
  QHeadSpec head;
  bool doubleQ = false;         // the online network chooses a*, the target network evaluates it
  TdLoss loss = TdLoss::Huber;  // DQN only; C51 always uses the cross-entropy
  // Where the device records and replays work (CUDA graphs): the update is run once, recorded, and then replayed
  // as one launch while nothing it recorded has changed. false: every update launches op by op.
  bool graphs = true;
};

// One replay batch on the host, row-major, `batch` samples; weights may be null (uniform replay).
//   y_b = rewards_b + discounts_b · (1 − dones_b) · Q_target(nextObs_b, a*_b)
struct LearnerBatch {
  int64_t batch = 0;
  const float* obs = nullptr;
  const float* nextObs = nullptr;
  const int32_t* actions = nullptr;
  const float* rewards = nullptr;
  const float* discounts = nullptr;
  const float* dones = nullptr;
  const float* weights = nullptr;
};

class Learner {
 public:
  // Every op runs through `ops` (a static device table), the one its networks were built with.
  Learner(const LearnerOptions& options, const DeviceOps& ops);
  ~Learner();
  Learner(const Learner&) = delete;
  Learner& operator=(const Learner&) = delete;
  const LearnerOptions& options() const { return options_; }

  // Throws RangeError (before touching either network) when the networks do not fit the head or each other.
  void checkNetworks(const Network& online, const Network& target) const;
  // One update of `online`. Returns the mean (weighted) loss; perSample() then holds the batch's per-sample losses
  // (kept in the learner, so an output array that aliases an input cannot change what the update reads).
  double update(Network& online, Network& target, const LearnerBatch& batch);
  const float* perSample() const { return perSampleHost_.data(); }  // host memory
  // How the updates ran on a device with graphs: recorded (then run directly once), replayed.
  int64_t captures() const { return captures_; }
  int64_t replays() const { return replays_; }
  // Why recording failed (the learner then runs op by op), or empty.
  const std::string& graphError() const { return graphError_; }

 private:
  void reserve(int64_t batch);
  // The batch in the device's memory (uploaded; as given when the device's memory is the host's).
  LearnerBatch place(const LearnerBatch& host, int64_t obsSize);
  ValueHeadShape shape(int64_t batch) const;
  // Q-values [batch, actions] from a network's outputs: the outputs themselves (Q head) or the dueling combination.
  const float* qValues(const float* out, int64_t batch, Buffer<float>& scratch);
  // C51 logits [batch, actions, atoms]: the outputs themselves, or the dueling combination per atom.
  const float* c51Logits(const float* out, int64_t batch);
  // One update's device work: run directly, replayed from the recording, or run and then recorded.
  void runOrReplay(Network& online, Network& target, const LearnerBatch& placed);
  // The device work of one update (online.advanceStep() has run): what a recording holds.
  void run(Network& online, Network& target, const LearnerBatch& batch);
  void dqnUpdate(Network& online, Network& target, const LearnerBatch& batch);
  void c51Update(Network& online, Network& target, const LearnerBatch& batch);
  // What a recording baked in; it replays only while all of it is unchanged.
  struct RecordingKey {
    uint64_t modelEpoch = 0, memoryEpoch = 0;
    const Network* online = nullptr;
    const Network* target = nullptr;
    int64_t batch = 0;
    bool weighted = false;
    bool operator==(const RecordingKey& o) const {
      return modelEpoch == o.modelEpoch && memoryEpoch == o.memoryEpoch && online == o.online && target == o.target &&
             batch == o.batch && weighted == o.weighted;
    }
  };
  RecordingKey keyOf(const Network& online, const Network& target, const LearnerBatch& batch) const;
  void dropRecording();

  LearnerOptions options_;
  const DeviceOps& ops_;
  int64_t batch_ = 0;
  // The batch on a non-host device.
  Buffer<float> obs_, nextObs_, rewards_, discounts_, dones_, weights_;
  Buffer<int32_t> actions_;
  // Scratch, sized by reserve(): Q-values, targets, gradients, C51 logits / probabilities / projected targets.
  Buffer<float> perSample_, qNext_, qOnlineNext_, nextValue_, q_, y_, taken_, dQ_, dOut_;
  Buffer<int32_t> greedy_;
  Buffer<float> logits_, pNext_, pOnlineNext_, m_, dLogits_;
  Buffer<double> loss_;
  std::vector<float> perSampleHost_;
  void* recording_ = nullptr;  // ops_.graphs' recording of run(), valid for recordingKey_
  RecordingKey recordingKey_;
  int64_t captures_ = 0, replays_ = 0;
  std::string graphError_;
};

}  // namespace prunerl
