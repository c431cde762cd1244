// Where a device's tensors live and how bytes get there: every DeviceOps table names its memory, and its op entries
// take pointers into that memory. The CPU's is host memory (its copies are memcpy); the device-resident CUDA tables'
// is GPU memory (cudaMalloc, cudaMemcpy). native/model allocates every tensor of a Network or Learner through it
// (model/buffer.h), so a Network built on a GPU table keeps its weights, masks, CSR structure, optimizer state,
// activations and scratch on the GPU, and crosses to the host only where a caller asks for values.
#pragma once
#include <cstdint>

namespace prunerl {

struct DeviceMemory {
  bool host = true;  // true: the pointers are host pointers (the caller's arrays may be used in place)
  // Returns zero-filled memory of at least `bytes` (nullptr for 0); throws std::bad_alloc or the device's error.
  void* (*allocate)(int64_t bytes);
  void (*release)(void* p);  // never throws; nullptr is a no-op
  void (*upload)(void* device, const void* host, int64_t bytes);
  void (*download)(void* host, const void* device, int64_t bytes);
  void (*copy)(void* dst, const void* src, int64_t bytes);  // within the device
  void (*zero)(void* p, int64_t bytes);
};

// native/cpu/host_memory.cpp: 64-byte aligned host memory (full AVX-512 vectors), copies by memcpy.
const DeviceMemory& hostMemory();

}  // namespace prunerl
