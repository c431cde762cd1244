// The ops every device implements (ops/device_ops.h), each bound once: one JS function per op whose callback reads
// the device's table from its function data, so native.*, native.cuda.* and native.cudaEmulated.* run the same
// argument checks (same messages) and differ only in the table they call.
#pragma once
#include <napi.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "base/errors.h"
#include "ops/device_ops.h"

namespace prunerl::napi {

// The table a device op was registered with (its function data).
const DeviceOps& opsOf(const Napi::CallbackInfo& info);

// The bindings, defined beside the other ops of their kind.
Napi::Value gemmJs(const Napi::CallbackInfo& info);            // linear_binding.cpp
Napi::Value matmulJs(const Napi::CallbackInfo& info);
Napi::Value maskedMatmulJs(const Napi::CallbackInfo& info);
Napi::Value spmmJs(const Napi::CallbackInfo& info);
Napi::Value spmmInputGradJs(const Napi::CallbackInfo& info);
Napi::Value sddmmJs(const Napi::CallbackInfo& info);
Napi::Value spmmBackwardJs(const Napi::CallbackInfo& info);
Napi::Value huberLossJs(const Napi::CallbackInfo& info);       // train_ops_binding.cpp
Napi::Value adamStepJs(const Napi::CallbackInfo& info);
Napi::Value rmspropStepJs(const Napi::CallbackInfo& info);
Napi::Value reluJs(const Napi::CallbackInfo& info);
Napi::Value reluBackwardJs(const Napi::CallbackInfo& info);
Napi::Value mseLossJs(const Napi::CallbackInfo& info);
Napi::Value softmaxCrossEntropyJs(const Napi::CallbackInfo& info);
Napi::Value argmaxRowsJs(const Napi::CallbackInfo& info);
Napi::Value maxRowsJs(const Napi::CallbackInfo& info);
Napi::Value gatherRowsJs(const Napi::CallbackInfo& info);
Napi::Value biasAddJs(const Napi::CallbackInfo& info);
Napi::Value biasGradJs(const Napi::CallbackInfo& info);
Napi::Value maxPool2dForwardJs(const Napi::CallbackInfo& info);  // conv_binding.cpp
Napi::Value maxPool2dBackwardJs(const Napi::CallbackInfo& info);
Napi::Value magnitudePruneJs(const Napi::CallbackInfo& info);  // prune_binding.cpp
Napi::Value kthSmallestAbsJs(const Napi::CallbackInfo& info);
Napi::Value embeddingProductJs(const Napi::CallbackInfo& info);          // iqn_binding.cpp
Napi::Value embeddingProductBackwardJs(const Napi::CallbackInfo& info);
Napi::Value quantileHuberLossJs(const Napi::CallbackInfo& info);          // iqn_binding.cpp
Napi::Value duelingQJs(const Napi::CallbackInfo& info);  // value_head_binding.cpp
Napi::Value duelingQBackwardJs(const Napi::CallbackInfo& info);
Napi::Value duelingLogitsJs(const Napi::CallbackInfo& info);
Napi::Value duelingLogitsBackwardJs(const Napi::CallbackInfo& info);
Napi::Value c51ProbabilitiesJs(const Napi::CallbackInfo& info);
Napi::Value c51ExpectationJs(const Napi::CallbackInfo& info);
Napi::Value tdTargetJs(const Napi::CallbackInfo& info);
Napi::Value c51ProjectJs(const Napi::CallbackInfo& info);
Napi::Value tdLossJs(const Napi::CallbackInfo& info);
Napi::Value c51LossJs(const Napi::CallbackInfo& info);
Napi::Value applyMaskJs(const Napi::CallbackInfo& info);
Napi::Value sgdStepJs(const Napi::CallbackInfo& info);

// `entry` (a table member), or a RangeError naming the op and the device when that device has no kernel for it
// (the same kind modelOpsOn throws when a Network needs such an op).
template <typename Fn>
Fn entryOf(const DeviceOps& ops, Fn entry, const char* op) {
  if (entry == nullptr) throw RangeError(std::string(op) + " has no kernel on device " + ops.device + " yet");
  return entry;
}

// The JS names of the device ops, in registration order (the one list of them).
std::vector<std::string> deviceOpNames();
// Every device op on `target`, calling `ops`.
void registerDeviceOps(Napi::Env env, Napi::Object target, const DeviceOps& ops);
// The CPU's plain references as <name>Reference, for the ops that have one (gemmReference, spmmReference, …).
void registerDeviceOpReferences(Napi::Env env, Napi::Object target);

// A device-resident table (its memory is the device's) that a Network or Learner on device `ops.device` runs on
// instead of the copying table of the same name that registerDeviceOps bound for kernels.*.
void registerModelTable(const DeviceOps& ops);

// The table of a registered device by its name (DeviceOps::device: cpu, cpu-reference, cuda, cuda-emulated, as
// built), for a Network or Learner to run on. RangeError naming `argName` for a device this addon does not have;
// RangeError naming the op and the device when that device has no kernel for an op a Network needs.
const DeviceOps& modelOpsOn(const std::string& device, const std::string& argName);

}  // namespace prunerl::napi
