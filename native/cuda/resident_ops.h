// The device-resident CUDA table and its memory (resident_ops.cu): what a Network built with device 'cuda' runs on.
// Includes no CUDA header, so the bindings compile with the host compiler alone.
#pragma once
#include "ops/device_memory.h"
#include "ops/device_ops.h"

namespace prunerl::cuda {

const DeviceMemory& deviceMemory();  // cudaMalloc'd (zero-filled), cudaMemcpy
const DeviceOps& residentOps();

}  // namespace prunerl::cuda
