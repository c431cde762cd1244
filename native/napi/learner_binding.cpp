// Node-API face of the fused learner (model/learner.h): new Learner(online, target, options) and
// update(obs, nextObs, actions, rewards, discounts, dones, weights | null, perSample) -> mean loss, one call per
// update. The batch's typed arrays are read in place (no copy); perSample is written in place.
#include <napi.h>

#include <cstring>
#include <memory>

#include "model/learner.h"
#include "napi/args.h"
#include "napi/network_binding.h"

namespace prunerl::napi {
namespace {

QHeadSpec parseHead(const Napi::Value& v) {
  Napi::Object o = objectArg(v, "options.head");
  QHeadSpec h;
  const std::string kind = stringArg(readProperty(o, "kind"), "options.head.kind");
  h.actions = integerField(o, "options.head", "actions", 1, 1 << 20);
  if (kind == "q") {
    h.kind = QHeadSpec::Kind::Q;
  } else if (kind == "dueling") {
    h.kind = QHeadSpec::Kind::Dueling;
  } else if (kind == "c51") {
    h.kind = QHeadSpec::Kind::C51;
    h.atoms = integerField(o, "options.head", "atoms", 2, 1 << 16);
    h.vMin = numberField(o, "options.head", "vMin");
    h.vMax = numberField(o, "options.head", "vMax");
    h.dueling = boolFieldOr(o, "options.head", "dueling", false);
  } else {
    throw prunerl::RangeError("Expected one of q, dueling, c51 for options.head.kind but received '" + kind + "'");
  }
  return h;
}

LearnerOptions parseOptions(const Napi::Value& v) {
  Napi::Object o = objectArg(v, "options");
  LearnerOptions opts;
  opts.head = parseHead(readProperty(o, "head"));
  opts.doubleQ = boolArg(readProperty(o, "double"), "options.double");
  const std::string loss = stringArg(readProperty(o, "loss"), "options.loss");
  if (loss == "huber") opts.loss = TdLoss::Huber;
  else if (loss == "mse") opts.loss = TdLoss::Mse;
  else throw prunerl::RangeError("Expected one of huber, mse for options.loss but received '" + loss + "'");
  opts.graphs = boolFieldOr(o, "options", "graphs", true);
  return opts;
}

}  // namespace

class LearnerWrap : public Napi::ObjectWrap<LearnerWrap> {
 public:
  static void init(Napi::Env env, Napi::Object exports) {
    Napi::Function cls = DefineClass(env, "Learner",
                                     {
                                         InstanceMethod<&LearnerWrap::guard<&LearnerWrap::update>>("update"),
                                         InstanceMethod<&LearnerWrap::guard<&LearnerWrap::graphStats>>("graphStats"),
                                         InstanceAccessor<&LearnerWrap::disposed>("disposed"),
                                         InstanceMethod<&LearnerWrap::dispose>("dispose"),
                                     });
    exports.Set("Learner", cls);
  }

  // new Learner(online, target, options)
  explicit LearnerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<LearnerWrap>(info) {
    try {
      CallFrame frame(info.Env());
      const std::shared_ptr<Network> online = networkArg(info[0], "online");
      const std::shared_ptr<Network> target = networkArg(info[1], "target");
      if (online == target) throw prunerl::RangeError("Expected a target network other than the online network");
      learner_ = std::make_unique<Learner>(parseOptions(info[2]), online->ops());  // the networks' device
      learner_->checkNetworks(*online, *target);
      online_ = Napi::Persistent(info[0].As<Napi::Object>());
      target_ = Napi::Persistent(info[1].As<Napi::Object>());
    } catch (const Napi::Error&) {
      throw;
    } catch (...) {
      rethrowAsJs(info.Env());
    }
  }

 private:
  using Method = Napi::Value (LearnerWrap::*)(const Napi::CallbackInfo&);
  template <Method M>
  Napi::Value guard(const Napi::CallbackInfo& info) {
    try {
      CallFrame frame(info.Env());
      if (!learner_) throw prunerl::TypeError("Expected a live Learner for this but received a disposed Learner");
      return (this->*M)(info);
    } catch (const Napi::Error&) {
      throw;
    } catch (...) {
      return rethrowAsJs(info.Env());
    }
  }

  Napi::Value update(const Napi::CallbackInfo& info) {
    // Re-read at every call: either network may have been disposed since the last one.
    const std::shared_ptr<Network> online = networkArg(online_.Value(), "online");
    const std::shared_ptr<Network> target = networkArg(target_.Value(), "target");
    const Span<float> obs = float32Arg(info[0], "obs"), nextObs = float32Arg(info[1], "nextObs");
    const Span<int32_t> actions = int32Arg(info[2], "actions");
    const Span<float> rewards = float32Arg(info[3], "rewards"), discounts = float32Arg(info[4], "discounts");
    const Span<float> dones = float32Arg(info[5], "dones");
    const Span<float> weights = optionalFloat32Arg(info[6], "weights");
    const Span<float> perSample = float32Arg(info[7], "perSample");

    const int64_t B = actions.size, per = online->inputShape().size();
    if (B < 1) throw prunerl::RangeError("Expected at least one sample in actions but received 0");
    const int64_t obsSize = checkedProduct({B, per}, "obs");
    requireLength(obs.size, obsSize, "obs", "batch · input size");
    requireLength(nextObs.size, obsSize, "nextObs", "batch · input size");
    requireLength(rewards.size, B, "rewards", "one per sample");
    requireLength(discounts.size, B, "discounts", "one per sample");
    requireLength(dones.size, B, "dones", "one per sample");
    requireLength(perSample.size, B, "perSample", "one per sample");
    // As Network.forward refuses them: a ReLU would turn NaN into 0 and hide it.
    requireFinite(obs.data, obs.size, "obs");
    requireFinite(nextObs.data, nextObs.size, "nextObs");
    requireFinite(rewards.data, B, "rewards");
    requireFinite(discounts.data, B, "discounts");
    requireFinite(dones.data, B, "dones");
    if (weights.data) {
      requireLength(weights.size, B, "weights", "one per sample");
      requireFinite(weights.data, B, "weights");
    }
    LearnerBatch batch{B, obs.data, nextObs.data, actions.data, rewards.data, discounts.data, dones.data, weights.data};
    const double loss = learner_->update(*online, *target, batch);
    std::memcpy(perSample.data, learner_->perSample(), static_cast<size_t>(B) * sizeof(float));
    return Napi::Number::New(info.Env(), loss);
  }

  // { captures, replays, error }: how the updates ran on a device that records them (CUDA graphs); zeros elsewhere.
  Napi::Value graphStats(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("captures", static_cast<double>(learner_->captures()));
    o.Set("replays", static_cast<double>(learner_->replays()));
    o.Set("error", learner_->graphError());
    return o;
  }

  Napi::Value disposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !learner_); }

  Napi::Value dispose(const Napi::CallbackInfo& info) {
    learner_.reset();
    online_.Reset();
    target_.Reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<Learner> learner_;
  Napi::ObjectReference online_, target_;  // the JS Networks, so a disposed one is noticed at the next update
};

void registerLearner(Napi::Env env, Napi::Object exports) { LearnerWrap::init(env, exports); }

}  // namespace prunerl::napi
