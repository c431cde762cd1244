#!/usr/bin/env bash
# CQL offline on CartPole-v1 (issue 14, item 5): record a replay dataset from a dense DQN run, then train CQL from
# it alone, dense and 90% pruned, 3 seeds, one run at a time. Usage (from the repository root):
#   bash docs/results/cql-cartpole/run.sh [WORK_DIR]      (default WORK_DIR: /tmp/cql-cartpole)
# Writes the dataset and the runs under WORK_DIR, then copies each run's config.json, metrics.jsonl and
# summary.json next to this script (runs/<name>/). PRUNERL overrides the command (default: node bin/prunerl.js).
set -euo pipefail
WORK=${1:-/tmp/cql-cartpole}
PRUNERL=${PRUNERL:-node bin/prunerl.js}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"

# The behaviour policy: the CartPole DQN of docs/results/cartpole-dqn (preset cartpole-dqn), dense, seed 0, 100k
# env steps, every transition recorded (exploration included, as in Agarwal et al.'s DQN replay datasets).
if [ ! -d "$WORK/cartpole-dqn-100k" ]; then
  nice -n 10 $PRUNERL train --quiet --preset cartpole-dqn --env CartPole-v1 --agent dqn --frames 100000 --sparsity 0 --seed 0 \
    --out "$WORK/behaviour" --force --save-replay "$WORK/cartpole-dqn-100k"
fi
mkdir -p "$HERE/runs/behaviour"
cp "$WORK/behaviour/config.json" "$WORK/behaviour/metrics.jsonl" "$WORK/behaviour/summary.json" "$HERE/runs/behaviour/"
cp "$WORK/cartpole-dqn-100k/data/metadata.json" "$HERE/dataset_metadata.json"

# CQL (α = 0.1) from the dataset only, 10 greedy evaluation episodes every 2500 steps. Two protocols:
#   default  30k gradient steps, the CartPole defaults (Adam lr 5e-4, batch 64, target copy every 500 steps)
#   slow     50k gradient steps, Adam lr 1e-4, target copy every 2000 steps (run after the default one oscillated)
run_cql() { # name sparsity seed frames [--set pairs...]   (AGENT=cql-c51 for CQL+C51)
  local name=$1 sparsity=$2 seed=$3 frames=$4; shift 4
  if [ ! -f "$WORK/$name/summary.json" ]; then
    nice -n 10 $PRUNERL train --quiet --offline "$WORK/cartpole-dqn-100k" --agent "${AGENT:-cql}" --frames "$frames" \
      --sparsity "$sparsity" --seed "$seed" --out "$WORK/$name" --force --set evalEvery=2500 evalEpisodes=10 "$@"
  fi
  mkdir -p "$HERE/runs/$name"
  cp "$WORK/$name/config.json" "$WORK/$name/metrics.jsonl" "$WORK/$name/summary.json" "$HERE/runs/$name/"
}
for sparsity in 0 0.9; do
  for seed in 0 1 2; do run_cql "cql_s${sparsity}_seed${seed}" "$sparsity" "$seed" 30000; done
done
for sparsity in 0 0.9; do
  for seed in 0 1 2; do
    run_cql "cql-slow_s${sparsity}_seed${seed}" "$sparsity" "$seed" 50000 'optimizer={"type":"adam","lr":0.0001,"eps":1e-8}' targetUpdateFrames=2000
  done
done
# CQL+C51 (the paper's table: C51 with 3-step returns, dueling and double; CQL α 0.1), the default protocol, with the
# C51 support on [0, 100]: CartPole pays 1 per step, so a discounted return lies in [0, 1/(1 − γ)) = [0, 100) — the
# default [−10, 10] would clip every value above 10.
for sparsity in 0 0.9; do
  for seed in 0 1 2; do AGENT=cql-c51 run_cql "cql-c51_s${sparsity}_seed${seed}" "$sparsity" "$seed" 30000 vMin=0 vMax=100; done
done
