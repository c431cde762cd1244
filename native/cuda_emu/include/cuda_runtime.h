// <cuda_runtime.h> for the emulated build of native/cuda: the .cu sources include it unchanged and get the host
// emulation of everything they use (runtime calls, device built-ins, kernel launches). Only the emulated
// translation units have native/cuda_emu/include on their include path; nothing here is the real CUDA toolkit's.
#pragma once
#include "cuda_emu/runtime_api.h"
#include "cuda_emu/launch.h"  // before device.h: its standard headers must not see device.h's __noinline__ macro
#include "cuda_emu/device.h"
