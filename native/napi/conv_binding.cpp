// conv2d and max-pool for JS, NHWC: check every argument, allocate the outputs, call the kernels.
#include <napi.h>

#include <limits>
#include <sstream>
#include <string>

#include "ops/conv2d.h"
#include "ops/pool2d.h"
#include "napi/args.h"
#include "napi/device_ops_binding.h"

namespace prunerl::napi {
namespace {

constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();

// "a·b·c = 2·5·5": the formula behind an expected length, with its numbers.
std::string formula(const char* names, std::initializer_list<int64_t> sizes) {
  std::ostringstream s;
  s << names << " = ";
  const char* sep = "";
  for (int64_t v : sizes) {
    s << sep << v;
    sep = "·";
  }
  return s.str();
}

Conv2dShape convShapeArg(const Napi::Value& v) {
  Napi::Object o = objectArg(v, "shape");
  Conv2dShape s;
  s.batch = integerField(o, "shape", "batch", 1, kMaxInt32);
  s.height = integerField(o, "shape", "height", 1, kMaxInt32);
  s.width = integerField(o, "shape", "width", 1, kMaxInt32);
  s.inChannels = integerField(o, "shape", "inChannels", 1, kMaxInt32);
  s.outChannels = integerField(o, "shape", "outChannels", 1, kMaxInt32);
  s.kernel = integerField(o, "shape", "kernel", 1, kMaxInt32);
  s.stride = integerFieldOr(o, "shape", "stride", 1, kMaxInt32, 1);
  s.padding = integerFieldOr(o, "shape", "padding", 0, kMaxInt32, 0);
  validateConv2d(s);
  return s;
}

Pool2dShape poolShapeArg(const Napi::Value& v) {
  Napi::Object o = objectArg(v, "shape");
  Pool2dShape s;
  s.batch = integerField(o, "shape", "batch", 1, kMaxInt32);
  s.height = integerField(o, "shape", "height", 1, kMaxInt32);
  s.width = integerField(o, "shape", "width", 1, kMaxInt32);
  s.channels = integerField(o, "shape", "channels", 1, kMaxInt32);
  s.kernel = integerField(o, "shape", "kernel", 1, kMaxInt32);
  s.stride = integerFieldOr(o, "shape", "stride", 1, kMaxInt32, 1);
  s.padding = integerFieldOr(o, "shape", "padding", 0, kMaxInt32, 0);
  validatePool2d(s);
  return s;
}

int64_t inputSize(const Conv2dShape& s) { return s.batch * s.height * s.width * s.inChannels; }
int64_t filterSize(const Conv2dShape& s) { return s.outChannels * s.kernel * s.kernel * s.inChannels; }
int64_t outputSize(const Conv2dShape& s) { return s.batch * s.outHeight() * s.outWidth() * s.outChannels; }

void requireInput(const Span<float>& x, const Conv2dShape& s) {
  requireLength(x.size, inputSize(s), "x",
                formula("batch·height·width·inChannels", {s.batch, s.height, s.width, s.inChannels}));
}
void requireFilters(const Span<float>& w, const Conv2dShape& s) {
  requireLength(w.size, filterSize(s), "w",
                formula("outChannels·kernel·kernel·inChannels", {s.outChannels, s.kernel, s.kernel, s.inChannels}));
}

using ConvForwardFn = void (*)(const float*, const float*, const float*, const Conv2dShape&, float*);
using ConvBackwardFn = void (*)(const float*, const float*, const float*, const Conv2dShape&, float*, float*, float*);

// conv2dForward(x, w, bias | null, shape) -> y
template <ConvForwardFn Kernel>
Napi::Value conv2dForwardJs(const Napi::CallbackInfo& info) {
  auto x = float32Arg(info[0], "x");
  auto w = float32Arg(info[1], "w");
  const bool hasBias = !info[2].IsNull() && !info[2].IsUndefined();  // an empty array is a wrong length, not "absent"
  auto bias = optionalFloat32Arg(info[2], "bias");
  Conv2dShape s = convShapeArg(info[3]);
  requireInput(x, s);
  requireFilters(w, s);
  if (hasBias) requireLength(bias.size, s.outChannels, "bias", "outChannels");
  Napi::Float32Array y = newFloat32(info.Env(), outputSize(s));
  Kernel(x.data, w.data, bias.data, s, y.Data());
  return y;
}

// conv2dBackward(x, w, dy, shape) -> { dx, dw, db }
template <ConvBackwardFn Kernel>
Napi::Value conv2dBackwardJs(const Napi::CallbackInfo& info) {
  auto x = float32Arg(info[0], "x");
  auto w = float32Arg(info[1], "w");
  auto dy = float32Arg(info[2], "dy");
  Conv2dShape s = convShapeArg(info[3]);
  requireInput(x, s);
  requireFilters(w, s);
  requireLength(
      dy.size, outputSize(s), "dy",
      formula("batch·outHeight·outWidth·outChannels", {s.batch, s.outHeight(), s.outWidth(), s.outChannels}));
  Napi::Env env = info.Env();
  Napi::Float32Array dx = newFloat32(env, inputSize(s));
  Napi::Float32Array dw = newFloat32(env, filterSize(s));
  Napi::Float32Array db = newFloat32(env, s.outChannels);
  Kernel(x.data, w.data, dy.data, s, dx.Data(), dw.Data(), db.Data());
  Napi::Object out = Napi::Object::New(env);
  out.Set("dx", dx);
  out.Set("dw", dw);
  out.Set("db", db);
  return out;
}

// maxPool2dForward(x, shape) -> { y, argmax }
Napi::Value maxPool2dForwardOp(const Napi::CallbackInfo& info) {
  auto x = float32Arg(info[0], "x");
  Pool2dShape s = poolShapeArg(info[1]);
  requireLength(x.size, s.batch * s.height * s.width * s.channels, "x",
                formula("batch·height·width·channels", {s.batch, s.height, s.width, s.channels}));
  const int64_t outSize = s.batch * s.outHeight() * s.outWidth() * s.channels;
  Napi::Env env = info.Env();
  Napi::Float32Array y = newFloat32(env, outSize);
  Napi::Int32Array argmax = newInt32(env, outSize);
  const DeviceOps& ops = opsOf(info);
  entryOf(ops, ops.maxPool2dForward, "maxPool2dForward")(x.data, s, y.Data(), argmax.Data());
  Napi::Object out = Napi::Object::New(env);
  out.Set("y", y);
  out.Set("argmax", argmax);
  return out;
}

// maxPool2dBackward(dy, argmax, inputSize) -> dx
Napi::Value maxPool2dBackwardOp(const Napi::CallbackInfo& info) {
  auto dy = float32Arg(info[0], "dy");
  auto argmax = int32Arg(info[1], "argmax");
  const int64_t inSize = integerArg(info[2], "inputSize", 1, kMaxInt32);
  requireLength(argmax.size, dy.size, "argmax", "one index per dy entry: dy.length");
  // Every device's kernel scatters into dx[argmax[j]]: checked here, once, before any of them runs.
  for (int64_t j = 0; j < argmax.size; ++j) {
    if (argmax.data[j] < 0 || argmax.data[j] >= inSize) {
      std::ostringstream m;
      m << "Expected entries in [0, inputSize − 1 = " << inSize - 1 << "] for argmax but received " << argmax.data[j]
        << " at index " << j;
      throw prunerl::RangeError(m.str());
    }
  }
  Napi::Float32Array dx = newFloat32(info.Env(), inSize);
  const DeviceOps& ops = opsOf(info);
  entryOf(ops, ops.maxPool2dBackward, "maxPool2dBackward")(dy.data, argmax.data, dy.size, inSize, dx.Data());
  return dx;
}

}  // namespace

// The device ops of this file (device_ops_binding.h), bound once for every device.
Napi::Value maxPool2dForwardJs(const Napi::CallbackInfo& info) { return maxPool2dForwardOp(info); }
Napi::Value maxPool2dBackwardJs(const Napi::CallbackInfo& info) { return maxPool2dBackwardOp(info); }

void registerConv(Napi::Env env, Napi::Object exports) {
  exportFunction<conv2dForwardJs<conv2dForward>>(env, exports, "conv2dForward");
  exportFunction<conv2dForwardJs<conv2dForwardReference>>(env, exports, "conv2dForwardReference");
  exportFunction<conv2dBackwardJs<conv2dBackward>>(env, exports, "conv2dBackward");
  exportFunction<conv2dBackwardJs<conv2dBackwardReference>>(env, exports, "conv2dBackwardReference");
  // maxPool2dForward, maxPool2dBackward: registerDeviceOps (device_ops_binding.cpp), addon.cpp.
}

}  // namespace prunerl::napi
