#!/usr/bin/env bash
# Whole-process wall time of `neuralc check` / `shapes` / `compile` / `graph` on the
# three benchmark models and on a generated 10,000-layer model (`graph` also on a
# 1,000-layer one): median of N runs, in ms.
#   scripts/bench-frontend.sh [RUNS]      (default 21)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-21}"

cargo build --release --locked --quiet
bin=target/release/neuralc
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# A 10,000-layer MLP: Flatten, then alternating Dense/Dropout, then the output.
big="$tmp/big.neural"
{
  echo "network Big {"
  echo "  input: (28, 28, 1)"
  echo "  layers:"
  echo "    Flatten()"
  for _ in $(seq 1 4999); do
    echo "    Dense(units=32, activation=\"relu\")"
    echo "    Dropout(rate=0.1)"
  done
  echo "    Output(units=10, activation=\"softmax\")"
  echo "  loss: \"sparse_categorical_crossentropy\""
  echo "  optimizer: Adam(learning_rate=0.001)"
  echo "}"
} >"$big"

# median_ms CMD...: runs CMD $runs times, prints the median wall time in ms.
median_ms() {
  local times=()
  for _ in $(seq 1 "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; return 1; }
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%.2f", m/1000}'
}

has() { "$bin" help "$1" >/dev/null 2>&1; }

printf '%-12s %-14s %10s %10s\n' command model "median ms" target
# A 1,000-layer model for `graph`'s target.
thousand="$tmp/thousand.neural"
{
  echo "network Thousand {"
  echo "  input: (64,)"
  echo "  layers:"
  for _ in $(seq 1 999); do echo "    Dense(64, \"relu\")"; done
  echo "    Output(10, \"softmax\")"
  echo "}"
} >"$thousand"

for cmd in check shapes compile graph; do
  has "$cmd" || { printf '%-12s (not available in this build)\n' "$cmd"; continue; }
  args=("$cmd")
  [[ $cmd == compile ]] && args+=(--backend pytorch -o "$tmp/out.py")
  [[ $cmd == graph ]] && args+=(-o "$tmp/out.svg")
  for model in simple_mlp cnn deep_mlp; do
    printf '%-12s %-14s %10s %10s\n' "$cmd" "$model" "$(median_ms "$bin" "${args[@]}" "golden/bench/$model.neural")" "< 5"
  done
  if [[ $cmd == graph ]]; then
    printf '%-12s %-14s %10s %10s\n' "$cmd" "1k layers" "$(median_ms "$bin" "${args[@]}" "$thousand")" "< 200"
  fi
  limit=100
  [[ $cmd == compile || $cmd == graph ]] && limit=200
  printf '%-12s %-14s %10s %10s\n' "$cmd" "10k layers" "$(median_ms "$bin" "${args[@]}" "$big")" "< $limit"
done
