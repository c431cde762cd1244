#include "cuda_emu/device_memory_map.h"

#include <cstdint>
#include <iterator>
#include <map>
#include <mutex>

namespace prunerl::cuda_emu {
namespace {

std::mutex mapMutex;
std::map<uintptr_t, size_t>& allocations() {
  static std::map<uintptr_t, size_t> map;  // start -> size
  return map;
}

}  // namespace

void rememberAllocation(const void* p, size_t bytes) {
  std::lock_guard<std::mutex> lock(mapMutex);
  allocations()[reinterpret_cast<uintptr_t>(p)] = bytes;
}

bool forgetAllocation(const void* p) {
  std::lock_guard<std::mutex> lock(mapMutex);
  return allocations().erase(reinterpret_cast<uintptr_t>(p)) == 1;
}

bool isDeviceMemory(const void* p, size_t bytes) {
  const auto at = reinterpret_cast<uintptr_t>(p);
  std::lock_guard<std::mutex> lock(mapMutex);
  auto it = allocations().upper_bound(at);
  if (it == allocations().begin()) return false;
  --it;
  return at - it->first + bytes <= it->second;
}

}  // namespace prunerl::cuda_emu
