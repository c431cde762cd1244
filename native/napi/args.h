// Argument checking for the Node-API layer. TypeScript validates first with friendlier context; these checks make
// the native boundary safe on its own: every wrong type is a JS TypeError, every wrong value a RangeError, both
// in one format: "Expected <what> for <name> but received <what it got>".
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "base/errors.h"

namespace prunerl::napi {

// A short description of a JS value for error messages.
std::string describe(const Napi::Value& v);

[[noreturn]] void throwType(const std::string& expected, const std::string& name, const Napi::Value& got);

// ---- User code in the middle of a call ----------------------------------------------------------------------
// Reading a property of a JS object can run user code (a getter, a Proxy trap, Symbol.hasInstance) that detaches,
// transfers or resizes a buffer whose pointer this call already holds, disposes a native object, or runs gc().
// So every native entry point opens a CallFrame; float32Arg & co. register the typed arrays they read in it (their
// handles live in the call's handle scope, which keeps them from being collected until the call returns), and every
// property read goes through readProperty()/isInstanceOf(), which re-checks all registered buffers afterwards: a
// buffer that changed under the call is a TypeError naming the argument, raised before any kernel runs.
class CallFrame {
 public:
  explicit CallFrame(napi_env env);
  ~CallFrame();
  CallFrame(const CallFrame&) = delete;
  CallFrame& operator=(const CallFrame&) = delete;

  void hold(napi_value array, const void* data, size_t length, const std::string& name);
  void recheck() const;  // throws prunerl::TypeError if a held buffer was detached, moved or resized

 private:
  struct Held {
    napi_value array;
    const void* data;
    size_t length;
    std::string name;
  };
  napi_env env_;
  std::vector<Held> held_;
  CallFrame* outer_;  // a getter may call into the addon again: frames nest
};

// o[key] / o[index], then the re-check above.
Napi::Value readProperty(const Napi::Object& o, const char* key);
Napi::Value readProperty(const Napi::Object& o, uint32_t index);
// o instanceof cls (may run a Proxy trap or Symbol.hasInstance), then the re-check above.
bool isInstanceOf(const Napi::Object& o, const Napi::Function& cls);

template <typename T>
struct Span {
  T* data = nullptr;
  int64_t size = 0;
};

Span<float> float32Arg(const Napi::Value& v, const std::string& name);
Span<int32_t> int32Arg(const Napi::Value& v, const std::string& name);
Span<uint8_t> uint8Arg(const Napi::Value& v, const std::string& name);
// Accepts null/undefined as "absent" (returns an empty span with data == nullptr).
Span<float> optionalFloat32Arg(const Napi::Value& v, const std::string& name);

double numberArg(const Napi::Value& v, const std::string& name);            // any finite number
int64_t integerArg(const Napi::Value& v, const std::string& name, int64_t min, int64_t max);
bool boolArg(const Napi::Value& v, const std::string& name);
std::string stringArg(const Napi::Value& v, const std::string& name);
Napi::Object objectArg(const Napi::Value& v, const std::string& name);
Napi::Array arrayArg(const Napi::Value& v, const std::string& name);

// Fields of an options object; `name` is the object's argument name, used as "<name>.<field>".
int64_t integerField(const Napi::Object& o, const std::string& name, const char* field, int64_t min, int64_t max);
int64_t integerFieldOr(const Napi::Object& o, const std::string& name, const char* field, int64_t min, int64_t max,
                       int64_t fallback);
double numberField(const Napi::Object& o, const std::string& name, const char* field);
double numberFieldOr(const Napi::Object& o, const std::string& name, const char* field, double fallback);
bool boolFieldOr(const Napi::Object& o, const std::string& name, const char* field, bool fallback);

// RangeError "Expected <name> to have <expected> elements (<why>) but received <got>".
void requireLength(int64_t got, int64_t expected, const std::string& name, const std::string& why);
// RangeError naming the first NaN/Inf entry.
void requireFinite(const float* data, int64_t n, const std::string& name);
// RangeError naming the first entry of a mask that is neither 0 nor 1 (a mask keeps or prunes; nothing between).
void requireBinaryMask(const uint8_t* data, int64_t n, const std::string& name);
// Checked product of sizes (RangeError on overflow past 2^31 elements per tensor, what the kernels index with).
int64_t checkedProduct(std::initializer_list<int64_t> sizes, const std::string& what);

Napi::Float32Array newFloat32(Napi::Env env, int64_t n);
Napi::Int32Array newInt32(Napi::Env env, int64_t n);

// Wraps a native function so that no C++ exception escapes: prunerl::TypeError → TypeError,
// prunerl::RangeError → RangeError, anything else → Error.
using NativeFn = Napi::Value (*)(const Napi::CallbackInfo&);
Napi::Value rethrowAsJs(Napi::Env env);  // call from a catch(...) block

template <NativeFn F>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    CallFrame frame(info.Env());
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    return rethrowAsJs(info.Env());
  }
}

template <NativeFn F>
void exportFunction(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New(env, guarded<F>, name));
}

}  // namespace prunerl::napi
