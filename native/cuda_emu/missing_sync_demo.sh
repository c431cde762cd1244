#!/usr/bin/env bash
# Shows that the emulator catches a missing __syncthreads, two ways: the kernel gives wrong results on the emulator
# (a block's threads run in turn, so a thread reads shared memory its neighbours have not written yet: 0xFF
# garbage), and ThreadSanitizer reports the data race. Works on a scratch copy of native/cuda/csr_kernels.cu with
# the one __syncthreads of transposeTiles deleted (or `--keep` to leave it, the control run), compiled with the
# emulator into a small harness; the tree itself is not touched. Usage: native/cuda_emu/missing_sync_demo.sh [--keep]
# Prints both runs' results and exits 0 when the outcome is the expected one (broken: both flag it; --keep: neither).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap '[[ -n "${KEEP_SCRATCH:-}" ]] || rm -rf "$scratch"' EXIT
keep=0
[[ "${1:-}" == "--keep" ]] && keep=1

# The build's rewrite of kernel launches (CMakeLists.txt), then the deletion.
sed -E 's/([A-Za-z_][A-Za-z0-9_]*)((<[^<>;]*>)?)<<</\1\2 * ::prunerl::cuda_emu::Launch("\1", /g; s/>>>/)/g' \
  "$root/native/cuda/csr_kernels.cu" > "$scratch/csr_kernels.cpp"
if [[ $keep == 0 ]]; then
  # transposeTiles' barrier is the first __syncthreads in the file (between the tile's writes and its reads).
  awk '!done && /__syncthreads\(\);/ { print "  /* __syncthreads(); deleted */"; done = 1; next } { print }' \
    "$scratch/csr_kernels.cpp" > "$scratch/broken.cpp" && mv "$scratch/broken.cpp" "$scratch/csr_kernels.cpp"
fi
cat > "$scratch/harness.cpp" <<'EOF'
// transposeDevice on a 70×45 matrix (3 × 2 tiles, partial edges) against the plain transpose.
#include <cstdio>
#include <vector>
#include "cuda/csr_device.h"
int main() {
  const int rows = 70, cols = 45;
  std::vector<float> in(rows * cols), out(rows * cols, 0.0f);
  for (int i = 0; i < rows * cols; ++i) in[i] = static_cast<float>(i);
  prunerl::cuda_emulated::transposeDevice(in.data(), rows, cols, out.data());
  int wrong = 0;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) wrong += out[c * rows + r] != in[r * cols + c];
  std::printf("transposeTiles: %d of %d entries wrong\n", wrong, rows * cols);
  return wrong == 0 ? 0 : 1;
}
EOF
flags=(-std=c++17 -O1 -g -ffp-contract=off -fno-strict-aliasing -Wno-unknown-pragmas -Dcuda=cuda_emulated
       -I"$root/native" -I"$root/native/cuda_emu/include")
sources=("$scratch/harness.cpp" "$scratch/csr_kernels.cpp" "$root/native/cuda_emu/runtime.cpp")
internals=("$root/native/cuda_emu/scheduler.cpp" "$root/native/cuda_emu/fiber.cpp")
g++ "${flags[@]}" "${sources[@]}" "${internals[@]}" -o "$scratch/plain"
# As CMakeLists.txt builds it: the emulator's internals without TSan instrumentation (they annotate it instead).
g++ "${flags[@]}" -DPRUNERL_CUDA_EMU_TSAN=1 -c "${internals[0]}" -o "$scratch/scheduler.o"
g++ "${flags[@]}" -DPRUNERL_CUDA_EMU_TSAN=1 -c "${internals[1]}" -o "$scratch/fiber.o"
g++ "${flags[@]}" -fsanitize=thread -DPRUNERL_CUDA_EMU_TSAN=1 "${sources[@]}" "$scratch/scheduler.o" "$scratch/fiber.o" \
  -o "$scratch/tsan"

echo "== emulator, no sanitizer"
plain_rc=0; "$scratch/plain" || plain_rc=$?
echo "== emulator under ThreadSanitizer"
tsan_rc=0; TSAN_OPTIONS="halt_on_error=0 exitcode=66" "$scratch/tsan" > "$scratch/tsan.log" 2>&1 || tsan_rc=$?
races=$(grep -c "WARNING: ThreadSanitizer: data race" "$scratch/tsan.log" || true)
grep -m1 -A12 "WARNING: ThreadSanitizer: data race" "$scratch/tsan.log" || true
tail -1 "$scratch/tsan.log"
echo "ThreadSanitizer: $races data race report(s), exit code $tsan_rc"
if [[ $keep == 1 ]]; then
  [[ $plain_rc == 0 && $races == 0 && $tsan_rc == 0 ]] && echo "OK: with the barrier, correct and race-free" && exit 0
else
  [[ $plain_rc != 0 && $races -gt 0 ]] && echo "OK: the missing __syncthreads is caught (wrong results and a reported race)" && exit 0
fi
echo "UNEXPECTED outcome"; exit 1
