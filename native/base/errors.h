// Errors raised by native code. Kernels throw these; the Node-API layer turns them into JS TypeError /
// RangeError (never an abort). Messages name the argument and say what is allowed.
#pragma once
#include <stdexcept>
#include <string>

namespace prunerl {

// A value of the wrong kind (wrong TypedArray type, a disposed object, a missing field).
struct TypeError : std::invalid_argument {
  explicit TypeError(const std::string& msg) : std::invalid_argument(msg) {}
};

// A value of the right kind outside what is allowed (a wrong length, a sparsity outside [0,1], NaN weights).
struct RangeError : std::out_of_range {
  explicit RangeError(const std::string& msg) : std::out_of_range(msg) {}
};

inline void require(bool ok, const std::string& msg) {
  if (!ok) throw RangeError(msg);
}

}  // namespace prunerl
