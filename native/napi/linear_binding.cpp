// Dense, masked and CSR linear algebra for JS: check every argument, allocate the outputs, call the kernels.
// CsrMatrix is an opaque native object made only by toCsr(); it is recognised by a Node-API type tag (so no other
// wrapped object can pass for it) and frees its arrays on dispose() or, as a backstop, when collected.
#include <napi.h>

#include <limits>
#include <memory>
#include <sstream>
#include <string>

#include "ops/csr.h"
#include "ops/gemm.h"
#include "napi/args.h"
#include "napi/csr_arg.h"
#include "napi/device_ops_binding.h"

namespace prunerl::napi {
namespace {

constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();
constexpr napi_type_tag kCsrTag = {0x7072756e65726c31ULL, 0x4373724d61747278ULL};  // "prunerl1", "CsrMatrx"

std::string product(const char* names, int64_t a, int64_t b) {
  std::ostringstream s;
  s << names << " = " << a << "·" << b;
  return s.str();
}

// ---- CsrMatrix object ------------------------------------------------------------------------------------------

class CsrWrap : public Napi::ObjectWrap<CsrWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "CsrMatrix",
                       {
                           InstanceAccessor<&CsrWrap::rowsJs>("rows"),
                           InstanceAccessor<&CsrWrap::colsJs>("cols"),
                           InstanceAccessor<&CsrWrap::nnzJs>("nnz"),
                           InstanceAccessor<&CsrWrap::disposedJs>("disposed"),
                           InstanceMethod<&CsrWrap::rowPtrJs>("rowPtr"),
                           InstanceMethod<&CsrWrap::colIdxJs>("colIdx"),
                           InstanceMethod<&CsrWrap::valuesJs>("values"),
                           InstanceMethod<&CsrWrap::toDenseJs>("toDense"),
                           InstanceMethod<&CsrWrap::disposeJs>("dispose"),
                       });
  }

  // Constructed only by toCsr, which passes the matrix as an External; `new` from JS is a TypeError.
  explicit CsrWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CsrWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal())
      throw Napi::TypeError::New(info.Env(), "CsrMatrix objects are made by toCsr(w, mask, rows, cols)");
    matrix_.reset(info[0].As<Napi::External<CsrMatrix>>().Data());
    rows_ = matrix_->rows, cols_ = matrix_->cols, nnz_ = matrix_->nnz();
    accountedBytes_ = static_cast<int64_t>(nnz_ * 8 + (rows_ + 1) * 4);
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), accountedBytes_);
    info.This().As<Napi::Object>().TypeTag(&kCsrTag);
  }
  ~CsrWrap() override { release(Env()); }

  // The live matrix behind argument `name`, or a TypeError naming it. The caller holds a share of it, so a
  // dispose() from user code during the call cannot free it under a kernel.
  static std::shared_ptr<const CsrMatrix> unwrap(const Napi::Value& v, const std::string& name) {
    if (!v.IsObject() || !v.As<Napi::Object>().CheckTypeTag(&kCsrTag))
      throwType("a CsrMatrix from toCsr", name, v);
    CsrWrap* self = Unwrap(v.As<Napi::Object>());
    if (!self->matrix_)
      throw prunerl::TypeError("Expected a live CsrMatrix for " + name + " but received a disposed CsrMatrix");
    return self->matrix_;
  }

 private:
  void release(Napi::Env env) {
    if (!matrix_) return;
    matrix_.reset();
    Napi::MemoryManagement::AdjustExternalMemory(env, -accountedBytes_);
  }
  const CsrMatrix& live(const Napi::Env& env, const char* method) const {
    if (!matrix_)
      throw Napi::TypeError::New(env, std::string("Expected a live CsrMatrix for csr.") + method +
                                          "() but received a disposed CsrMatrix");
    return *matrix_;
  }

  Napi::Value rowsJs(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), rows_); }
  Napi::Value colsJs(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), cols_); }
  Napi::Value nnzJs(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), nnz_); }
  Napi::Value disposedJs(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !matrix_); }

  Napi::Value rowPtrJs(const Napi::CallbackInfo& info) {
    const CsrMatrix& m = live(info.Env(), "rowPtr");
    auto out = newInt32(info.Env(), m.rows + 1);
    std::copy(m.rowPtr.begin(), m.rowPtr.end(), out.Data());
    return out;
  }
  Napi::Value colIdxJs(const Napi::CallbackInfo& info) {
    const CsrMatrix& m = live(info.Env(), "colIdx");
    auto out = newInt32(info.Env(), m.nnz());
    std::copy(m.colIdx.begin(), m.colIdx.end(), out.Data());
    return out;
  }
  Napi::Value valuesJs(const Napi::CallbackInfo& info) {
    const CsrMatrix& m = live(info.Env(), "values");
    auto out = newFloat32(info.Env(), m.nnz());
    std::copy(m.values.begin(), m.values.end(), out.Data());
    return out;
  }
  Napi::Value toDenseJs(const Napi::CallbackInfo& info) {
    const CsrMatrix& m = live(info.Env(), "toDense");
    auto out = newFloat32(info.Env(), m.rows * m.cols);
    csrToDense(m, out.Data());
    return out;
  }
  Napi::Value disposeJs(const Napi::CallbackInfo& info) {
    release(info.Env());
    return info.Env().Undefined();
  }

  std::shared_ptr<CsrMatrix> matrix_;
  int64_t rows_ = 0, cols_ = 0, nnz_ = 0, accountedBytes_ = 0;
};

}  // namespace

