#include "napi/tensor_binding.h"

#include "napi/args.h"

namespace prunerl::napi {
namespace {

size_t elementBytes(DType t) { return t == DType::Uint8 ? 1 : 4; }

const char* dtypeName(DType t) {
  switch (t) {
    case DType::Int32: return "int32";
    case DType::Uint8: return "uint8";
    default: return "float32";
  }
}

DType parseDType(const Napi::Value& v) {
  std::string s = stringArg(v, "dtype");
  if (s == "float32") return DType::Float32;
  if (s == "int32") return DType::Int32;
  if (s == "uint8") return DType::Uint8;
  throw prunerl::RangeError("Expected one of float32, int32, uint8 for dtype but received '" + s + "'");
}

}  // namespace

void TensorWrap::init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(env, "Tensor",
                                   {
                                       InstanceAccessor<&TensorWrap::dtype>("dtype"),
                                       InstanceAccessor<&TensorWrap::shape>("shape"),
                                       InstanceAccessor<&TensorWrap::size>("size"),
                                       InstanceAccessor<&TensorWrap::data>("data"),
                                       InstanceAccessor<&TensorWrap::disposed>("disposed"),
                                       InstanceMethod<&TensorWrap::dispose>("dispose"),
                                   });
  exports.Set("Tensor", cls);
}

// new Tensor(dtype, shape)
TensorWrap::TensorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorWrap>(info) {
  try {
    dtype_ = parseDType(info[0]);
    Napi::Array dims = arrayArg(info[1], "shape");
    int64_t size = 1;
    for (uint32_t i = 0; i < dims.Length(); ++i) {
      int64_t d = integerArg(readProperty(dims, i), "shape[" + std::to_string(i) + "]", 0, 1LL << 31);
      shape_.push_back(d);
      size = checkedProduct({size, d}, "a tensor");
    }
    size_ = size;
    storage_ = std::make_shared<AlignedBuffer>(static_cast<size_t>(size_) * elementBytes(dtype_));
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    rethrowAsJs(info.Env());
  }
}

Napi::Value TensorWrap::dtype(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), dtypeName(dtype_)); }

Napi::Value TensorWrap::shape(const Napi::CallbackInfo& info) {
  Napi::Array a = Napi::Array::New(info.Env(), shape_.size());
  for (size_t i = 0; i < shape_.size(); ++i) a.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), shape_[i]));
  return a;
}

Napi::Value TensorWrap::size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), size_); }

Napi::Value TensorWrap::disposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !storage_); }

Napi::Value TensorWrap::data(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!storage_) throw Napi::TypeError::New(env, "Expected a live Tensor for tensor.data but received a disposed Tensor");
  if (!view_.IsEmpty()) return view_.Value();
  Napi::ArrayBuffer ab;
  if (size_ == 0) {
    ab = Napi::ArrayBuffer::New(env, 0);
  } else {
    // The ArrayBuffer keeps its own reference to the storage, so a view that outlives the Tensor stays valid.
    auto* keep = new std::shared_ptr<AlignedBuffer>(storage_);
    ab = Napi::ArrayBuffer::New(env, storage_->data(), storage_->bytes(),
                                [](Napi::Env, void*, std::shared_ptr<AlignedBuffer>* hint) { delete hint; }, keep);
  }
  Napi::TypedArray view;
  switch (dtype_) {
    case DType::Int32: view = Napi::Int32Array::New(env, size_, ab, 0); break;
    case DType::Uint8: view = Napi::Uint8Array::New(env, size_, ab, 0); break;
    default: view = Napi::Float32Array::New(env, size_, ab, 0); break;
  }
  buffer_ = Napi::Persistent(ab);
  view_ = Napi::Persistent(view);
  return view;
}

Napi::Value TensorWrap::dispose(const Napi::CallbackInfo& info) {
  if (!buffer_.IsEmpty()) {
    Napi::ArrayBuffer ab = buffer_.Value();
    if (ab.ByteLength() > 0) ab.Detach();  // stale views now have length 0 instead of pointing at freed memory
    buffer_.Reset();
    view_.Reset();
  }
  storage_.reset();
  return info.Env().Undefined();
}

}  // namespace prunerl::napi
