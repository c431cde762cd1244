#include "napi/args.h"

#include <limits>
#include <sstream>

namespace prunerl::napi {

std::string describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsBoolean()) return std::string("boolean ") + (v.As<Napi::Boolean>().Value() ? "true" : "false");
  if (v.IsNumber()) {
    std::ostringstream s;
    s << "number " << v.As<Napi::Number>().DoubleValue();
    return s.str();
  }
  if (v.IsString()) {
    std::string s = v.As<Napi::String>().Utf8Value();
    if (s.size() > 40) s = s.substr(0, 40) + "...";
    return "string '" + s + "'";
  }
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array: return "Float32Array";
      case napi_float64_array: return "Float64Array";
      case napi_int32_array: return "Int32Array";
      case napi_uint32_array: return "Uint32Array";
      case napi_uint8_array: return "Uint8Array";
      case napi_uint8_clamped_array: return "Uint8ClampedArray";
      case napi_int8_array: return "Int8Array";
      case napi_int16_array: return "Int16Array";
      case napi_uint16_array: return "Uint16Array";
      default: return "a TypedArray";
    }
  }
  if (v.IsArray()) return "an array";
  if (v.IsFunction()) return "a function";
  if (v.IsObject()) return "an object";
  return "an unsupported value";
}

void throwType(const std::string& expected, const std::string& name, const Napi::Value& got) {
  throw prunerl::TypeError("Expected " + expected + " for " + name + " but received " + describe(got));
}

namespace {
thread_local CallFrame* currentFrame = nullptr;
}  // namespace

CallFrame::CallFrame(napi_env env) : env_(env), outer_(currentFrame) { currentFrame = this; }
CallFrame::~CallFrame() { currentFrame = outer_; }

void CallFrame::hold(napi_value array, const void* data, size_t length, const std::string& name) {
  held_.push_back(Held{array, data, length, name});
}

void CallFrame::recheck() const {
  for (const Held& h : held_) {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_value buffer;
    size_t offset = 0;
    const napi_status status = napi_get_typedarray_info(env_, h.array, &type, &length, &data, &buffer, &offset);
    if (status != napi_ok || length != h.length || (length > 0 && data != h.data))
      throw prunerl::TypeError("Expected " + h.name +
                               " to stay attached during the call but received one whose buffer was detached, "
                               "transferred or resized by a getter or Proxy trap");
  }
}

Napi::Value readProperty(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (currentFrame) currentFrame->recheck();
  return v;
}
Napi::Value readProperty(const Napi::Object& o, uint32_t index) {
  Napi::Value v = o.Get(index);
  if (currentFrame) currentFrame->recheck();
  return v;
}
bool isInstanceOf(const Napi::Object& o, const Napi::Function& cls) {
  const bool is = o.InstanceOf(cls);
  if (currentFrame) currentFrame->recheck();
  return is;
}

namespace {
template <typename T>
Span<T> typedArg(const Napi::Value& v, const std::string& name, napi_typedarray_type type, const char* typeName) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) throwType(typeName, name, v);
  auto arr = v.As<Napi::TypedArray>();
  if (arr.ArrayBuffer().ByteLength() == 0 && arr.ElementLength() == 0) return Span<T>{nullptr, 0};
  auto* base = static_cast<uint8_t*>(arr.ArrayBuffer().Data());
  if (base == nullptr && arr.ElementLength() > 0)
    throw prunerl::TypeError("Expected a live " + std::string(typeName) + " for " + name +
                             " but received one whose buffer was detached (disposed)");
  T* data = reinterpret_cast<T*>(base + arr.ByteOffset());
  if (currentFrame) currentFrame->hold(v, data, arr.ElementLength(), name);
  return Span<T>{data, static_cast<int64_t>(arr.ElementLength())};
}
}  // namespace

Span<float> float32Arg(const Napi::Value& v, const std::string& name) {
  return typedArg<float>(v, name, napi_float32_array, "Float32Array");
}
Span<int32_t> int32Arg(const Napi::Value& v, const std::string& name) {
  return typedArg<int32_t>(v, name, napi_int32_array, "Int32Array");
}
Span<uint8_t> uint8Arg(const Napi::Value& v, const std::string& name) {
  return typedArg<uint8_t>(v, name, napi_uint8_array, "Uint8Array");
}
Span<float> optionalFloat32Arg(const Napi::Value& v, const std::string& name) {
  if (v.IsUndefined() || v.IsNull()) return Span<float>{};
  return float32Arg(v, name);
}