// ---- gemm ------------------------------------------------------------------------------------------------------

// gemm(a, b, c, {m, n, k, transA?, transB?, alpha?, beta?}): c = alpha·op(a)·op(b) + beta·c, in place.
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
  opsOf(info).gemm(g);
  return info.Env().Undefined();
}

namespace {

struct LinearShape {
  int64_t batch, in, out;
};

LinearShape linearShapeArg(const Napi::Value& v) {
  Napi::Object o = objectArg(v, "shape");
  LinearShape s;
  s.batch = integerField(o, "shape", "batch", 1, kMaxInt32);
  s.in = integerField(o, "shape", "inFeatures", 1, kMaxInt32);
  s.out = integerField(o, "shape", "outFeatures", 1, kMaxInt32);
  return s;
}

void requireLinearOperands(const Span<float>& x, const Span<float>& w, const LinearShape& s) {
  requireLength(x.size, checkedProduct({s.batch, s.in}, "x"), "x", product("batch·inFeatures", s.batch, s.in));
  requireLength(w.size, checkedProduct({s.out, s.in}, "w"), "w", product("outFeatures·inFeatures", s.out, s.in));
  checkedProduct({s.batch, s.out}, "the output");
}

Napi::Float32Array linearProduct(const Napi::CallbackInfo& info, const float* x, const float* w, const uint8_t* mask,
                                 const LinearShape& s) {
  auto y = newFloat32(info.Env(), s.batch * s.out);
  opsOf(info).linearForward(x, w, mask, s.batch, s.in, s.out, y.Data());
  return y;
}

}  // namespace

// matmul(x, w, {batch, inFeatures, outFeatures}) -> y = x·wᵀ
Napi::Value matmulJs(const Napi::CallbackInfo& info) {
  auto x = float32Arg(info[0], "x");
  auto w = float32Arg(info[1], "w");
  const LinearShape s = linearShapeArg(info[2]);
  requireLinearOperands(x, w, s);
  return linearProduct(info, x.data, w.data, nullptr, s);
}

// maskedMatmul(x, w, mask, shape) -> y = x·(w ⊙ mask)ᵀ
Napi::Value maskedMatmulJs(const Napi::CallbackInfo& info) {
  auto x = float32Arg(info[0], "x");
  auto w = float32Arg(info[1], "w");
  auto mask = uint8Arg(info[2], "mask");
  const LinearShape s = linearShapeArg(info[3]);
  requireLinearOperands(x, w, s);
  requireLength(mask.size, s.out * s.in, "mask", product("outFeatures·inFeatures", s.out, s.in));
  requireBinaryMask(mask.data, mask.size, "mask");  // w ⊙ mask is what the kernels compute only for 0/1
  return linearProduct(info, x.data, w.data, mask.data, s);
}

// ---- CSR -------------------------------------------------------------------------------------------------------

namespace {

// toCsr(w, mask | null, rows, cols): keeps entries whose mask byte is non-zero (every non-zero weight when null).
Napi::Value toCsrJs(const Napi::CallbackInfo& info) {
  auto w = float32Arg(info[0], "w");
  const bool hasMask = !info[1].IsNull() && !info[1].IsUndefined();
  Span<uint8_t> mask;
  if (hasMask) mask = uint8Arg(info[1], "mask");
  const int64_t rows = integerArg(info[2], "rows", 1, kMaxInt32);
  const int64_t cols = integerArg(info[3], "cols", 1, kMaxInt32);
  const int64_t size = checkedProduct({rows, cols}, "the CSR matrix");
  requireLength(w.size, size, "w", product("rows·cols", rows, cols));
  if (hasMask) requireLength(mask.size, size, "mask", product("rows·cols", rows, cols));
  auto matrix = std::make_unique<CsrMatrix>(csrFromDense(w.data, hasMask ? mask.data : nullptr, rows, cols));
  auto* ctor = static_cast<Napi::FunctionReference*>(info.Data());
  Napi::Object obj = ctor->New({Napi::External<CsrMatrix>::New(info.Env(), matrix.get())});
  matrix.release();  // owned by the CsrWrap now
  return obj;
}

int64_t batchArg(const Napi::Value& v) { return integerArg(v, "batch", 1, kMaxInt32); }

}  // namespace

