// Node-API face of the value-based learner's head and target ops (ops/value_head.h), bound once over every device's
// table. Every argument is checked here, once, before any device's kernel runs (lengths, actions in range, atoms ≥ 2,
// a finite support with vMin < vMax); the outputs are new arrays, except applyMask and sgdStep, which work in place.
//   duelingQ(out, { batch, actions }) -> q                      duelingQBackward(dQ, shape) -> dOut
//   duelingLogits(out, { batch, actions, atoms }) -> logits     duelingLogitsBackward(dLogits, shape) -> dOut
//   c51Probabilities(logits, rows, atoms) -> p                  c51Expectation(p, rows, { atoms, vMin, vMax }) -> q
//   tdTarget(rewards, discounts, dones, nextValue) -> y
//   c51Project(pNext, greedy, rewards, discounts, dones, { batch, actions, atoms, vMin, vMax }) -> m
//   tdLoss(taken, y, weights | null, actions, { batch, actions }, 'huber' | 'mse') -> { loss, perSample, dQ }
//   c51Loss(logits, m, weights | null, actions, { batch, actions, atoms }) -> { loss, perSample, dLogits }
//   applyMask(w, mask) -> undefined (w in place)                sgdStep(params, grads, lr) -> undefined (params in place)
#include <cmath>
#include <limits>
#include <string>

#include "napi/args.h"
#include "napi/device_ops_binding.h"
#include "ops/value_head.h"

namespace prunerl::napi {
namespace {

constexpr int64_t kMaxSize = std::numeric_limits<int32_t>::max();

// What a shape object must hold: batch and actions always; atoms for the C51 ops; vMin, vMax where the support is used.
enum class Needs { Actions, Atoms, Support };

ValueHeadShape shapeArg(const Napi::Value& v, Needs needs) {
  const Napi::Object o = objectArg(v, "shape");
  ValueHeadShape s;
  s.batch = integerField(o, "shape", "batch", 1, kMaxSize);
  s.actions = integerField(o, "shape", "actions", 1, kMaxSize);
  checkedProduct({s.batch, s.actions + 1}, "shape.batch·(shape.actions + 1)");
  if (needs == Needs::Actions) return s;
  s.atoms = integerField(o, "shape", "atoms", 2, kMaxSize);
  checkedProduct({s.batch, s.actions + 1, s.atoms}, "shape.batch·(shape.actions + 1)·shape.atoms");
  if (needs == Needs::Atoms) return s;
  s.vMin = numberField(o, "shape", "vMin");
  s.vMax = numberField(o, "shape", "vMax");
  if (!(s.vMax > s.vMin))
    throw prunerl::RangeError("Expected a number > shape.vMin (" + std::to_string(s.vMin) + ") for shape.vMax but received " +
                              std::to_string(s.vMax));
  return s;
}

// The C51 support alone (c51Expectation runs over any number of rows).
ValueHeadShape supportArg(const Napi::Value& v) {
  const Napi::Object o = objectArg(v, "support");
  ValueHeadShape s;
  s.atoms = integerField(o, "support", "atoms", 2, kMaxSize);
  s.vMin = numberField(o, "support", "vMin");
  s.vMax = numberField(o, "support", "vMax");
  if (!(s.vMax > s.vMin))
    throw prunerl::RangeError("Expected a number > support.vMin (" + std::to_string(s.vMin) +
                              ") for support.vMax but received " + std::to_string(s.vMax));
  return s;
}

// Each index[b] in [0, actions): the kernels index rows with it.
void requireActions(const Span<int32_t>& index, int64_t actions, const std::string& name) {
  for (int64_t b = 0; b < index.size; ++b)
    if (index.data[b] < 0 || index.data[b] >= actions)
      throw prunerl::RangeError("Expected an integer in [0, " + std::to_string(actions) + ") for " + name + "[" +
                                std::to_string(b) + "] but received " + std::to_string(index.data[b]));
}

// null/undefined, or one finite weight per sample.
Span<float> weightsArg(const Napi::Value& v, int64_t batch) {
  const Span<float> w = optionalFloat32Arg(v, "weights");
  if (w.data != nullptr || !(v.IsNull() || v.IsUndefined())) {
    requireLength(w.size, batch, "weights", "shape.batch");
    requireFinite(w.data, w.size, "weights");
  }
  return w;
}

void requireDisjoint(const void* a, int64_t aBytes, const char* aName, const void* b, int64_t bBytes,
                     const char* bName) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  if (aBytes > 0 && bBytes > 0 && x < y + bBytes && y < x + aBytes)
    throw prunerl::RangeError(std::string("Expected memory of its own for ") + aName +
                              " (it is updated in place) but received an array that overlaps " + bName);
}

}  // namespace

