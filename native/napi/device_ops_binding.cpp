// The one list of device ops and their registration over a device's table (device_ops_binding.h).
#include "napi/device_ops_binding.h"

#include <mutex>

#include "napi/args.h"

namespace prunerl::napi {
namespace {

struct DeviceOpBinding {
  const char* name;
  NativeFn call;         // guarded<binding>: no C++ exception escapes
  bool hasReference;     // the CPU also exports <name>Reference over cpuReferenceOps()
};

const DeviceOpBinding kDeviceOps[] = {
    {"gemm", guarded<gemmJs>, true},
    {"matmul", guarded<matmulJs>, false},
    {"maskedMatmul", guarded<maskedMatmulJs>, false},
    {"spmm", guarded<spmmJs>, true},
    {"spmmInputGrad", guarded<spmmInputGradJs>, true},
    {"sddmm", guarded<sddmmJs>, true},
    {"spmmBackward", guarded<spmmBackwardJs>, true},
    {"huberLoss", guarded<huberLossJs>, false},
    {"adamStep", guarded<adamStepJs>, true},
    {"rmspropStep", guarded<rmspropStepJs>, true},
    {"relu", guarded<reluJs>, false},
    {"reluBackward", guarded<reluBackwardJs>, false},
    {"mseLoss", guarded<mseLossJs>, false},
    {"softmaxCrossEntropy", guarded<softmaxCrossEntropyJs>, false},
    {"argmaxRows", guarded<argmaxRowsJs>, false},
    {"maxRows", guarded<maxRowsJs>, false},
    {"gatherRows", guarded<gatherRowsJs>, false},
    {"biasAdd", guarded<biasAddJs>, false},
    {"biasGrad", guarded<biasGradJs>, false},
    {"maxPool2dForward", guarded<maxPool2dForwardJs>, false},
    {"maxPool2dBackward", guarded<maxPool2dBackwardJs>, false},
    {"magnitudePrune", guarded<magnitudePruneJs>, true},
    {"kthSmallestAbs", guarded<kthSmallestAbsJs>, false},
    {"embeddingProduct", guarded<embeddingProductJs>, true},
    {"embeddingProductBackward", guarded<embeddingProductBackwardJs>, true},
    {"quantileHuberLoss", guarded<quantileHuberLossJs>, true},
    {"duelingQ", guarded<duelingQJs>, false},
    {"duelingQBackward", guarded<duelingQBackwardJs>, false},
    {"duelingLogits", guarded<duelingLogitsJs>, false},
    {"duelingLogitsBackward", guarded<duelingLogitsBackwardJs>, false},
    {"c51Probabilities", guarded<c51ProbabilitiesJs>, false},
    {"c51Expectation", guarded<c51ExpectationJs>, false},
    {"tdTarget", guarded<tdTargetJs>, false},
    {"c51Project", guarded<c51ProjectJs>, false},
    {"tdLoss", guarded<tdLossJs>, false},
    {"c51Loss", guarded<c51LossJs>, false},
    {"applyMask", guarded<applyMaskJs>, false},
    {"sgdStep", guarded<sgdStepJs>, false},
};

// Every table registered so far (static tables, so the pointers stay valid), for modelOpsOn. Guarded: worker threads
// may load the addon at the same time.
std::mutex tablesMutex;
std::vector<const DeviceOps*> tables;
std::vector<const DeviceOps*> modelTables;  // device-resident tables, preferred by modelOpsOn over a copying one

void remember(const DeviceOps& ops) {
  std::lock_guard<std::mutex> lock(tablesMutex);
  for (const DeviceOps* t : tables)
    if (t == &ops) return;
  tables.push_back(&ops);
}

// (Not named bind: with a std::string argument, argument-dependent lookup would pick std::bind.)
void bindOp(Napi::Env env, Napi::Object target, const std::string& name, NativeFn call, const DeviceOps& ops) {
  // The table is static (a function-local static of its backend): it outlives every JS function made here.
  target.Set(name, Napi::Function::New(env, call, name, const_cast<DeviceOps*>(&ops)));
}

}  // namespace

const DeviceOps& opsOf(const Napi::CallbackInfo& info) {
  const auto* ops = static_cast<const DeviceOps*>(info.Data());
  if (ops == nullptr) throw std::logic_error("prunerl: a device op was called without its device table");
  return *ops;
}

std::vector<std::string> deviceOpNames() {
  std::vector<std::string> names;
  for (const DeviceOpBinding& op : kDeviceOps) names.push_back(op.name);
  return names;
}

void registerDeviceOps(Napi::Env env, Napi::Object target, const DeviceOps& ops) {
  remember(ops);
  for (const DeviceOpBinding& op : kDeviceOps) bindOp(env, target, op.name, op.call, ops);
}

void registerDeviceOpReferences(Napi::Env env, Napi::Object target) {
  remember(cpuReferenceOps());
  for (const DeviceOpBinding& op : kDeviceOps)
    if (op.hasReference) bindOp(env, target, std::string(op.name) + "Reference", op.call, cpuReferenceOps());
}

void registerModelTable(const DeviceOps& ops) {
  std::lock_guard<std::mutex> lock(tablesMutex);
  for (const DeviceOps* t : modelTables)
    if (t == &ops) return;
  modelTables.push_back(&ops);
}

const DeviceOps& modelOpsOn(const std::string& device, const std::string& argName) {
  std::string names;
  const DeviceOps* found = nullptr;
  {
    std::lock_guard<std::mutex> lock(tablesMutex);
    for (const DeviceOps* t : tables) {
      names += (names.empty() ? "" : ", ") + std::string(t->device);
      if (device == t->device) found = t;
    }
    for (const DeviceOps* t : modelTables)
      if (device == t->device) found = t;
  }
  if (found == nullptr)
    throw prunerl::RangeError("Expected one of " + names + " for " + argName + " but received '" + device + "'");
  if (const char* op = missingModelOp(*found))
    throw prunerl::RangeError("Expected a device with every op a Network needs for " + argName + " but " + device +
                              " has no " + op + " kernel yet");
  return *found;
}

}  // namespace prunerl::napi
