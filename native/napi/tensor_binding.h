// Native Tensor: owns aligned memory (float32, int32 or uint8), exposes it to JS as a TypedArray view (no copy),
// and frees it on dispose() (the view is detached first, so a stale view reads as empty instead of freed memory)
// or, as a backstop, when both the Tensor and its view have been garbage collected.
#pragma once
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "base/aligned_buffer.h"

namespace prunerl::napi {

enum class DType { Float32, Int32, Uint8 };

class TensorWrap : public Napi::ObjectWrap<TensorWrap> {
 public:
  static void init(Napi::Env env, Napi::Object exports);
  explicit TensorWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value dtype(const Napi::CallbackInfo& info);
  Napi::Value shape(const Napi::CallbackInfo& info);
  Napi::Value size(const Napi::CallbackInfo& info);
  Napi::Value data(const Napi::CallbackInfo& info);
  Napi::Value disposed(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);

  DType dtype_ = DType::Float32;
  std::vector<int64_t> shape_;
  int64_t size_ = 0;
  std::shared_ptr<AlignedBuffer> storage_;  // shared with the view's ArrayBuffer until that is collected
  Napi::Reference<Napi::ArrayBuffer> buffer_;
  Napi::Reference<Napi::TypedArray> view_;
};

}  // namespace prunerl::napi