Napi::Value duelingQJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.duelingQ, "duelingQ");
  const Span<float> out = float32Arg(info[0], "out");
  const ValueHeadShape s = shapeArg(info[1], Needs::Actions);
  requireLength(out.size, s.batch * (s.actions + 1), "out", "shape.batch·(shape.actions + 1)");
  Napi::Float32Array q = newFloat32(info.Env(), s.batch * s.actions);
  kernel(out.data, s, q.Data());
  return q;
}

Napi::Value duelingQBackwardJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.duelingQBackward, "duelingQBackward");
  const Span<float> dQ = float32Arg(info[0], "dQ");
  const ValueHeadShape s = shapeArg(info[1], Needs::Actions);
  requireLength(dQ.size, s.batch * s.actions, "dQ", "shape.batch·shape.actions");
  Napi::Float32Array dOut = newFloat32(info.Env(), s.batch * (s.actions + 1));
  kernel(dQ.data, s, dOut.Data());
  return dOut;
}

Napi::Value duelingLogitsJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.duelingLogits, "duelingLogits");
  const Span<float> out = float32Arg(info[0], "out");
  const ValueHeadShape s = shapeArg(info[1], Needs::Atoms);
  requireLength(out.size, s.batch * (s.actions + 1) * s.atoms, "out", "shape.batch·(shape.actions + 1)·shape.atoms");
  Napi::Float32Array logits = newFloat32(info.Env(), s.batch * s.actions * s.atoms);
  kernel(out.data, s, logits.Data());
  return logits;
}

Napi::Value duelingLogitsBackwardJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.duelingLogitsBackward, "duelingLogitsBackward");
  const Span<float> dLogits = float32Arg(info[0], "dLogits");
  const ValueHeadShape s = shapeArg(info[1], Needs::Atoms);
  requireLength(dLogits.size, s.batch * s.actions * s.atoms, "dLogits", "shape.batch·shape.actions·shape.atoms");
  Napi::Float32Array dOut = newFloat32(info.Env(), s.batch * (s.actions + 1) * s.atoms);
  kernel(dLogits.data, s, dOut.Data());
  return dOut;
}

Napi::Value c51ProbabilitiesJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.c51Probabilities, "c51Probabilities");
  const Span<float> logits = float32Arg(info[0], "logits");
  const int64_t rows = integerArg(info[1], "rows", 1, kMaxSize), atoms = integerArg(info[2], "atoms", 2, kMaxSize);
  requireLength(logits.size, checkedProduct({rows, atoms}, "rows·atoms"), "logits", "rows·atoms");
  Napi::Float32Array p = newFloat32(info.Env(), rows * atoms);
  kernel(logits.data, rows, atoms, p.Data());
  return p;
}

Napi::Value c51ExpectationJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.c51Expectation, "c51Expectation");
  const Span<float> p = float32Arg(info[0], "p");
  const int64_t rows = integerArg(info[1], "rows", 1, kMaxSize);
  const ValueHeadShape s = supportArg(info[2]);
  requireLength(p.size, checkedProduct({rows, s.atoms}, "rows·support.atoms"), "p", "rows·support.atoms");
  Napi::Float32Array q = newFloat32(info.Env(), rows);
  kernel(p.data, rows, s, q.Data());
  return q;
}

Napi::Value tdTargetJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.tdTarget, "tdTarget");
  const Span<float> rewards = float32Arg(info[0], "rewards"), discounts = float32Arg(info[1], "discounts");
  const Span<float> dones = float32Arg(info[2], "dones"), next = float32Arg(info[3], "nextValue");
  if (rewards.size < 1)
    throw prunerl::RangeError("Expected at least one reward for rewards but received an empty Float32Array");
  requireLength(discounts.size, rewards.size, "discounts", "rewards.length");
  requireLength(dones.size, rewards.size, "dones", "rewards.length");
  requireLength(next.size, rewards.size, "nextValue", "rewards.length");
  Napi::Float32Array y = newFloat32(info.Env(), rewards.size);
  kernel(rewards.data, discounts.data, dones.data, next.data, rewards.size, y.Data());
  return y;
}

