// Node-API face of IQN's τ-embedding product (ops/embedding_product.h), bound once over every device's table:
//   embeddingProduct(state, embedding, { batch, quantiles, features }, out) -> out
//   embeddingProductBackward(dOut, state, embedding, shape, dState, dEmbedding) -> undefined
// The outputs are caller arrays (the IQN network reuses them every update: B·N·D floats each), overwritten; they may
// not overlap an input or each other.
#include <string>
#include <vector>

#include "napi/args.h"
#include "napi/device_ops_binding.h"
#include "ops/embedding_product.h"

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

}  // namespace prunerl::napi
