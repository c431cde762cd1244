// Node-API face of IQN's ops (ops/embedding_product.h, ops/quantile_huber.h), bound once over every device's table:
//   embeddingProduct(state, embedding, { batch, quantiles, features }, out) -> out
//   embeddingProductBackward(dOut, state, embedding, shape, dState, dEmbedding) -> undefined
//   quantileHuberLoss(pred, taus, target, { batch, quantiles, targetQuantiles }, kappa, weights | null, grad,
//                     perSample) -> the batch loss
// The outputs are caller arrays (the IQN update reuses them every update), overwritten; they may not overlap an
// input or each other.
#include <string>
#include <vector>

#include "napi/args.h"
#include "napi/device_ops_binding.h"
#include "ops/embedding_product.h"
#include "ops/quantile_huber.h"

namespace prunerl::napi {
namespace {

constexpr int64_t kMaxSize = (1LL << 31) - 1;

EmbeddingShape shapeArg(const Napi::Value& v) {
  const Napi::Object o = objectArg(v, "shape");
  EmbeddingShape s;
  s.batch = integerField(o, "shape", "batch", 1, kMaxSize);
  s.quantiles = integerField(o, "shape", "quantiles", 1, kMaxSize);
  s.features = integerField(o, "shape", "features", 1, kMaxSize);
  checkedProduct({s.batch, s.quantiles, s.features}, "shape.batch·shape.quantiles·shape.features");
  return s;
}

struct Named {
  Span<float> span;
  const char* name;
};

// No output may share bytes with another output or with an input.
void requireOwnMemory(const std::vector<Named>& outputs, const std::vector<Named>& inputs) {
  auto overlap = [](const Span<float>& a, const Span<float>& b) {
    return a.size > 0 && b.size > 0 && a.data < b.data + b.size && b.data < a.data + a.size;
  };
  for (size_t i = 0; i < outputs.size(); ++i) {
    for (size_t j = 0; j < outputs.size() + inputs.size(); ++j) {
      if (j == i) continue;
      const Named& other = j < outputs.size() ? outputs[j] : inputs[j - outputs.size()];
      if (overlap(outputs[i].span, other.span))
        throw prunerl::RangeError(std::string("Expected memory of its own for ") + outputs[i].name +
                                  " (it is overwritten) but received an array that overlaps " + other.name);
    }
  }
}

QuantileHuberShape quantileShapeArg(const Napi::Value& v) {
  const Napi::Object o = objectArg(v, "shape");
  QuantileHuberShape s;
  s.batch = integerField(o, "shape", "batch", 1, kMaxSize);
  s.quantiles = integerField(o, "shape", "quantiles", 1, kMaxSize);
  s.targetQuantiles = integerField(o, "shape", "targetQuantiles", 1, kMaxSize);
  checkedProduct({s.batch, s.quantiles}, "shape.batch·shape.quantiles");
  checkedProduct({s.batch, s.targetQuantiles}, "shape.batch·shape.targetQuantiles");
  return s;
}

}  // namespace

Napi::Value embeddingProductJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.embeddingProduct, "embeddingProduct");
  const Span<float> state = float32Arg(info[0], "state"), emb = float32Arg(info[1], "embedding");
  const EmbeddingShape s = shapeArg(info[2]);
  const Span<float> out = float32Arg(info[3], "out");
  const int64_t rows = s.batch * s.quantiles;
  requireLength(state.size, s.batch * s.features, "state", "shape.batch·shape.features");
  requireLength(emb.size, rows * s.features, "embedding", "shape.batch·shape.quantiles·shape.features");
  requireLength(out.size, rows * s.features, "out", "shape.batch·shape.quantiles·shape.features");
  requireOwnMemory({{out, "out"}}, {{state, "state"}, {emb, "embedding"}});
  kernel(state.data, emb.data, s, out.data);
  return info[3];
}

Napi::Value embeddingProductBackwardJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.embeddingProductBackward, "embeddingProductBackward");
  const Span<float> dOut = float32Arg(info[0], "dOut"), state = float32Arg(info[1], "state");
  const Span<float> emb = float32Arg(info[2], "embedding");
  const EmbeddingShape s = shapeArg(info[3]);
  const Span<float> dState = float32Arg(info[4], "dState"), dEmb = float32Arg(info[5], "dEmbedding");
  const int64_t big = s.batch * s.quantiles * s.features;
  requireLength(dOut.size, big, "dOut", "shape.batch·shape.quantiles·shape.features");
  requireLength(state.size, s.batch * s.features, "state", "shape.batch·shape.features");
  requireLength(emb.size, big, "embedding", "shape.batch·shape.quantiles·shape.features");
  requireLength(dState.size, s.batch * s.features, "dState", "shape.batch·shape.features");
  requireLength(dEmb.size, big, "dEmbedding", "shape.batch·shape.quantiles·shape.features");
  requireOwnMemory({{dState, "dState"}, {dEmb, "dEmbedding"}}, {{dOut, "dOut"}, {state, "state"}, {emb, "embedding"}});
  kernel(dOut.data, state.data, emb.data, s, dState.data, dEmb.data);
  return info.Env().Undefined();
}

Napi::Value quantileHuberLossJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.quantileHuberLoss, "quantileHuberLoss");
  const Span<float> pred = float32Arg(info[0], "pred"), taus = float32Arg(info[1], "taus");
  const Span<float> target = float32Arg(info[2], "target");
  const QuantileHuberShape s = quantileShapeArg(info[3]);
  const double kappa = numberArg(info[4], "kappa");
  if (!(kappa > 0)) throw prunerl::RangeError("Expected a number > 0 for kappa but received " + describe(info[4]));
  const Span<float> weights = optionalFloat32Arg(info[5], "weights");
  const Span<float> grad = float32Arg(info[6], "grad"), perSample = float32Arg(info[7], "perSample");
  const int64_t rows = s.batch * s.quantiles;
  requireLength(pred.size, rows, "pred", "shape.batch·shape.quantiles");
  requireLength(taus.size, rows, "taus", "shape.batch·shape.quantiles");
  requireLength(target.size, s.batch * s.targetQuantiles, "target", "shape.batch·shape.targetQuantiles");
  if (weights.data != nullptr) requireLength(weights.size, s.batch, "weights", "shape.batch");
  requireLength(grad.size, rows, "grad", "shape.batch·shape.quantiles");
  requireLength(perSample.size, s.batch, "perSample", "shape.batch");
  requireOwnMemory({{grad, "grad"}, {perSample, "perSample"}},
                   {{pred, "pred"}, {taus, "taus"}, {target, "target"}, {weights, "weights"}});
  const double loss = kernel(pred.data, taus.data, target.data, weights.data, s, kappa, grad.data, perSample.data);
  return Napi::Number::New(info.Env(), loss);
}

}  // namespace prunerl::napi