double numberArg(const Napi::Value& v, const std::string& name) {
  if (!v.IsNumber()) throwType("a number", name, v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throw prunerl::RangeError("Expected a finite number for " + name + " but received " + describe(v));
  return d;
}

int64_t integerArg(const Napi::Value& v, const std::string& name, int64_t min, int64_t max) {
  if (!v.IsNumber()) throwType("an integer", name, v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(min) || d > static_cast<double>(max)) {
    std::ostringstream s;
    s << "Expected an integer in [" << min << ", " << max << "] for " << name << " but received " << describe(v);
    throw prunerl::RangeError(s.str());
  }
  return static_cast<int64_t>(d);
}

bool boolArg(const Napi::Value& v, const std::string& name) {
  if (!v.IsBoolean()) throwType("a boolean", name, v);
  return v.As<Napi::Boolean>().Value();
}

std::string stringArg(const Napi::Value& v, const std::string& name) {
  if (!v.IsString()) throwType("a string", name, v);
  return v.As<Napi::String>().Utf8Value();
}

Napi::Object objectArg(const Napi::Value& v, const std::string& name) {
  if (!v.IsObject() || v.IsArray() || v.IsTypedArray() || v.IsFunction()) throwType("an object", name, v);
  return v.As<Napi::Object>();
}

Napi::Array arrayArg(const Napi::Value& v, const std::string& name) {
  if (!v.IsArray()) throwType("an array", name, v);
  return v.As<Napi::Array>();
}

int64_t integerField(const Napi::Object& o, const std::string& name, const char* field, int64_t min, int64_t max) {
  return integerArg(readProperty(o, field), name + "." + field, min, max);
}
int64_t integerFieldOr(const Napi::Object& o, const std::string& name, const char* field, int64_t min, int64_t max,
                       int64_t fallback) {
  Napi::Value v = readProperty(o, field);
  return v.IsUndefined() ? fallback : integerArg(v, name + "." + field, min, max);
}
double numberField(const Napi::Object& o, const std::string& name, const char* field) {
  return numberArg(readProperty(o, field), name + "." + field);
}
double numberFieldOr(const Napi::Object& o, const std::string& name, const char* field, double fallback) {
  Napi::Value v = readProperty(o, field);
  return v.IsUndefined() ? fallback : numberArg(v, name + "." + field);
}
bool boolFieldOr(const Napi::Object& o, const std::string& name, const char* field, bool fallback) {
  Napi::Value v = readProperty(o, field);
  return v.IsUndefined() ? fallback : boolArg(v, name + "." + field);
}

void requireLength(int64_t got, int64_t expected, const std::string& name, const std::string& why) {
  if (got != expected) {
    std::ostringstream s;
    s << "Expected " << name << " to have " << expected << " elements (" << why << ") but received " << got;
    throw prunerl::RangeError(s.str());
  }
}

void requireFinite(const float* data, int64_t n, const std::string& name) {
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(data[i])) {
      std::ostringstream s;
      s << "Expected finite values in " << name << " but received " << data[i] << " at index " << i;
      throw prunerl::RangeError(s.str());
    }
  }
}

void requireBinaryMask(const uint8_t* data, int64_t n, const std::string& name) {
  for (int64_t i = 0; i < n; ++i)
    if (data[i] > 1)
      throw prunerl::RangeError("Expected only 0 and 1 in " + name + " but received " + std::to_string(data[i]) +
                                " at index " + std::to_string(i));
}

int64_t checkedProduct(std::initializer_list<int64_t> sizes, const std::string& what) {
  int64_t p = 1;
  const int64_t limit = std::numeric_limits<int32_t>::max();
  for (int64_t s : sizes) {
    if (s < 0 || (s > 0 && p > limit / s)) throw prunerl::RangeError("Expected " + what + " to have fewer than 2^31 elements");
    p *= s;
  }
  return p;
}

Napi::Float32Array newFloat32(Napi::Env env, int64_t n) { return Napi::Float32Array::New(env, static_cast<size_t>(n)); }
Napi::Int32Array newInt32(Napi::Env env, int64_t n) { return Napi::Int32Array::New(env, static_cast<size_t>(n)); }

Napi::Value rethrowAsJs(Napi::Env env) {
  try {
    throw;
  } catch (const prunerl::TypeError& e) {
    throw Napi::TypeError::New(env, e.what());
  } catch (const prunerl::RangeError& e) {
    throw Napi::RangeError::New(env, e.what());
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(env, "Out of memory: the requested sizes are too large for this machine");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("prunerl native error: ") + e.what());
  }
}

}  // namespace prunerl::napi
