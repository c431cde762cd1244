// The cuda.* kernels for JS, with the signatures and the argument checks of their CPU counterparts
// (linear_binding.cpp, train_ops_binding.cpp, prune_binding.cpp) built from the same args.h helpers, so a call that
// is wrong for the CPU is wrong, with the same message, for the GPU. Host TypedArrays are copied to the device and
// the results back (cuda_api.h): right for tests and benchmarks, not for training loops. Compiled only with CUDA.
#ifdef PRUNERL_WITH_CUDA
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/cuda_api.h"
#include "napi/args.h"
#include "napi/csr_arg.h"

namespace prunerl::napi {
namespace {

constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

std::string product(const char* names, int64_t a, int64_t b) {
  std::ostringstream s;
  s << names << " = " << a << "·" << b;
  return s.str();
}

// ---- dense -------------------------------------------------------------------------------------------------------

// gemm(a, b, c, {m, n, k, transA?, transB?, alpha?, beta?}): in place on c
Napi::Value gemmJs(const Napi::CallbackInfo& info) {
  auto a = float32Arg(info[0], "a");
  auto b = float32Arg(info[1], "b");
  auto c = float32Arg(info[2], "c");
  Napi::Object o = objectArg(info[3], "options");
  GemmArgs g;
  g.M = integerField(o, "options", "m", 0, kMaxInt32);
  g.N = integerField(o, "options", "n", 0, kMaxInt32);
  g.K = integerField(o, "options", "k", 0, kMaxInt32);
  g.transA = boolFieldOr(o, "options", "transA", false);
  g.transB = boolFieldOr(o, "options", "transB", false);
  g.alpha = static_cast<float>(numberFieldOr(o, "options", "alpha", 1.0));
  g.beta = static_cast<float>(numberFieldOr(o, "options", "beta", 0.0));
  requireLength(a.size, checkedProduct({g.M, g.K}, "a"), "a", product("m·k", g.M, g.K));
  requireLength(b.size, checkedProduct({g.K, g.N}, "b"), "b", product("k·n", g.K, g.N));
  requireLength(c.size, checkedProduct({g.M, g.N}, "c"), "c", product("m·n", g.M, g.N));
  g.A = a.data, g.lda = g.transA ? g.M : g.K;
  g.B = b.data, g.ldb = g.transB ? g.K : g.N;
  g.C = c.data, g.ldc = g.N;
  cuda::gemm(g);
  return info.Env().Undefined();
}

struct LinearShape {
  int64_t batch, in, out;
};

LinearShape linearArgs(const Span<float>& x, const Span<float>& w, const Napi::Value& shape) {
  Napi::Object o = objectArg(shape, "shape");
  LinearShape s;
  s.batch = integerField(o, "shape", "batch", 1, kMaxInt32);
  s.in = integerField(o, "shape", "inFeatures", 1, kMaxInt32);
  s.out = integerField(o, "shape", "outFeatures", 1, kMaxInt32);
  requireLength(x.size, checkedProduct({s.batch, s.in}, "x"), "x", product("batch·inFeatures", s.batch, s.in));
  requireLength(w.size, checkedProduct({s.out, s.in}, "w"), "w", product("outFeatures·inFeatures", s.out, s.in));
  checkedProduct({s.batch, s.out}, "the output");
  return s;
}

// matmul(x, w, {batch, inFeatures, outFeatures}) -> y = x·wᵀ
Napi::Value matmulJs(const Napi::CallbackInfo& info) {
  auto x = float32Arg(info[0], "x");
  auto w = float32Arg(info[1], "w");
  const LinearShape s = linearArgs(x, w, info[2]);
  auto y = newFloat32(info.Env(), s.batch * s.out);
  cuda::linearForward(x.data, w.data, nullptr, s.batch, s.in, s.out, y.Data());
  return y;
}

// maskedMatmul(x, w, mask, shape) -> y = x·(w ⊙ mask)ᵀ
Napi::Value maskedMatmulJs(const Napi::CallbackInfo& info) {
  auto x = float32Arg(info[0], "x");
  auto w = float32Arg(info[1], "w");
  auto mask = uint8Arg(info[2], "mask");
  const LinearShape s = linearArgs(x, w, info[3]);
  requireLength(mask.size, s.out * s.in, "mask", product("outFeatures·inFeatures", s.out, s.in));
  requireBinaryMask(mask.data, mask.size, "mask");
  auto y = newFloat32(info.Env(), s.batch * s.out);
  cuda::linearForward(x.data, w.data, mask.data, s.batch, s.in, s.out, y.Data());
  return y;
}

// ---- CSR ---------------------------------------------------------------------------------------------------------

int64_t batchArg(const Napi::Value& v) { return integerArg(v, "batch", 1, kMaxInt32); }

// spmm(x, m, batch) -> y[batch, rows] = x·Wᵀ
Napi::Value spmmJs(const Napi::CallbackInfo& info) {
  auto x = float32Arg(info[0], "x");
  const auto held = csrArg(info[1], "m");
  const CsrMatrix& m = *held;
  const int64_t batch = batchArg(info[2]);
  requireLength(x.size, checkedProduct({batch, m.cols}, "x"), "x", product("batch·m.cols", batch, m.cols));
  auto y = newFloat32(info.Env(), checkedProduct({batch, m.rows}, "the output"));
  cuda::spmm(m, x.data, batch, y.Data());
  return y;
}

// spmmInputGrad(dy, m, batch) -> dx[batch, cols] = dy·W
Napi::Value spmmInputGradJs(const Napi::CallbackInfo& info) {
  auto dy = float32Arg(info[0], "dy");
  const auto held = csrArg(info[1], "m");
  const CsrMatrix& m = *held;
  const int64_t batch = batchArg(info[2]);
  requireLength(dy.size, checkedProduct({batch, m.rows}, "dy"), "dy", product("batch·m.rows", batch, m.rows));
  auto dx = newFloat32(info.Env(), checkedProduct({batch, m.cols}, "the output"));
  cuda::spmmInputGrad(m, dy.data, batch, dx.Data());
  return dx;
}

// sddmm(dy, x, m, batch) -> dValues[nnz]
Napi::Value sddmmJs(const Napi::CallbackInfo& info) {
  auto dy = float32Arg(info[0], "dy");
  auto x = float32Arg(info[1], "x");
  const auto held = csrArg(info[2], "m");
  const CsrMatrix& m = *held;
  const int64_t batch = batchArg(info[3]);
  requireLength(dy.size, checkedProduct({batch, m.rows}, "dy"), "dy", product("batch·m.rows", batch, m.rows));
  requireLength(x.size, checkedProduct({batch, m.cols}, "x"), "x", product("batch·m.cols", batch, m.cols));
  auto dValues = newFloat32(info.Env(), m.nnz());
  cuda::sddmm(m, dy.data, x.data, batch, dValues.Data());
  return dValues;
}

// ---- training ops ------------------------------------------------------------------------------------------------

std::string numberText(const Napi::Value& v) {
  return v.IsNumber() && std::isnan(v.As<Napi::Number>().DoubleValue()) ? "number NaN" : describe(v);
}

template <typename Predicate>
double numberWhere(const Napi::Value& v, const std::string& name, const std::string& allowed, Predicate ok) {
  if (!v.IsNumber()) throwType(allowed, name, v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!ok(d)) throw prunerl::RangeError("Expected " + allowed + " for " + name + " but received " + numberText(v));
  return d;
}

template <typename Predicate>
float floatField(const Napi::Object& o, const char* field, const std::string& allowed, Predicate ok) {
  return static_cast<float>(numberWhere(readProperty(o, field), std::string("options.") + field, allowed, ok));
}

constexpr const char* kNonNegative = "a finite number >= 0";
bool finiteNonNegative(double d) { return std::isfinite(d) && d >= 0.0; }
bool unitOpen(double d) { return d >= 0.0 && static_cast<float>(d) < 1.0f; }

struct Written {
  const void* data;
  int64_t bytes;
  const char* name;
};
Written region(const Span<float>& s, const char* name) { return {s.data, s.size * 4, name}; }

// Arrays updated in place may not share bytes with each other or with the inputs (as train_ops_binding.cpp).
void requireDisjoint(const std::vector<Written>& written, const std::vector<Written>& read) {
  for (size_t i = 0; i < written.size(); ++i)
    for (size_t j = 0; j < written.size() + read.size(); ++j) {
      if (j == i) continue;
      const Written& other = j < written.size() ? written[j] : read[j - written.size()];
      const auto* a = static_cast<const uint8_t*>(written[i].data);
      const auto* b = static_cast<const uint8_t*>(other.data);
      if (written[i].bytes > 0 && other.bytes > 0 && a < b + other.bytes && b < a + written[i].bytes)
        throw prunerl::RangeError(std::string("Expected memory of its own for ") + written[i].name +
                                  " (it is updated in place) but received an array that overlaps " + other.name);
    }
}

// huberLoss(pred, target, delta) -> { loss, grad }
Napi::Value huberLossJs(const Napi::CallbackInfo& info) {
  const Span<float> pred = float32Arg(info[0], "pred");
  if (pred.size == 0)
    throw prunerl::RangeError("Expected a non-empty Float32Array for pred but received an empty Float32Array");
  const Span<float> target = float32Arg(info[1], "target");
  requireLength(target.size, pred.size, "target", "pred.length");
  const double delta =
      numberWhere(info[2], "delta", "a finite number > 0", [](double d) { return std::isfinite(d) && d > 0.0; });
  Napi::Float32Array grad = newFloat32(info.Env(), pred.size);
  const double loss = cuda::huberLoss(pred.data, target.data, pred.size, static_cast<float>(delta), grad.Data());
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("loss", Napi::Number::New(info.Env(), loss));
  out.Set("grad", grad);
  return out;
}

// adamStep(params, grads, m, v, { lr, beta1, beta2, eps, step }): in place on params, m, v
Napi::Value adamStepJs(const Napi::CallbackInfo& info) {
  const Span<float> params = float32Arg(info[0], "params"), grads = float32Arg(info[1], "grads");
  requireLength(grads.size, params.size, "grads", "params.length");
  const Span<float> m = float32Arg(info[2], "m");
  requireLength(m.size, params.size, "m", "params.length");
  const Span<float> v = float32Arg(info[3], "v");
  requireLength(v.size, params.size, "v", "params.length");
  const Napi::Object o = objectArg(info[4], "options");
  AdamConfig c;
  c.lr = floatField(o, "lr", kNonNegative, finiteNonNegative);
  c.beta1 = floatField(o, "beta1", "a number in [0, 1)", unitOpen);
  c.beta2 = floatField(o, "beta2", "a number in [0, 1)", unitOpen);
  c.eps = floatField(o, "eps", kNonNegative, finiteNonNegative);
  const int64_t step = integerField(o, "options", "step", 1, kMaxSafeInteger);
  requireDisjoint({region(params, "params"), region(m, "m"), region(v, "v")}, {region(grads, "grads")});
  cuda::adamStep(params.data, grads.data, m.data, v.data, params.size, c, step);
  return info.Env().Undefined();
}

// rmspropStep(params, grads, squareAvg, gradAvg | null, { lr, alpha, eps, centered, momentum? }, momentumBuffer?):
// in place; momentumBuffer is required when options.momentum > 0
Napi::Value rmspropStepJs(const Napi::CallbackInfo& info) {
  const Span<float> params = float32Arg(info[0], "params"), grads = float32Arg(info[1], "grads");
  requireLength(grads.size, params.size, "grads", "params.length");
  const Span<float> squareAvg = float32Arg(info[2], "squareAvg");
  requireLength(squareAvg.size, params.size, "squareAvg", "params.length");
  const bool hasGradAvg = !info[3].IsNull() && !info[3].IsUndefined();
  Span<float> gradAvg;
  if (hasGradAvg) {
    gradAvg = float32Arg(info[3], "gradAvg");
    requireLength(gradAvg.size, params.size, "gradAvg", "params.length");
  }
  const Napi::Object o = objectArg(info[4], "options");
  RmspropConfig c;
  c.lr = floatField(o, "lr", kNonNegative, finiteNonNegative);
  c.alpha = floatField(o, "alpha", "a number in [0, 1]", [](double d) { return d >= 0.0 && d <= 1.0; });
  c.eps = floatField(o, "eps", kNonNegative, finiteNonNegative);
  if (!readProperty(o, "centered").IsBoolean()) throwType("a boolean", "options.centered", readProperty(o, "centered"));
  c.centered = readProperty(o, "centered").As<Napi::Boolean>().Value();
  if (c.centered && !hasGradAvg) throwType("a Float32Array (options.centered is true)", "gradAvg", info[3]);
  if (!readProperty(o, "momentum").IsUndefined()) c.momentum = floatField(o, "momentum", "a number in [0, 1)", unitOpen);
  Span<float> buf;
  if (c.momentum > 0.0f) {
    if (info.Length() < 6 || !info[5].IsTypedArray())
      throwType("a Float32Array (options.momentum > 0)", "momentumBuffer", info.Length() < 6 ? info.Env().Undefined() : info[5]);
    buf = float32Arg(info[5], "momentumBuffer");
    requireLength(buf.size, params.size, "momentumBuffer", "params.length");
  }
  std::vector<Written> out = {region(params, "params"), region(squareAvg, "squareAvg")};
  if (c.centered) out.push_back(region(gradAvg, "gradAvg"));
  if (c.momentum > 0.0f) out.push_back(region(buf, "momentumBuffer"));
  requireDisjoint(out, {region(grads, "grads")});
  cuda::rmspropStep(params.data, grads.data, squareAvg.data, gradAvg.data, buf.data, params.size, c);
  return info.Env().Undefined();
}

// relu(x) -> y
Napi::Value reluJs(const Napi::CallbackInfo& info) {
  const Span<float> x = float32Arg(info[0], "x");
  Napi::Float32Array y = newFloat32(info.Env(), x.size);
  cuda::reluForward(x.data, x.size, y.Data());
  return y;
}

// reluBackward(y, dy) -> dx
Napi::Value reluBackwardJs(const Napi::CallbackInfo& info) {
  const Span<float> y = float32Arg(info[0], "y"), dy = float32Arg(info[1], "dy");
  requireLength(dy.size, y.size, "dy", "y.length");
  Napi::Float32Array dx = newFloat32(info.Env(), y.size);
  cuda::reluBackward(y.data, dy.data, y.size, dx.Data());
  return dx;
}

// ---- pruning -----------------------------------------------------------------------------------------------------

std::string indexed(const char* name, uint32_t i) { return std::string(name) + "[" + std::to_string(i) + "]"; }

// No bytes under two tensors (prune_binding.cpp's check and message: the later range names the earlier).
void requireTensorsDisjoint(const std::vector<PruneTarget>& targets) {
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
      throw prunerl::RangeError("Expected memory of its own for " + ranges[j].name +
                                " but received an array that overlaps " + ranges[j - 1].name);
}

// magnitudePrune(weights[], masks[], sparsity, scope) -> { thresholds, pruned }; checks in prune_binding.cpp's order.
Napi::Value magnitudePruneJs(const Napi::CallbackInfo& info) {
  if (!info[0].IsArray()) throwType("an array of Float32Array", "weights", info[0]);
  if (!info[1].IsArray()) throwType("an array of Uint8Array", "masks", info[1]);
  const auto weights = info[0].As<Napi::Array>(), masks = info[1].As<Napi::Array>();
  if (weights.Length() == 0)
    throw prunerl::RangeError("Expected at least one tensor for weights but received an empty array");
  if (masks.Length() != weights.Length())
    throw prunerl::RangeError("Expected masks to have " + std::to_string(weights.Length()) +
                              " entries (one per weight tensor) but received " + std::to_string(masks.Length()));
  std::vector<Span<float>> w;
  for (uint32_t i = 0; i < weights.Length(); ++i) w.push_back(float32Arg(readProperty(weights, i), indexed("weights", i)));
  std::vector<PruneTarget> targets;
  for (uint32_t i = 0; i < masks.Length(); ++i) {
    const Span<uint8_t> m = uint8Arg(readProperty(masks, i), indexed("masks", i));
    requireLength(m.size, w[i].size, indexed("masks", i), indexed("weights", i) + ".length");
    targets.push_back({w[i].data, m.data, w[i].size});
  }
  requireTensorsDisjoint(targets);
  if (!info[2].IsNumber()) throwType("a number in [0, 1]", "sparsity", info[2]);
  const double sparsity = info[2].As<Napi::Number>().DoubleValue();
  if (!(sparsity >= 0.0 && sparsity <= 1.0))
    throw prunerl::RangeError("Expected a number in [0, 1] for sparsity but received " + numberText(info[2]));
  if (!info[3].IsString()) throwType("one of layer, global", "scope", info[3]);
  const std::string scope = info[3].As<Napi::String>().Utf8Value();
  if (scope != "layer" && scope != "global")
    throw prunerl::RangeError("Expected one of layer, global for scope but received " + describe(info[3]));
  const PruneResult r =
      cuda::magnitudePrune(targets, sparsity, scope == "layer" ? PruneScope::Layer : PruneScope::Global);
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  Napi::Array thresholds = Napi::Array::New(env, r.thresholds.size());
  for (uint32_t i = 0; i < r.thresholds.size(); ++i) thresholds.Set(i, Napi::Number::New(env, r.thresholds[i]));
  out.Set("thresholds", thresholds);
  out.Set("pruned", Napi::Number::New(env, static_cast<double>(r.pruned)));
  return out;
}

// kthSmallestAbs(w, k) -> the k-th smallest |w| (0-based)
Napi::Value kthSmallestAbsJs(const Napi::CallbackInfo& info) {
  const Span<float> w = float32Arg(info[0], "w");
  if (w.size == 0) throw prunerl::RangeError("Expected a non-empty Float32Array for w but received an empty Float32Array");
  const int64_t k = integerArg(info[1], "k", 0, w.size - 1);
  for (int64_t i = 0; i < w.size; ++i)
    if (std::isnan(w.data[i]))
      throw prunerl::RangeError("Expected values without NaN for w but received NaN at index " + std::to_string(i));
  return Napi::Number::New(info.Env(), cuda::kthSmallestAbs(w.data, w.size, k));
}

// benchmark(op, { m?, n?, k?, sparsity?, iterations?, seed? }) -> { ms, flops, bytes, nnz } (device-resident timing)
Napi::Value benchmarkJs(const Napi::CallbackInfo& info) {
  cuda::BenchRequest q;
  q.op = stringArg(info[0], "op");
  const Napi::Object o = objectArg(info[1], "options");
  q.m = integerFieldOr(o, "options", "m", 0, kMaxInt32, 0);
  q.n = integerFieldOr(o, "options", "n", 0, kMaxInt32, 0);
  q.k = integerFieldOr(o, "options", "k", 0, kMaxInt32, 0);
  checkedProduct({q.m, q.k}, "options.m·options.k");
  checkedProduct({q.n, q.k}, "options.n·options.k");
  checkedProduct({q.m, q.n}, "options.m·options.n");
  q.sparsity = numberFieldOr(o, "options", "sparsity", 0.0);
  if (!(q.sparsity >= 0.0 && q.sparsity <= 1.0))
    throw prunerl::RangeError("Expected a number in [0, 1] for options.sparsity but received " + describe(readProperty(o, "sparsity")));
  q.iterations = static_cast<int>(integerFieldOr(o, "options", "iterations", 1, 100000, 20));
  q.seed = static_cast<uint64_t>(integerFieldOr(o, "options", "seed", 0, kMaxSafeInteger, 1));
#ifdef PRUNERL_WITH_WORKBENCH
  const cuda::BenchResult r = cuda::benchmark(q);
#else
  cuda::requireDevice();  // first the refusal every cuda.* call gives without a device
  throw std::runtime_error("cuda.benchmark lives in the kernel workbench (native/dev/), outside the shipped addon: "
                           "rebuild with --CDPRUNERL_WORKBENCH=ON");
  cuda::BenchResult r;
#endif
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("ms", r.ms);
  out.Set("flops", r.flops);
  out.Set("bytes", r.bytes);
  out.Set("nnz", static_cast<double>(r.nnz));
  return out;
}

}  // namespace

void registerCudaOps(Napi::Env env, Napi::Object cuda) {
  exportFunction<gemmJs>(env, cuda, "gemm");
  exportFunction<matmulJs>(env, cuda, "matmul");
  exportFunction<maskedMatmulJs>(env, cuda, "maskedMatmul");
  exportFunction<spmmJs>(env, cuda, "spmm");
  exportFunction<spmmInputGradJs>(env, cuda, "spmmInputGrad");
  exportFunction<sddmmJs>(env, cuda, "sddmm");
  exportFunction<huberLossJs>(env, cuda, "huberLoss");
  exportFunction<adamStepJs>(env, cuda, "adamStep");
  exportFunction<rmspropStepJs>(env, cuda, "rmspropStep");
  exportFunction<reluJs>(env, cuda, "relu");
  exportFunction<reluBackwardJs>(env, cuda, "reluBackward");
  exportFunction<magnitudePruneJs>(env, cuda, "magnitudePrune");
  exportFunction<kthSmallestAbsJs>(env, cuda, "kthSmallestAbs");
  exportFunction<benchmarkJs>(env, cuda, "benchmark");
}

}  // namespace prunerl::napi
#endif  // PRUNERL_WITH_CUDA
