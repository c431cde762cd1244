// Node-API face of the native Network (model/network.h). Arguments are checked here again after TypeScript.
#include <napi.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "model/network.h"
#include "napi/args.h"
#include "napi/device_ops_binding.h"
#include "napi/network_binding.h"

namespace prunerl::napi {
namespace {

// A spec comes from JS and may be hostile: a residual body that contains itself, or nesting deep enough to
// overflow the native stack while parsing or building. Both limits are far beyond any network prunerl trains.
constexpr int kMaxResidualDepth = 16;
constexpr int64_t kMaxLayers = 4096;

struct SpecBudget {
  int64_t layers = 0;
};

LayerSpec parseLayer(const Napi::Value& v, const std::string& name, int depth, SpecBudget& budget) {
  if (++budget.layers > kMaxLayers)
    throw prunerl::RangeError("Expected at most " + std::to_string(kMaxLayers) +
                              " layers in spec (residual bodies included) but received more at " + name);
  Napi::Object o = objectArg(v, name);
  LayerSpec s;
  s.type = stringArg(readProperty(o, "type"), name + ".type");
  const int64_t big = 1 << 20;
  if (s.type == "linear") {
    s.out = integerField(o, name, "out", 1, big);
  } else if (s.type == "conv2d") {
    s.out = integerField(o, name, "out", 1, big);
    s.kernel = integerField(o, name, "kernel", 1, 64);
    s.stride = integerFieldOr(o, name, "stride", 1, 64, 1);
    s.padding = integerFieldOr(o, name, "padding", 0, 64, 0);
  } else if (s.type == "maxpool2d") {
    s.kernel = integerField(o, name, "kernel", 1, 64);
    s.stride = integerFieldOr(o, name, "stride", 1, 64, s.kernel);
    s.padding = integerFieldOr(o, name, "padding", 0, 64, 0);
  } else if (s.type == "residual") {
    if (depth >= kMaxResidualDepth)
      throw prunerl::RangeError("Expected residual blocks nested at most " + std::to_string(kMaxResidualDepth) +
                                " deep in spec (a body that contains itself never ends) but received deeper nesting at " +
                                name);
    Napi::Array body = arrayArg(readProperty(o, "body"), name + ".body");
    for (uint32_t i = 0; i < body.Length(); ++i)
      s.body.push_back(parseLayer(readProperty(body, i), name + ".body[" + std::to_string(i) + "]", depth + 1, budget));
  } else if (s.type != "relu" && s.type != "flatten") {
    throw prunerl::RangeError("Expected one of linear, conv2d, relu, flatten, maxpool2d, residual for " + name +
                              ".type but received '" + s.type + "'");
  }
  return s;
}

ActShape parseInputShape(const Napi::Value& v) {
  Napi::Array a = arrayArg(v, "inputShape");
  if (a.Length() == 1) return ActShape{1, 1, integerArg(readProperty(a, 0u), "inputShape[0]", 1, 1LL << 28), false};
  if (a.Length() == 3)
    return ActShape{integerArg(readProperty(a, 0u), "inputShape[0]", 1, 1 << 16), integerArg(readProperty(a, 1u), "inputShape[1]", 1, 1 << 16),
                    integerArg(readProperty(a, 2u), "inputShape[2]", 1, 1 << 16), true};
  throw prunerl::RangeError("Expected inputShape to be [features] or [height, width, channels] but received " +
                            std::to_string(a.Length()) + " dimensions");
}

RepresentationPolicy parsePolicy(const Napi::Value& v) {
  std::string p = stringArg(v, "policy");
  if (p == "auto") return RepresentationPolicy::Auto;
  if (p == "dense") return RepresentationPolicy::Dense;
  if (p == "masked") return RepresentationPolicy::Masked;
  if (p == "csr") return RepresentationPolicy::Csr;
  throw prunerl::RangeError("Expected one of auto, dense, masked, csr for policy but received '" + p + "'");
}

double sparsityArg(const Napi::Value& v, const std::string& name) {
  if (!v.IsNumber()) throwType("a number in [0, 1]", name, v);
  double s = v.As<Napi::Number>().DoubleValue();
  if (!(s >= 0.0 && s <= 1.0)) throw prunerl::RangeError("Expected a number in [0, 1] for " + name + " but received " + describe(v));
  return s;
}

Napi::Object pruneResultToJs(Napi::Env env, const PruneResult& r) {
  Napi::Object o = Napi::Object::New(env);
  Napi::Array t = Napi::Array::New(env, r.thresholds.size());
  for (size_t i = 0; i < r.thresholds.size(); ++i) t.Set(static_cast<uint32_t>(i), Napi::Number::New(env, r.thresholds[i]));
  o.Set("thresholds", t);
  o.Set("pruned", Napi::Number::New(env, static_cast<double>(r.pruned)));
  return o;
}

Napi::Float32Array copyOut(Napi::Env env, const float* data, int64_t n) {
  Napi::Float32Array out = newFloat32(env, n);
  if (n > 0) std::memcpy(out.Data(), data, static_cast<size_t>(n) * sizeof(float));
  return out;
}

}  // namespace

class NetworkWrap : public Napi::ObjectWrap<NetworkWrap> {
 public:
  static Napi::FunctionReference constructor;

