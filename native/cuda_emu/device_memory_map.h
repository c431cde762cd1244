// Which host addresses are "device memory" on the emulator: every live cudaMalloc allocation. On a GPU a host pointer
// handed to a kernel or to the device side of a copy is an illegal address (or silently wrong); on the emulator both
// are plain host memory, so without this map such a bug would pass every test. The copies check their directions
// against it and every launch checks its pointer arguments (launch.h), so a host pointer that leaks into device
// work fails in CI as it would on the hardware.
#pragma once
#include <cstddef>

namespace prunerl::cuda_emu {

void rememberAllocation(const void* p, size_t bytes);
// False when p is not the start of a live allocation.
bool forgetAllocation(const void* p);
// True when [p, p + bytes) lies inside one live allocation (bytes 0: p itself is inside, or one past its end).
bool isDeviceMemory(const void* p, size_t bytes = 0);

// The emulator's own probes (self_test.cpp, capture_self_test.cpp) hand host variables to kernels: this marks one as
// device memory for the guard's lifetime.
class AsDeviceMemory {
 public:
  AsDeviceMemory(const void* p, size_t bytes) : p_(p) { rememberAllocation(p, bytes); }
  ~AsDeviceMemory() { forgetAllocation(p_); }
  AsDeviceMemory(const AsDeviceMemory&) = delete;
  AsDeviceMemory& operator=(const AsDeviceMemory&) = delete;

 private:
  const void* p_;
};

}  // namespace prunerl::cuda_emu
