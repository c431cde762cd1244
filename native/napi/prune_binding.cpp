// Magnitude pruning for JS: magnitudePrune / magnitudePruneReference (in place on weights and masks) and
// kthSmallestAbs. Checks run in the order of src/kernels.ts (weights, masks, counts, each tensor, sparsity, scope)
// so both layers report the same first error; nothing is modified unless every check passes.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ops/magnitude_prune.h"
#include "napi/args.h"
#include "napi/device_ops_binding.h"

namespace prunerl::napi {
namespace {

std::string indexed(const char* name, uint32_t i) { return std::string(name) + "[" + std::to_string(i) + "]"; }

std::string numberText(const Napi::Value& v) {
  const double d = v.As<Napi::Number>().DoubleValue();
  return std::isnan(d) ? "number NaN" : describe(v);
}

// The same buffer bytes under two tensors would be counted twice and pruned through two views.
void requireDisjoint(const std::vector<PruneTarget>& targets) {
  struct Range {
    const uint8_t *begin, *end;
    std::string name;
  };
  std::vector<Range> ranges;
  for (uint32_t i = 0; i < targets.size(); ++i) {
    if (targets[i].size == 0) continue;
    const auto* w = reinterpret_cast<const uint8_t*>(targets[i].weights);
    ranges.push_back({w, w + targets[i].size * sizeof(float), indexed("weights", i)});
    ranges.push_back({targets[i].mask, targets[i].mask + targets[i].size, indexed("masks", i)});
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
  for (size_t j = 1; j < ranges.size(); ++j)
    if (ranges[j].begin < ranges[j - 1].end)
      throw prunerl::RangeError("Expected memory of its own for " + ranges[j].name + " but received an array that overlaps " +
                                ranges[j - 1].name);
}

struct PruneCall {
  std::vector<PruneTarget> targets;
  double sparsity;
  PruneScope scope;
};

PruneCall pruneArgs(const Napi::CallbackInfo& info) {
  if (!info[0].IsArray()) throwType("an array of Float32Array", "weights", info[0]);
  if (!info[1].IsArray()) throwType("an array of Uint8Array", "masks", info[1]);
  const auto weights = info[0].As<Napi::Array>(), masks = info[1].As<Napi::Array>();
  if (weights.Length() == 0)
    throw prunerl::RangeError("Expected at least one tensor for weights but received an empty array");
  if (masks.Length() != weights.Length())
    throw prunerl::RangeError("Expected masks to have " + std::to_string(weights.Length()) +
                              " entries (one per weight tensor) but received " + std::to_string(masks.Length()));
  PruneCall call;
  std::vector<Span<float>> w;
  for (uint32_t i = 0; i < weights.Length(); ++i) w.push_back(float32Arg(readProperty(weights, i), indexed("weights", i)));
  for (uint32_t i = 0; i < masks.Length(); ++i) {
    const Span<uint8_t> m = uint8Arg(readProperty(masks, i), indexed("masks", i));
    requireLength(m.size, w[i].size, indexed("masks", i), indexed("weights", i) + ".length");
    call.targets.push_back({w[i].data, m.data, w[i].size});
  }
  requireDisjoint(call.targets);

  if (!info[2].IsNumber()) throwType("a number in [0, 1]", "sparsity", info[2]);
  call.sparsity = info[2].As<Napi::Number>().DoubleValue();
  if (!(call.sparsity >= 0.0 && call.sparsity <= 1.0))
    throw prunerl::RangeError("Expected a number in [0, 1] for sparsity but received " + numberText(info[2]));

  if (!info[3].IsString()) throwType("one of layer, global", "scope", info[3]);
  const std::string scope = info[3].As<Napi::String>().Utf8Value();
  if (scope != "layer" && scope != "global")
    throw prunerl::RangeError("Expected one of layer, global for scope but received " + describe(info[3]));
  call.scope = scope == "layer" ? PruneScope::Layer : PruneScope::Global;
  return call;
}

Napi::Value resultObject(Napi::Env env, const PruneResult& r) {
  Napi::Object out = Napi::Object::New(env);
  Napi::Array thresholds = Napi::Array::New(env, r.thresholds.size());
  for (uint32_t i = 0; i < r.thresholds.size(); ++i) thresholds.Set(i, Napi::Number::New(env, r.thresholds[i]));
  out.Set("thresholds", thresholds);
  out.Set("pruned", Napi::Number::New(env, static_cast<double>(r.pruned)));
  return out;
}

}  // namespace

// magnitudePrune(weights: Float32Array[], masks: Uint8Array[], sparsity, scope) -> { thresholds, pruned }
Napi::Value magnitudePruneJs(const Napi::CallbackInfo& info) {
  const PruneCall call = pruneArgs(info);
  return resultObject(info.Env(), opsOf(info).magnitudePrune(call.targets, call.sparsity, call.scope));
}

// kthSmallestAbs(w: Float32Array, k) -> the k-th smallest |w| (0-based)
Napi::Value kthSmallestAbsJs(const Napi::CallbackInfo& info) {
  const Span<float> w = float32Arg(info[0], "w");
  if (w.size == 0) throw prunerl::RangeError("Expected a non-empty Float32Array for w but received an empty Float32Array");
  const int64_t k = integerArg(info[1], "k", 0, w.size - 1);
  // Named here as `w`; the kernel would call it `values`.
  for (int64_t i = 0; i < w.size; ++i)
    if (std::isnan(w.data[i]))
      throw prunerl::RangeError("Expected values without NaN for w but received NaN at index " + std::to_string(i));
  return Napi::Number::New(info.Env(), opsOf(info).kthSmallestAbs(w.data, w.size, k));
}

}  // namespace prunerl::napi