  // The live Network behind a JS Network object (TypeError naming `name` for anything else, or a disposed one).
  static std::shared_ptr<Network> unwrapLive(const Napi::Value& v, const std::string& name) {
    if (!v.IsObject() || !isInstanceOf(v.As<Napi::Object>(), constructor.Value())) throwType("a Network", name, v);
    // instanceof also accepts a Proxy or an Object.create(Network.prototype): only a real wrapped Network unwraps.
    NetworkWrap* wrap = nullptr;
    if (napi_unwrap(v.Env(), v, reinterpret_cast<void**>(&wrap)) != napi_ok || wrap == nullptr)
      throwType("a Network", name, v);
    if (!wrap->net_) throw prunerl::TypeError("Expected a live Network for " + name + " but received a disposed Network");
    return wrap->net_;
  }

  static void init(Napi::Env env, Napi::Object exports) {
    Napi::Function cls = DefineClass(
        env, "Network",
        {
            InstanceAccessor<&NetworkWrap::inputShape>("inputShape"),
            InstanceAccessor<&NetworkWrap::outputSize>("outputSize"),
            InstanceAccessor<&NetworkWrap::disposed>("disposed"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::forward>>("forward"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::backward>>("backward"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::setOptimizer>>("setOptimizer"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::step>>("step"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::params>>("params"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::getWeight>>("getWeight"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::setWeight>>("setWeight"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::getBias>>("getBias"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::setBias>>("setBias"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::getMask>>("getMask"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::setMask>>("setMask"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::getWeightGrad>>("getWeightGrad"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::getBiasGrad>>("getBiasGrad"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::pruneLayers>>("pruneLayers"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::pruneGlobal>>("pruneGlobal"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::setRepresentationPolicy>>("setRepresentationPolicy"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::copyFrom>>("copyFrom"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::activations>>("activations"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::getOptimizerState>>("getOptimizerState"),
            InstanceMethod<&NetworkWrap::guard<&NetworkWrap::setOptimizerState>>("setOptimizerState"),
            InstanceMethod<&NetworkWrap::dispose>("dispose"),
        });
    constructor = Napi::Persistent(cls);
    constructor.SuppressDestruct();
    exports.Set("Network", cls);
  }

  // new Network(spec, inputShape, seed, device = 'cpu')
  explicit NetworkWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NetworkWrap>(info) {
    try {
      CallFrame frame(info.Env());
      Napi::Array specArr = arrayArg(info[0], "spec");
      std::vector<LayerSpec> spec;
      SpecBudget budget;
      for (uint32_t i = 0; i < specArr.Length(); ++i)
        spec.push_back(parseLayer(readProperty(specArr, i), "spec[" + std::to_string(i) + "]", 0, budget));
      ActShape input = parseInputShape(info[1]);
      int64_t seed = integerArg(info[2], "seed", 0, (1LL << 53) - 1);
      const std::string device = info[3].IsUndefined() ? "cpu" : stringArg(info[3], "device");
      net_ = std::make_shared<Network>(spec, input, static_cast<uint64_t>(seed), modelOpsOn(device, "device"));
    } catch (const Napi::Error&) {
      throw;
    } catch (...) {
      rethrowAsJs(info.Env());
    }
  }

 private:
  using Method = Napi::Value (NetworkWrap::*)(const Napi::CallbackInfo&);
  template <Method M>
  Napi::Value guard(const Napi::CallbackInfo& info) {
    try {
      CallFrame frame(info.Env());
      // A getter in the arguments may dispose() this network; `alive` keeps its memory until the call returns,
      // and net() refuses to go on once that has happened.
      const std::shared_ptr<Network> alive = net_;
      net();
      return (this->*M)(info);
    } catch (const Napi::Error&) {
      throw;
    } catch (...) {
      return rethrowAsJs(info.Env());
    }
  }

  // The network, re-checked at every use: user code run while reading arguments may have disposed it.
  Network& net() {
    if (!net_) throw prunerl::TypeError("Expected a live Network for this but received a disposed Network");
    return *net_;
  }
  int64_t layerIndexArg(const Napi::Value& v) {
    return integerArg(v, "index", 0, static_cast<int64_t>(net().weightLayers().size()) - 1);
  }
  WeightLayer& layerArg(const Napi::Value& v) { return net().weightLayer(layerIndexArg(v)); }

  Napi::Value inputShape(const Napi::CallbackInfo& info) {
    if (!net_) return info.Env().Undefined();
    const ActShape& s = net().inputShape();
    Napi::Array a = Napi::Array::New(info.Env());
    if (s.spatial) {
      a.Set(0u, s.h), a.Set(1u, s.w), a.Set(2u, s.c);
    } else {
      a.Set(0u, s.c);
    }
    return a;
  }
  Napi::Value outputSize(const Napi::CallbackInfo& info) {
    return net_ ? Napi::Number::New(info.Env(), static_cast<double>(net().outputSize())) : info.Env().Undefined();
  }
  Napi::Value disposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !net_); }

  Napi::Value forward(const Napi::CallbackInfo& info) {
    Span<float> x = float32Arg(info[0], "x");
    const int64_t per = net().inputShape().size();
    int64_t batch = integerArg(info[1], "batch", 1, (1LL << 31) / per);
    requireLength(x.size, batch * per, "x", "batch · input size = " + std::to_string(batch) + " · " + std::to_string(per));
    Napi::Float32Array out = newFloat32(info.Env(), batch * net().outputSize());
    net().forwardHost(x.data, batch, out.Data());
    return out;
  }

  Napi::Value backward(const Napi::CallbackInfo& info) {
    Span<float> dy = float32Arg(info[0], "dOut");
    // The network's own record, not this object's: a Learner's update also runs forwards on this network.
    const int64_t batch = net().lastBatch();
    if (batch == 0) throw prunerl::RangeError("Expected forward() before backward() on this network");
    requireLength(dy.size, batch * net().outputSize(), "dOut", "batch of the last forward · output size");
    // dInput (optional): dLoss/dInput written into the caller's array (dOut is copied first, so they may alias).
    if (info.Length() > 1 && !info[1].IsUndefined()) {
      Span<float> dx = float32Arg(info[1], "dInput");
      requireLength(dx.size, batch * net().inputShape().size(), "dInput", "batch of the last forward · input size");
      net().backwardHost(dy.data, dx.data);
    } else {
      net().backwardHost(dy.data);
    }
    return info.Env().Undefined();
  }

  Napi::Value setOptimizer(const Napi::CallbackInfo& info) {
    Napi::Object o = objectArg(info[0], "optimizer");
    std::string type = stringArg(readProperty(o, "type"), "optimizer.type");
    OptimizerSpec spec;
    auto positive = [&](const char* field, double fallback, bool required) {
      double v = required ? numberField(o, "optimizer", field) : numberFieldOr(o, "optimizer", field, fallback);
      if (!(v > 0)) throw prunerl::RangeError(std::string("Expected a positive number for optimizer.") + field);
      return static_cast<float>(v);
    };
    auto unit = [&](const char* field, double fallback) {
      double v = numberFieldOr(o, "optimizer", field, fallback);
      if (!(v >= 0 && v < 1)) throw prunerl::RangeError(std::string("Expected a number in [0, 1) for optimizer.") + field);
      return static_cast<float>(v);
    };
    if (type == "adam") {
      spec.kind = OptimizerKind::Adam;
      spec.adam.lr = positive("lr", 0, true);
      spec.adam.beta1 = unit("beta1", 0.9);
      spec.adam.beta2 = unit("beta2", 0.999);
      spec.adam.eps = positive("eps", 1e-8, false);
    } else if (type == "rmsprop") {
      spec.kind = OptimizerKind::Rmsprop;
      spec.rmsprop.lr = positive("lr", 0, true);
      spec.rmsprop.alpha = unit("alpha", 0.99);
      spec.rmsprop.eps = positive("eps", 1e-8, false);
      spec.rmsprop.centered = boolFieldOr(o, "optimizer", "centered", false);
      spec.rmsprop.momentum = unit("momentum", 0);
    } else if (type == "sgd") {
      spec.kind = OptimizerKind::Sgd;
      spec.sgdLr = positive("lr", 0, true);
    } else {
      throw prunerl::RangeError("Expected one of adam, rmsprop, sgd for optimizer.type but received '" + type + "'");
    }
    net().setOptimizer(spec);
    return info.Env().Undefined();
  }

  Napi::Value step(const Napi::CallbackInfo& info) {
    net().step();
    return info.Env().Undefined();
  }

  Napi::Value params(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const auto& layers = net().weightLayers();
    Napi::Array out = Napi::Array::New(env, layers.size());
    for (size_t i = 0; i < layers.size(); ++i) {
      const WeightLayer* l = layers[i];
      Napi::Object p = Napi::Object::New(env);
      p.Set("index", static_cast<double>(i));
      p.Set("kind", l->name());
      Napi::Array shape = Napi::Array::New(env);
      auto dims = l->weightShape();
      for (size_t d = 0; d < dims.size(); ++d) shape.Set(static_cast<uint32_t>(d), static_cast<double>(dims[d]));
      p.Set("shape", shape);
      p.Set("size", static_cast<double>(l->weights.size()));
      p.Set("kept", static_cast<double>(l->weights.kept()));
      p.Set("representation", representationName(l->weights.representation()));
      out.Set(static_cast<uint32_t>(i), p);
    }
    return out;
  }

  Napi::Value getWeight(const Napi::CallbackInfo& info) {
    WeightLayer& l = layerArg(info[0]);
    Napi::Float32Array out = newFloat32(info.Env(), l.weights.size());
    l.weights.copyDense(out.Data());
    return out;
  }
  Napi::Value setWeight(const Napi::CallbackInfo& info) {
    WeightLayer& l = layerArg(info[0]);
    Span<float> w = float32Arg(info[1], "w");
    requireLength(w.size, l.weights.size(), "w", "the layer's weight count");
    requireFinite(w.data, w.size, "w");
    l.weights.setDense(w.data);
    return info.Env().Undefined();
  }
  Napi::Value getBias(const Napi::CallbackInfo& info) {
    const std::vector<float> b = net().bias(layerIndexArg(info[0]));
    return copyOut(info.Env(), b.data(), static_cast<int64_t>(b.size()));
  }
  Napi::Value setBias(const Napi::CallbackInfo& info) {
    const int64_t index = layerIndexArg(info[0]);
    Span<float> b = float32Arg(info[1], "b");
    requireLength(b.size, net().weightLayer(index).bias.size(), "b", "the layer's output count");
    requireFinite(b.data, b.size, "b");
    net().setBias(index, b.data);
    return info.Env().Undefined();
  }
  Napi::Value getMask(const Napi::CallbackInfo& info) {
    WeightLayer& l = layerArg(info[0]);
    Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), static_cast<size_t>(l.weights.size()));
    l.weights.copyMask(out.Data());
    return out;
  }
  Napi::Value setMask(const Napi::CallbackInfo& info) {
    int64_t index = integerArg(info[0], "index", 0, static_cast<int64_t>(net().weightLayers().size()) - 1);
    Span<uint8_t> m = uint8Arg(info[1], "mask");
    requireLength(m.size, net().weightLayer(index).weights.size(), "mask", "the layer's weight count");
    requireBinaryMask(m.data, m.size, "mask");
    net().setMask(index, m.data);
    return info.Env().Undefined();
  }
  Napi::Value getWeightGrad(const Napi::CallbackInfo& info) {
    WeightLayer& l = layerArg(info[0]);
    Napi::Float32Array out = newFloat32(info.Env(), l.weights.size());
    l.weights.copyDenseGrad(out.Data());
    return out;
  }
  Napi::Value getBiasGrad(const Napi::CallbackInfo& info) {
    const std::vector<float> g = net().biasGradient(layerIndexArg(info[0]));
    return copyOut(info.Env(), g.data(), static_cast<int64_t>(g.size()));
  }

  Napi::Value pruneLayers(const Napi::CallbackInfo& info) {
    Napi::Array a = arrayArg(info[0], "sparsities");
    std::vector<double> s;
    for (uint32_t i = 0; i < a.Length(); ++i) {
      Napi::Value v = readProperty(a, i);
      s.push_back(v.IsNull() || v.IsUndefined() ? -1.0 : sparsityArg(v, "sparsities[" + std::to_string(i) + "]"));
    }
    return pruneResultToJs(info.Env(), net().pruneLayers(s));
  }

  Napi::Value pruneGlobal(const Napi::CallbackInfo& info) {
    double s = sparsityArg(info[0], "sparsity");
    Napi::Array a = arrayArg(info[1], "layers");
    std::vector<int64_t> layers;
    const int64_t count = static_cast<int64_t>(net().weightLayers().size());
    for (uint32_t i = 0; i < a.Length(); ++i)
      layers.push_back(integerArg(readProperty(a, i), "layers[" + std::to_string(i) + "]", 0, count - 1));
    return pruneResultToJs(info.Env(), net().pruneGlobal(s, layers));
  }

  Napi::Value setRepresentationPolicy(const Napi::CallbackInfo& info) {
    net().setPolicy(parsePolicy(info[0]));
    return info.Env().Undefined();
  }

  Napi::Value copyFrom(const Napi::CallbackInfo& info) {
    Napi::Value v = info[0];
    const std::shared_ptr<Network> source = unwrapLive(v, "other");
    if (source == net_) return info.Env().Undefined();
    net().copyFrom(*source);
    return info.Env().Undefined();
  }

  Napi::Value activations(const Napi::CallbackInfo& info) {
    auto acts = net().activations();
    Napi::Array out = Napi::Array::New(info.Env(), acts.size());
    for (size_t i = 0; i < acts.size(); ++i)
      out.Set(static_cast<uint32_t>(i), copyOut(info.Env(), acts[i].data(), static_cast<int64_t>(acts[i].size())));
    return out;
  }

  Napi::Value getOptimizerState(const Napi::CallbackInfo& info) {
    auto tensors = net().optimizerState();
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("step", static_cast<double>(net().stepCount()));
    Napi::Array t = Napi::Array::New(info.Env(), tensors.size());
    for (size_t i = 0; i < tensors.size(); ++i)
      t.Set(static_cast<uint32_t>(i), copyOut(info.Env(), tensors[i].data(), static_cast<int64_t>(tensors[i].size())));
    o.Set("tensors", t);
    return o;
  }

  Napi::Value setOptimizerState(const Napi::CallbackInfo& info) {
    Napi::Object o = objectArg(info[0], "state");
    int64_t step = integerField(o, "state", "step", 0, (1LL << 53) - 1);
    Napi::Array t = arrayArg(readProperty(o, "tensors"), "state.tensors");
    std::vector<std::vector<float>> tensors;
    for (uint32_t i = 0; i < t.Length(); ++i) {
      Span<float> s = float32Arg(readProperty(t, i), "state.tensors[" + std::to_string(i) + "]");
      requireFinite(s.data, s.size, "state.tensors[" + std::to_string(i) + "]");
      tensors.emplace_back(s.data, s.data + s.size);
    }
    net().setOptimizerState(step, tensors);
    return info.Env().Undefined();
  }

  Napi::Value dispose(const Napi::CallbackInfo& info) {
    net_.reset();
    return info.Env().Undefined();
  }

  std::shared_ptr<Network> net_;
};

Napi::FunctionReference NetworkWrap::constructor;

void registerNetwork(Napi::Env env, Napi::Object exports) { NetworkWrap::init(env, exports); }

std::shared_ptr<Network> networkArg(const Napi::Value& v, const std::string& name) {
  return NetworkWrap::unwrapLive(v, name);
}

}  // namespace prunerl::napi
