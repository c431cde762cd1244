// What other bindings need from network_binding.cpp: the native Network behind a JS Network object.
#pragma once
#include <napi.h>

#include <memory>
#include <string>

#include "model/network.h"

namespace prunerl::napi {

// The live Network of a JS Network (TypeError naming `name` for another value or a disposed Network). The shared
// pointer keeps it alive for the call even if user code disposes the JS object meanwhile.
std::shared_ptr<Network> networkArg(const Napi::Value& v, const std::string& name);

}  // namespace prunerl::napi
