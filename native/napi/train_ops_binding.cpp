// Training ops for JS: losses, row reductions, optimizer steps and elementwise ops. Each function checks its
// arguments in order (type, then length, then value), allocates its outputs and makes one kernel call. Functions
// that work in place check that the arrays they write share no memory with each other or with their inputs, and
// modify nothing unless every check passes.
#include <napi.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "ops/elementwise.h"
#include "ops/losses.h"
#include "ops/optim.h"
#include "ops/rows.h"
#include "napi/args.h"
#include "napi/device_ops_binding.h"

namespace prunerl::napi {
namespace {

constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

std::string numberText(const Napi::Value& v) {
  return v.IsNumber() && std::isnan(v.As<Napi::Number>().DoubleValue()) ? "number NaN" : describe(v);
}

// A number satisfying `ok` (NaN never does), else TypeError / RangeError saying what is allowed.
template <typename Predicate>
double numberWhere(const Napi::Value& v, const std::string& name, const std::string& allowed, Predicate ok) {
  if (!v.IsNumber()) throwType(allowed, name, v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!ok(d)) throw prunerl::RangeError("Expected " + allowed + " for " + name + " but received " + numberText(v));
  return d;
}

// options.<field> as the float the kernels compute with.
template <typename Predicate>
float floatField(const Napi::Object& options, const char* field, const std::string& allowed, Predicate ok) {
  return static_cast<float>(numberWhere(readProperty(options, field), std::string("options.") + field, allowed, ok));
}

constexpr const char* kNonNegative = "a finite number >= 0";
bool finiteNonNegative(double d) { return std::isfinite(d) && d >= 0.0; }
// Checked after rounding to float: 0.99999999 would become 1.0f, a zero bias correction.
bool unitOpen(double d) { return d >= 0.0 && static_cast<float>(d) < 1.0f; }

void requireNonEmpty(const Span<float>& s, const std::string& name) {
  if (s.size == 0)
    throw prunerl::RangeError("Expected a non-empty Float32Array for " + name + " but received an empty Float32Array");
}

// rows·cols with both counts checked, and the RangeError text that names them when an array's length differs.
struct Matrix {
  int64_t rows, cols, size;
  std::string why;
};

Matrix matrixArgs(const Napi::Value& rows, const Napi::Value& cols, const char* rowsName, const char* colsName,
                  int64_t minRows) {
  Matrix m;
  m.rows = integerArg(rows, rowsName, minRows, kMaxInt32);
  m.cols = integerArg(cols, colsName, 1, kMaxInt32);
  m.size = checkedProduct({m.rows, m.cols}, std::string(rowsName) + "·" + colsName);
  std::ostringstream why;
  why << rowsName << "·" << colsName << " = " << m.rows << "·" << m.cols;
  m.why = why.str();
  return m;
}

struct Written {
  const void* data;
  int64_t bytes;
  std::string name;
};

// Every array in `written` is modified in place; none may share bytes with another array in the list or in `read`.
void requireDisjoint(const std::vector<Written>& written, const std::vector<Written>& read) {
  for (size_t i = 0; i < written.size(); ++i) {
    const auto overlaps = [&](const Written& other) {
      const auto* a = static_cast<const uint8_t*>(written[i].data);
      const auto* b = static_cast<const uint8_t*>(other.data);
      return written[i].bytes > 0 && other.bytes > 0 && a < b + other.bytes && b < a + written[i].bytes;
    };
    for (size_t j = 0; j < written.size() + read.size(); ++j) {
      if (j == i) continue;
      const Written& other = j < written.size() ? written[j] : read[j - written.size()];
      if (overlaps(other))
        throw prunerl::RangeError("Expected memory of its own for " + written[i].name +
                                  " (it is updated in place) but received an array that overlaps " + other.name);
    }
  }
}

Written written(const Span<float>& s, const char* name) { return {s.data, s.size * 4, name}; }

Napi::Object lossResult(Napi::Env env, double loss, const Napi::Float32Array& grad) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("loss", Napi::Number::New(env, loss));
  out.Set("grad", grad);
  return out;
}

// ---- losses ----------------------------------------------------------------------------------------------------

// huberLoss(pred, target, delta) -> { loss, grad }
Napi::Value huberLossOp(const Napi::CallbackInfo& info) {
  const Span<float> pred = float32Arg(info[0], "pred");
  requireNonEmpty(pred, "pred");
  const Span<float> target = float32Arg(info[1], "target");
  requireLength(target.size, pred.size, "target", "pred.length");
  const double delta = numberWhere(info[2], "delta", "a finite number > 0",
                                   [](double d) { return std::isfinite(d) && d > 0.0; });
  Napi::Float32Array grad = newFloat32(info.Env(), pred.size);
  const double loss = opsOf(info).huberLoss(pred.data, target.data, pred.size, static_cast<float>(delta), grad.Data());
  return lossResult(info.Env(), loss, grad);
}

// mseLoss(pred, target) -> { loss, grad }
Napi::Value mseLossOp(const Napi::CallbackInfo& info) {
  const Span<float> pred = float32Arg(info[0], "pred");
  requireNonEmpty(pred, "pred");
  const Span<float> target = float32Arg(info[1], "target");
  requireLength(target.size, pred.size, "target", "pred.length");
  Napi::Float32Array grad = newFloat32(info.Env(), pred.size);
  const DeviceOps& ops = opsOf(info);
  const double loss = entryOf(ops, ops.mseLoss, "mseLoss")(pred.data, target.data, pred.size, grad.Data());
  return lossResult(info.Env(), loss, grad);
}

// softmaxCrossEntropy(logits, target, rows, atoms, weights?) -> { loss, grad, perRow }
Napi::Value softmaxCrossEntropyOp(const Napi::CallbackInfo& info) {
  const Span<float> logits = float32Arg(info[0], "logits");
  const Span<float> target = float32Arg(info[1], "target");
  const Matrix shape = matrixArgs(info[2], info[3], "rows", "atoms", 1);
  requireLength(logits.size, shape.size, "logits", shape.why);
  requireLength(target.size, shape.size, "target", shape.why);
  const Span<float> weights = optionalFloat32Arg(info[4], "weights");
  if (!info[4].IsNull() && !info[4].IsUndefined()) {
    requireLength(weights.size, shape.rows, "weights", "one per row");
    requireFinite(weights.data, weights.size, "weights");
  }
  Napi::Env env = info.Env();
  Napi::Float32Array grad = newFloat32(env, shape.size), perRow = newFloat32(env, shape.rows);
  const DeviceOps& ops = opsOf(info);
  const double loss = entryOf(ops, ops.softmaxCrossEntropyWeighted, "softmaxCrossEntropy")(
      logits.data, target.data, weights.data, shape.rows, shape.cols, grad.Data(), perRow.Data());
  Napi::Object out = lossResult(env, loss, grad);
  out.Set("perRow", perRow);
  return out;
}

// ---- row reductions --------------------------------------------------------------------------------------------

// argmaxRows(q, rows, cols) -> Int32Array(rows)
Napi::Value argmaxRowsOp(const Napi::CallbackInfo& info) {
  const Span<float> q = float32Arg(info[0], "q");
  const Matrix shape = matrixArgs(info[1], info[2], "rows", "cols", 0);
  requireLength(q.size, shape.size, "q", shape.why);
  Napi::Int32Array out = newInt32(info.Env(), shape.rows);
  const DeviceOps& ops = opsOf(info);
  entryOf(ops, ops.argmaxRows, "argmaxRows")(q.data, shape.rows, shape.cols, out.Data());
  return out;
}

// maxRows(q, rows, cols) -> Float32Array(rows)
Napi::Value maxRowsOp(const Napi::CallbackInfo& info) {
  const Span<float> q = float32Arg(info[0], "q");
  const Matrix shape = matrixArgs(info[1], info[2], "rows", "cols", 0);
  requireLength(q.size, shape.size, "q", shape.why);
  Napi::Float32Array out = newFloat32(info.Env(), shape.rows);
  const DeviceOps& ops = opsOf(info);
  entryOf(ops, ops.maxRows, "maxRows")(q.data, shape.rows, shape.cols, out.Data());
  return out;
}

// gatherRows(q, index, rows, cols) -> Float32Array(rows), out[r] = q[r, index[r]]
Napi::Value gatherRowsOp(const Napi::CallbackInfo& info) {
  const Span<float> q = float32Arg(info[0], "q");
  const Span<int32_t> index = int32Arg(info[1], "index");
  const Matrix shape = matrixArgs(info[2], info[3], "rows", "cols", 0);
  requireLength(q.size, shape.size, "q", shape.why);
  requireLength(index.size, shape.rows, "index", "one per row");
  Napi::Float32Array out = newFloat32(info.Env(), shape.rows);
  const DeviceOps& ops = opsOf(info);
  entryOf(ops, ops.gatherRows, "gatherRows")(q.data, index.data, shape.rows, shape.cols, out.Data());  // RangeError naming an index out of range
  return out;
}

// softmaxRows(x, rows, cols) -> Float32Array(rows·cols)
Napi::Value softmaxRowsJs(const Napi::CallbackInfo& info) {
  const Span<float> x = float32Arg(info[0], "x");
  const Matrix shape = matrixArgs(info[1], info[2], "rows", "cols", 0);
  requireLength(x.size, shape.size, "x", shape.why);
  Napi::Float32Array out = newFloat32(info.Env(), shape.size);
  softmaxRows(x.data, shape.rows, shape.cols, out.Data());
  return out;
}

// ---- optimizer steps -------------------------------------------------------------------------------------------

struct AdamCall {
  Span<float> params, grads, m, v;
  AdamConfig config;
  int64_t step;
};

// (params, grads, m, v, options: { lr, beta1, beta2, eps, step })
AdamCall adamArgs(const Napi::CallbackInfo& info) {
  AdamCall call;
  call.params = float32Arg(info[0], "params");
  call.grads = float32Arg(info[1], "grads");
  requireLength(call.grads.size, call.params.size, "grads", "params.length");
  call.m = float32Arg(info[2], "m");
  requireLength(call.m.size, call.params.size, "m", "params.length");
  call.v = float32Arg(info[3], "v");
  requireLength(call.v.size, call.params.size, "v", "params.length");
  const Napi::Object o = objectArg(info[4], "options");
  call.config.lr = floatField(o, "lr", kNonNegative, finiteNonNegative);
  call.config.beta1 = floatField(o, "beta1", "a number in [0, 1)", unitOpen);
  call.config.beta2 = floatField(o, "beta2", "a number in [0, 1)", unitOpen);
  call.config.eps = floatField(o, "eps", kNonNegative, finiteNonNegative);
  // The 1-based count after this update: step 0 would divide by a zero bias correction.
  call.step = integerField(o, "options", "step", 1, kMaxSafeInteger);
  requireDisjoint({written(call.params, "params"), written(call.m, "m"), written(call.v, "v")},
                  {written(call.grads, "grads")});
  return call;
}

Napi::Value adamStepOp(const Napi::CallbackInfo& info) {
  const AdamCall c = adamArgs(info);
  const AdamStepState step = adamStepState(c.config, c.step);
  opsOf(info).adamStep(c.params.data, c.grads.data, c.m.data, c.v.data, c.params.size, c.config, &step);
  return info.Env().Undefined();
}

struct RmspropCall {
  Span<float> params, grads, squareAvg, gradAvg, momentumBuffer;
  RmspropConfig config;
};

// (params, grads, squareAvg, gradAvg | null, options: { lr, alpha, eps, centered, momentum? }, momentumBuffer?)
// momentumBuffer is required (and updated) when options.momentum > 0, ignored otherwise.
RmspropCall rmspropArgs(const Napi::CallbackInfo& info) {
  RmspropCall call;
  call.params = float32Arg(info[0], "params");
  call.grads = float32Arg(info[1], "grads");
  requireLength(call.grads.size, call.params.size, "grads", "params.length");
  call.squareAvg = float32Arg(info[2], "squareAvg");
  requireLength(call.squareAvg.size, call.params.size, "squareAvg", "params.length");
  const bool hasGradAvg = !info[3].IsNull() && !info[3].IsUndefined();
  if (hasGradAvg) {
    call.gradAvg = float32Arg(info[3], "gradAvg");
    requireLength(call.gradAvg.size, call.params.size, "gradAvg", "params.length");
  }
  const Napi::Object o = objectArg(info[4], "options");
  call.config.lr = floatField(o, "lr", kNonNegative, finiteNonNegative);
  call.config.alpha = floatField(o, "alpha", "a number in [0, 1]", [](double d) { return d >= 0.0 && d <= 1.0; });
  call.config.eps = floatField(o, "eps", kNonNegative, finiteNonNegative);
  if (!readProperty(o, "centered").IsBoolean()) throwType("a boolean", "options.centered", readProperty(o, "centered"));
  call.config.centered = readProperty(o, "centered").As<Napi::Boolean>().Value();
  if (call.config.centered && !hasGradAvg) throwType("a Float32Array (options.centered is true)", "gradAvg", info[3]);
  const Napi::Value momentum = readProperty(o, "momentum");
  if (!momentum.IsUndefined())
    call.config.momentum = floatField(o, "momentum", "a number in [0, 1)", unitOpen);
  if (call.config.momentum > 0.0f) {
    if (info.Length() < 6 || !info[5].IsTypedArray())
      throwType("a Float32Array (options.momentum > 0)", "momentumBuffer", info.Length() < 6 ? info.Env().Undefined() : info[5]);
    call.momentumBuffer = float32Arg(info[5], "momentumBuffer");
    requireLength(call.momentumBuffer.size, call.params.size, "momentumBuffer", "params.length");
  }
  std::vector<Written> out = {written(call.params, "params"), written(call.squareAvg, "squareAvg")};
  // Without centering gradAvg is neither read nor written; without momentum, neither is the buffer.
  if (call.config.centered) out.push_back(written(call.gradAvg, "gradAvg"));
  if (call.config.momentum > 0.0f) out.push_back(written(call.momentumBuffer, "momentumBuffer"));
  requireDisjoint(out, {written(call.grads, "grads")});
  return call;
}

Napi::Value rmspropStepOp(const Napi::CallbackInfo& info) {
  const RmspropCall c = rmspropArgs(info);
  opsOf(info).rmspropStep(c.params.data, c.grads.data, c.squareAvg.data, c.gradAvg.data, c.momentumBuffer.data,
                          c.params.size, c.config);
  return info.Env().Undefined();
}

// ---- elementwise -----------------------------------------------------------------------------------------------

// relu(x) -> Float32Array
Napi::Value reluOp(const Napi::CallbackInfo& info) {
  const Span<float> x = float32Arg(info[0], "x");
  Napi::Float32Array y = newFloat32(info.Env(), x.size);
  opsOf(info).reluForward(x.data, x.size, y.Data());
  return y;
}

// reluBackward(y, dy) -> dx, dy passed where the ReLU's output y > 0
Napi::Value reluBackwardOp(const Napi::CallbackInfo& info) {
  const Span<float> y = float32Arg(info[0], "y");
  const Span<float> dy = float32Arg(info[1], "dy");
  requireLength(dy.size, y.size, "dy", "y.length");
  Napi::Float32Array dx = newFloat32(info.Env(), y.size);
  opsOf(info).reluBackward(y.data, dy.data, y.size, dx.Data());
  return dx;
}

// biasAdd(y, bias, rows, cols): y[r, c] += bias[c], in place
Napi::Value biasAddOp(const Napi::CallbackInfo& info) {
  const Span<float> y = float32Arg(info[0], "y");
  const Span<float> bias = float32Arg(info[1], "bias");
  const Matrix shape = matrixArgs(info[2], info[3], "rows", "cols", 0);
  requireLength(y.size, shape.size, "y", shape.why);
  requireLength(bias.size, shape.cols, "bias", "one per column");
  requireDisjoint({written(y, "y")}, {written(bias, "bias")});
  const DeviceOps& ops = opsOf(info);
  entryOf(ops, ops.biasAdd, "biasAdd")(y.data, bias.data, shape.rows, shape.cols);
  return info.Env().Undefined();
}

// biasGrad(dy, rows, cols) -> db[c] = Σ_r dy[r, c]
Napi::Value biasGradOp(const Napi::CallbackInfo& info) {
  const Span<float> dy = float32Arg(info[0], "dy");
  const Matrix shape = matrixArgs(info[1], info[2], "rows", "cols", 0);
  requireLength(dy.size, shape.size, "dy", shape.why);
  Napi::Float32Array db = newFloat32(info.Env(), shape.cols);
  const DeviceOps& ops = opsOf(info);
  entryOf(ops, ops.biasGrad, "biasGrad")(dy.data, shape.rows, shape.cols, db.Data());
  return db;
}

}  // namespace

