// How a weight layer stores its weights, and when it switches.
//   Dense:  all weights kept; dense kernels.
//   Masked: some weights pruned, stored as exact zeros in the dense matrix; dense kernels, re-zeroed after each step.
//   Csr:    only kept weights stored (CSR); sparse kernels costing O(kept); optimizer state kept for them only.
// The switch points are break-even densities measured by `npm run bench -- kernels` (bench/results/kernels.json)
// on the DQN layer shapes, and fixed here so that which kernel runs (and so the rounding of every result) depends
// only on the network and its masks, never on timing: training stays deterministic.
#pragma once

namespace prunerl {

enum class Representation { Dense, Masked, Csr };
enum class RepresentationPolicy { Auto, Dense, Masked, Csr };

// CSR is used at or below this density (fraction of weights kept), masked-dense above it.
constexpr double kCsrBreakEvenDensity = 0.30;

inline Representation chooseRepresentation(RepresentationPolicy policy, double density) {
  switch (policy) {
    case RepresentationPolicy::Dense: return density >= 1.0 ? Representation::Dense : Representation::Masked;
    case RepresentationPolicy::Masked: return Representation::Masked;
    case RepresentationPolicy::Csr: return Representation::Csr;
    default: break;
  }
  if (density >= 1.0) return Representation::Dense;
  return density <= kCsrBreakEvenDensity ? Representation::Csr : Representation::Masked;
}

inline const char* representationName(Representation r) {
  switch (r) {
    case Representation::Masked: return "masked";
    case Representation::Csr: return "csr";
    default: return "dense";
  }
}

}  // namespace prunerl
