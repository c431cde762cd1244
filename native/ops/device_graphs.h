// Recorded work a device can replay as one launch (CUDA graphs): what lets a whole learner update be one launch on a
// GPU instead of some forty. A table without graphs (the CPU's) has DeviceOps::graphs == nullptr.
#pragma once
#include <cstdint>

namespace prunerl {

struct DeviceGraphs {
  // Records what body(context) launches on this thread's stream, running none of it, and returns the recording;
  // throws (a one-line error naming the refused call) when body does something a recording cannot hold (an
  // allocation, a synchronous copy, a host read of device results), leaving the device usable.
  void* (*capture)(void (*body)(void*), void* context);
  void (*replay)(void* graph);   // runs the recorded work again, in order, with the pointers and sizes recorded
  void (*release)(void* graph);  // never throws
  // Changes whenever the device's memory is allocated or freed: a recording's pointers are valid only while it is
  // unchanged.
  uint64_t (*memoryEpoch)();
};

}  // namespace prunerl