// spmm(x, m, batch) -> y[batch, rows] = x[batch, cols]·Wᵀ
Napi::Value spmmJs(const Napi::CallbackInfo& info) {
  auto x = float32Arg(info[0], "x");
  const auto held = CsrWrap::unwrap(info[1], "m");
  const CsrMatrix& m = *held;
  const int64_t batch = batchArg(info[2]);
  requireLength(x.size, checkedProduct({batch, m.cols}, "x"), "x", product("batch·m.cols", batch, m.cols));
  auto y = newFloat32(info.Env(), checkedProduct({batch, m.rows}, "the output"));
  opsOf(info).spmm(m, x.data, batch, y.Data());
  return y;
}

// spmmInputGrad(dy, m, batch) -> dx[batch, cols] = dy[batch, rows]·W
Napi::Value spmmInputGradJs(const Napi::CallbackInfo& info) {
  auto dy = float32Arg(info[0], "dy");
  const auto held = CsrWrap::unwrap(info[1], "m");
  const CsrMatrix& m = *held;
  const int64_t batch = batchArg(info[2]);
  requireLength(dy.size, checkedProduct({batch, m.rows}, "dy"), "dy", product("batch·m.rows", batch, m.rows));
  auto dx = newFloat32(info.Env(), checkedProduct({batch, m.cols}, "the output"));
  opsOf(info).spmmInputGrad(m, dy.data, batch, dx.Data());
  return dx;
}

// sddmm(dy, x, m, batch) -> dValues[nnz]
Napi::Value sddmmJs(const Napi::CallbackInfo& info) {
  auto dy = float32Arg(info[0], "dy");
  auto x = float32Arg(info[1], "x");
  const auto held = CsrWrap::unwrap(info[2], "m");
  const CsrMatrix& m = *held;
  const int64_t batch = batchArg(info[3]);
  requireLength(dy.size, checkedProduct({batch, m.rows}, "dy"), "dy", product("batch·m.rows", batch, m.rows));
  requireLength(x.size, checkedProduct({batch, m.cols}, "x"), "x", product("batch·m.cols", batch, m.cols));
  auto dValues = newFloat32(info.Env(), m.nnz());
  opsOf(info).sddmm(m, dy.data, x.data, batch, dValues.Data());
  return dValues;
}

// spmmBackward(dy, x, m, batch) -> { dx[batch, cols], dValues[nnz] }: spmmInputGrad and sddmm in one pass
Napi::Value spmmBackwardJs(const Napi::CallbackInfo& info) {
  const DeviceOps& ops = opsOf(info);
  const auto kernel = entryOf(ops, ops.spmmBackward, "spmmBackward");
  auto dy = float32Arg(info[0], "dy");
  auto x = float32Arg(info[1], "x");
  const auto held = CsrWrap::unwrap(info[2], "m");
  const CsrMatrix& m = *held;
  const int64_t batch = batchArg(info[3]);
  requireLength(dy.size, checkedProduct({batch, m.rows}, "dy"), "dy", product("batch·m.rows", batch, m.rows));
  requireLength(x.size, checkedProduct({batch, m.cols}, "x"), "x", product("batch·m.cols", batch, m.cols));
  auto dx = newFloat32(info.Env(), checkedProduct({batch, m.cols}, "the output"));
  auto dValues = newFloat32(info.Env(), m.nnz());
  kernel(m, dy.data, x.data, batch, dx.Data(), dValues.Data());
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("dx", dx);
  out.Set("dValues", dValues);
  return out;
}

std::shared_ptr<const CsrMatrix> csrArg(const Napi::Value& v, const std::string& name) { return CsrWrap::unwrap(v, name); }

void registerLinear(Napi::Env env, Napi::Object exports) {
  // gemm, matmul, maskedMatmul, spmm, spmmInputGrad, sddmm, spmmBackward (and the references): registerDeviceOps, addon.cpp.

  // toCsr needs the class constructor: it travels as the function's data, freed with the environment.
  auto* ctor = new Napi::FunctionReference(Napi::Persistent(CsrWrap::define(env)));
  env.AddCleanupHook([ctor] { delete ctor; });
  exports.Set("toCsr", Napi::Function::New(env, guarded<toCsrJs>, "toCsr", ctor));
}

}  // namespace prunerl::napi