// The device ops of this file (device_ops_binding.h), bound once for every device.
Napi::Value huberLossJs(const Napi::CallbackInfo& info) { return huberLossOp(info); }
Napi::Value adamStepJs(const Napi::CallbackInfo& info) { return adamStepOp(info); }
Napi::Value rmspropStepJs(const Napi::CallbackInfo& info) { return rmspropStepOp(info); }
Napi::Value reluJs(const Napi::CallbackInfo& info) { return reluOp(info); }
Napi::Value reluBackwardJs(const Napi::CallbackInfo& info) { return reluBackwardOp(info); }
Napi::Value mseLossJs(const Napi::CallbackInfo& info) { return mseLossOp(info); }
Napi::Value softmaxCrossEntropyJs(const Napi::CallbackInfo& info) { return softmaxCrossEntropyOp(info); }
Napi::Value argmaxRowsJs(const Napi::CallbackInfo& info) { return argmaxRowsOp(info); }
Napi::Value maxRowsJs(const Napi::CallbackInfo& info) { return maxRowsOp(info); }
Napi::Value gatherRowsJs(const Napi::CallbackInfo& info) { return gatherRowsOp(info); }
Napi::Value biasAddJs(const Napi::CallbackInfo& info) { return biasAddOp(info); }
Napi::Value biasGradJs(const Napi::CallbackInfo& info) { return biasGradOp(info); }

void registerTrainOps(Napi::Env env, Napi::Object exports) {
  exportFunction<softmaxRowsJs>(env, exports, "softmaxRows");
  // huberLoss, mseLoss, softmaxCrossEntropy, adamStep, rmspropStep, relu, reluBackward, argmaxRows, maxRows,
  // gatherRows, biasAdd, biasGrad: registerDeviceOps (device_ops_binding.cpp), addon.cpp.
}

}  // namespace prunerl::napi