Napi::Value c51ProjectJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.c51Project, "c51Project");
  const Span<float> pNext = float32Arg(info[0], "pNext");
  const Span<int32_t> greedy = int32Arg(info[1], "greedy");
  const Span<float> rewards = float32Arg(info[2], "rewards"), discounts = float32Arg(info[3], "discounts");
  const Span<float> dones = float32Arg(info[4], "dones");
  const ValueHeadShape s = shapeArg(info[5], Needs::Support);
  requireLength(pNext.size, s.batch * s.actions * s.atoms, "pNext", "shape.batch·shape.actions·shape.atoms");
  requireLength(greedy.size, s.batch, "greedy", "shape.batch");
  requireLength(rewards.size, s.batch, "rewards", "shape.batch");
  requireLength(discounts.size, s.batch, "discounts", "shape.batch");
  requireLength(dones.size, s.batch, "dones", "shape.batch");
  requireActions(greedy, s.actions, "greedy");
  Napi::Float32Array m = newFloat32(info.Env(), s.batch * s.atoms);
  kernel(pNext.data, greedy.data, rewards.data, discounts.data, dones.data, s, m.Data());
  return m;
}

Napi::Value tdLossJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.tdLoss, "tdLoss");
  const Span<float> taken = float32Arg(info[0], "taken"), y = float32Arg(info[1], "y");
  const Span<int32_t> actions = int32Arg(info[3], "actions");
  const ValueHeadShape s = shapeArg(info[4], Needs::Actions);
  const Span<float> weights = weightsArg(info[2], s.batch);
  const std::string kind = stringArg(info[5], "kind");
  if (kind != "huber" && kind != "mse")
    throw prunerl::RangeError("Expected 'huber' or 'mse' for kind but received '" + kind + "'");
  requireLength(taken.size, s.batch, "taken", "shape.batch");
  requireLength(y.size, s.batch, "y", "shape.batch");
  requireLength(actions.size, s.batch, "actions", "shape.batch");
  requireActions(actions, s.actions, "actions");
  Napi::Env env = info.Env();
  Napi::Float32Array perSample = newFloat32(env, s.batch), dQ = newFloat32(env, s.batch * s.actions);
  double loss = 0.0;
  kernel(taken.data, y.data, weights.data, actions.data, s, kind == "huber" ? TdLossKind::Huber : TdLossKind::Mse,
         perSample.Data(), dQ.Data(), &loss);
  Napi::Object result = Napi::Object::New(env);
  result.Set("loss", Napi::Number::New(env, loss));
  result.Set("perSample", perSample);
  result.Set("dQ", dQ);
  return result;
}

Napi::Value c51LossJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.c51Loss, "c51Loss");
  const Span<float> logits = float32Arg(info[0], "logits"), m = float32Arg(info[1], "m");
  const Span<int32_t> actions = int32Arg(info[3], "actions");
  const ValueHeadShape s = shapeArg(info[4], Needs::Atoms);
  const Span<float> weights = weightsArg(info[2], s.batch);
  requireLength(logits.size, s.batch * s.actions * s.atoms, "logits", "shape.batch·shape.actions·shape.atoms");
  requireLength(m.size, s.batch * s.atoms, "m", "shape.batch·shape.atoms");
  requireLength(actions.size, s.batch, "actions", "shape.batch");
  requireActions(actions, s.actions, "actions");
  Napi::Env env = info.Env();
  Napi::Float32Array perSample = newFloat32(env, s.batch), dLogits = newFloat32(env, s.batch * s.actions * s.atoms);
  double loss = 0.0;
  kernel(logits.data, m.data, weights.data, actions.data, s, dLogits.Data(), perSample.Data(), &loss);
  Napi::Object result = Napi::Object::New(env);
  result.Set("loss", Napi::Number::New(env, loss));
  result.Set("perSample", perSample);
  result.Set("dLogits", dLogits);
  return result;
}

Napi::Value applyMaskJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.applyMask, "applyMask");
  const Span<float> w = float32Arg(info[0], "w");
  const Span<uint8_t> mask = uint8Arg(info[1], "mask");
  requireLength(mask.size, w.size, "mask", "w.length");
  requireBinaryMask(mask.data, mask.size, "mask");
  requireDisjoint(w.data, w.size * 4, "w", mask.data, mask.size, "mask");
  kernel(w.data, mask.data, w.size);
  return info.Env().Undefined();
}

Napi::Value sgdStepJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.sgdStep, "sgdStep");
  const Span<float> p = float32Arg(info[0], "params"), g = float32Arg(info[1], "grads");
  requireLength(g.size, p.size, "grads", "params.length");
  const double lr = numberArg(info[2], "lr");
  if (!std::isfinite(static_cast<float>(lr)))
    throw prunerl::RangeError("Expected a number within float range for lr but received " + describe(info[2]));
  requireDisjoint(p.data, p.size * 4, "params", g.data, g.size * 4, "grads");
  kernel(p.data, g.data, p.size, static_cast<float>(lr));
  return info.Env().Undefined();
}

}  // namespace prunerl::napi
