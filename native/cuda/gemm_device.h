// Dense GEMM on device pointers (GemmArgs of cpu/gemm.h, every pointer on the device), on the default stream.
#pragma once
#include "ops/gemm.h"

namespace prunerl::cuda {

void gemmDevice(const GemmArgs& g);

}  // namespace prunerl::cuda
