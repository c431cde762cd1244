// The CsrMatrix behind a JS argument (an object made by toCsr, recognised by its type tag), shared with the caller
// for the duration of the call so that a dispose() from user code cannot free it under a kernel. Defined with the
// CsrMatrix class in linear_binding.cpp.
#pragma once
#include <napi.h>

#include <memory>
#include <string>

#include "ops/csr.h"

namespace prunerl::napi {

std::shared_ptr<const CsrMatrix> csrArg(const Napi::Value& v, const std::string& name);

}  // namespace prunerl::napi
