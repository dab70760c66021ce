#!/usr/bin/env bash
# Installs everything neuralc needs on a fresh machine and runs the main job once:
# builds the compiler (release), creates the Python environment with PyTorch and
# TensorFlow plus MNIST (scripts/setup-python.sh), then benchmarks the bundled
# models (generated vs hand-written scripts) with `neuralc bench --quick`.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> building neuralc (release)"
cargo build --release --locked

echo "==> setting up the Python environment and MNIST"
eval "$(scripts/setup-python.sh | grep -E '^NEURALC_(PYTHON|MNIST)=' | sed 's/^/export /')"

echo "==> neuralc bench --quick (report in benchmark/)"
target/release/neuralc bench --quick --python "$NEURALC_PYTHON"
echo "==> done: see benchmark/benchmark_report.md"
