// The CPU tables' memory (ops/device_memory.h): aligned host allocations and memcpy.
#include <cstdlib>
#include <cstring>
#include <new>

#include "ops/device_memory.h"

namespace prunerl {
namespace {

void* allocateHost(int64_t bytes) {
  if (bytes <= 0) return nullptr;
  const size_t rounded = (static_cast<size_t>(bytes) + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, rounded);
  return p;
}

void releaseHost(void* p) { std::free(p); }

void copyBytes(void* dst, const void* src, int64_t bytes) {
  if (bytes > 0 && dst != src) std::memcpy(dst, src, static_cast<size_t>(bytes));
}

void zeroBytes(void* p, int64_t bytes) {
  if (bytes > 0) std::memset(p, 0, static_cast<size_t>(bytes));
}

}  // namespace

const DeviceMemory& hostMemory() {
  static const DeviceMemory memory{true, allocateHost, releaseHost, copyBytes, copyBytes, copyBytes, zeroBytes};
  return memory;
}

}  // namespace prunerl
