// PRUNERL_NO_CONTRACT: a function attribute that turns off FMA contraction inside one function.
// GCC contracts a multiply and an add into an FMA wherever the target has one (its default -ffp-contract=fast), which
// rounds once where the plain expression rounds twice. Kernels that promise bit-identical results to a reference
// (the optimizers, the IQN loss, the TypeScript loops they replace) mark their functions with it, so their numbers do
// not depend on the CPU they ran on. Clang fuses only within one expression: write one statement per rounding there.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#define PRUNERL_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#else
#define PRUNERL_NO_CONTRACT
#endif
