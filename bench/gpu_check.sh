#!/usr/bin/env bash
# `npm run gpu-check`: everything a GPU session measures, in one script that fits in under 8 minutes.
#   1. the GPU-vs-CPU tests (test/native/cuda*.test.ts: every cuda.* kernel against its CPU reference),
#   2. compute-sanitizer memcheck over those tests, racecheck over the kernels that use shared memory,
#   3. the kernel benchmarks (bench/cuda.js: SpMM/SDDMM vs our dense GEMM, radix thresholding GB/s),
#   4. the PyTorch peers (bench/cuda_peers.py: eager DQN update/s, cuBLAS and cuSPARSE products, copy GB/s),
#   5. the real agent update on the GPU (`prunerl bench train --device cuda --preset minatar-dqn`: device-resident
#      networks, the update replayed as a CUDA graph) at ×1 dense, ×5 dense, ×5 95%, and ×1 dense with the graph off,
# each under its own time limit, and writes bench/results/cuda-<gpu>.json; the logs go to bench/results/tmp/gpu-check
# (and, when $OUT is set, as on the lent device machines, a tarball of them and the JSON are copied there).
# The addon must already be built with nvcc (sm_90 for Hopper) and the kernel workbench (--CDPRUNERL_WORKBENCH=ON, for
# cuda.benchmark); the GPU machines have no Node toolchain to build
# with, so nothing is built here (see ../shared/device/README.md for packing). Without a GPU it says so and exits 3.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=bench/results/tmp/gpu-check
mkdir -p "$logs"
addon=${PRUNERL_ADDON:-build/Release/prunerl.node}
export PRUNERL_ADDON=$addon

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: no NVIDIA GPU on this machine (nvidia-smi finds none); run it on a GPU machine (native/cuda/README.md)"
  exit 3
fi
if [ ! -f "$addon" ]; then
  echo "gpu-check: no addon at $addon; build it with CUDA first (npx cmake-js compile --out build) or set PRUNERL_ADDON"
  exit 1
fi
if ! node -e "const a = require(require('path').resolve('$addon')); if (!a.cudaAvailable()) { console.error('gpu-check: the addon sees no CUDA device: ' + a.cudaDeviceInfo().reason); process.exit(3); }"; then
  exit 3
fi
nvidia-smi -L | tee "$logs/gpu.txt"

vitest="node node_modules/vitest/vitest.mjs"
steps=()
# step NAME SECONDS COMMAND...: runs it with a time limit, logs to $logs/NAME.txt, records rc and seconds.
step() {
  local name=$1 limit=$2
  shift 2
  local start=$SECONDS
  echo "== $name (at most ${limit}s)"
  timeout --kill-after=5 "$limit" "$@" >"$logs/$name.txt" 2>&1
  local rc=$?
  tail -4 "$logs/$name.txt"
  echo "   rc=$rc in $((SECONDS - start)) s"
  steps+=("{\"step\":\"$name\",\"rc\":$rc,\"seconds\":$((SECONDS - start))}")
}

cuda_tests=$(ls test/native/cuda*.test.ts test/cuda/*.test.ts 2>/dev/null | tr '\n' ' ')
step cuda-tests 60 $vitest run $cuda_tests
sanitize="compute-sanitizer --target-processes all --error-exitcode 9 --print-limit 20"
step memcheck 100 $sanitize --tool memcheck $vitest run $cuda_tests
# racecheck is slow (the radix-select tests alone took 88 s on an H200): only the kernels built on shared-memory
# histograms and scans, where a missing __syncthreads would hide.
step racecheck 120 $sanitize --tool racecheck $vitest run $cuda_tests -t 'magnitudePrune|kthSmallestAbs'
step bench-kernels 100 node bench/run.js cuda
step torch-peers 80 python3 bench/cuda_peers.py "$logs/torch-peers.json"
# train-<width>x-<sparsity>.json: one JSON object each (update/s of the fused native learner), merged below.
train() {
  local name=$1
  shift
  step "$name" 45 bash -c "node bin/prunerl.js bench train --device cuda --preset minatar-dqn --learner native \
    --seconds 8 --json $* > $logs/$name.json"
}
train train-1x-dense --width 1 --sparsity 0
train train-5x-dense --width 5 --sparsity 0
train train-5x-95 --width 5 --sparsity 0.95
PRUNERL_CUDA_GRAPHS=0 train train-1x-dense-no-graph --width 1 --sparsity 0

steps_json="[$(IFS=,; echo "${steps[*]}")]"
node bench/gpu_check_merge.js "$steps_json" "$logs/torch-peers.json" "$(head -1 "$logs/gpu.txt")" "$logs"
if [ -n "${OUT:-}" ]; then
  tar -czf "$OUT/gpu-check-logs.tgz" -C "$logs" .
  cp bench/results/cuda-*.json "$OUT"/ 2>/dev/null
fi
failed=$(printf '%s\n' "${steps[@]}" | grep -vc '"rc":0')
echo "gpu-check: ${#steps[@]} steps, $failed failed (logs in $logs)"
[ "$failed" -eq 0 ]
