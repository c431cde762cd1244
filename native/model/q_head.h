// The Q head of a value network: how many outputs it reads and how they are grouped (plain Q, dueling, C51). Its
// arithmetic (dueling combination, C51 softmax, expectation, projection, and their backward) is a set of device ops,
// ops/value_head.h, which follow src/agents/q_head.ts step for step on the CPU.
#pragma once
#include <cstdint>

namespace prunerl {

struct QHeadSpec {
  enum class Kind { Q, Dueling, C51 };
  Kind kind = Kind::Q;
  int64_t actions = 1;
  // C51 only: the support z_j = vMin + j·(vMax − vMin)/(atoms − 1); `dueling` splits V and A per atom.
  int64_t atoms = 0;
  double vMin = 0.0, vMax = 0.0;
  bool dueling = false;

  int64_t outputs() const;  // units the network's last layer must have
  double atomSpacing() const { return (vMax - vMin) / static_cast<double>(atoms - 1); }
};

}  // namespace prunerl
