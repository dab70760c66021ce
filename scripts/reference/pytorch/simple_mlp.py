"""Train SimpleMLP with PyTorch -- hand-written reference for neuralc.

Model (channels-last input 28x28x1):
    Flatten -> Dense(128, relu) -> Dropout(0.2) -> Dense(10, softmax)

Follows scripts/TRAINING_CONTRACT.md (metrics schema neuralc-metrics/1).
"""

import argparse
import json
import os
import platform
import random
import resource
import sys
import time
import zipfile

_import_start = time.perf_counter()
import numpy as np
import torch
from torch import nn

IMPORT_SECONDS = time.perf_counter() - _import_start

MODEL_NAME = "SimpleMLP"
INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
EPOCHS = 5
BATCH_SIZE = 128
VALIDATION_SPLIT = 0.2
LEARNING_RATE = 0.001
EVAL_BATCH_SIZE = 1024
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
PROG = os.path.basename(sys.argv[0])


class DataError(Exception):
    """Unusable input data or environment; reported on one line, exit status 1."""


def build_model():
    """Return the network. It outputs logits: the softmax lives in the loss."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(28 * 28 * 1, 128),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(128, NUM_CLASSES),
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog=PROG, description=f"Train {MODEL_NAME} with PyTorch."
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--data", metavar="PATH", help=".npz with x_train, y_train, x_test, y_test"
    )
    source.add_argument(
        "--synthetic", type=int, metavar="N", help="use N random training samples"
    )
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--validation-split", type=float, default=VALIDATION_SPLIT)
    parser.add_argument(
        "--limit", type=int, metavar="N", help="use the first N samples"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--deterministic", action="store_true")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--threads", type=int, metavar="N")
    parser.add_argument("--metrics-out", metavar="FILE")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    if args.synthetic is not None and args.synthetic < 4:
        parser.error("--synthetic must be at least 4")
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if not 0.0 <= args.validation_split < 1.0:
        parser.error("--validation-split must be in [0, 1)")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


def select_device(requested):
    if requested == "cuda" and not torch.cuda.is_available():
        raise DataError("--device cuda requested but CUDA is not available")
    if requested != "cpu" and torch.cuda.is_available():
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def read_npz(path):
    if os.path.isfile(path) and not zipfile.is_zipfile(path):
        raise DataError(f"data file '{path}' is not an .npz archive")
    try:
        data = np.load(path)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(f"cannot read data file '{path}': {exc}") from exc
    with data:
        missing = [key for key in NPZ_KEYS if key not in data.files]
        if missing:
            raise DataError(f"data file '{path}' lacks {', '.join(missing)}")
        try:
            return tuple(data[key] for key in NPZ_KEYS)
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            raise DataError(f"cannot read data file '{path}': {exc}") from exc


def synthetic_arrays(n, seed):
    rng = np.random.default_rng(seed)
    x_train = rng.integers(0, 256, size=(n, *INPUT_SHAPE), dtype=np.uint8)
    y_train = rng.integers(0, NUM_CLASSES, size=n)
    x_test = rng.integers(0, 256, size=(n // 4, *INPUT_SHAPE), dtype=np.uint8)
    y_test = rng.integers(0, NUM_CLASSES, size=n // 4)
    return x_train, y_train, x_test, y_test


def normalize(x, y, name):
    """uint8 pixels -> float32 in [0, 1], channels-last; labels -> int64."""
    if len(x) != len(y):
        raise DataError(f"{name}: {len(x)} images but {len(y)} labels")
    if len(x) == 0:
        raise DataError(f"{name}: no samples")
    try:
        x = (x.astype(np.float32) / np.float32(255.0)).reshape((len(x), *INPUT_SHAPE))
    except ValueError as exc:
        raise DataError(
            f"{name}: images of shape {x.shape[1:]} do not fit input {INPUT_SHAPE}"
        ) from exc
    y = y.astype(np.int64)
    if y.min() < 0 or y.max() >= NUM_CLASSES:
        raise DataError(f"{name}: labels outside [0, {NUM_CLASSES})")
    return x, y


def to_tensors(x, y, device):
    """Convert once; image batches become NCHW as PyTorch convolutions expect."""
    inputs = torch.from_numpy(x)
    if inputs.dim() == 4:
        inputs = inputs.permute(0, 3, 1, 2).contiguous()
    return inputs.to(device), torch.from_numpy(y).to(device)


def load_data(args, device):
    if args.synthetic is not None:
        x_train, y_train, x_test, y_test = synthetic_arrays(args.synthetic, args.seed)
    else:
        x_train, y_train, x_test, y_test = read_npz(args.data)
    if args.limit is not None:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
        x_test, y_test = x_test[: args.limit], y_test[: args.limit]
    x_train, y_train = normalize(x_train, y_train, "training set")
    x_test, y_test = normalize(x_test, y_test, "test set")

    # Validation data is the last fraction of the training set, unshuffled.
    n_val = int(len(x_train) * args.validation_split)
    n_train = len(x_train) - n_val
    if n_train == 0:
        raise DataError("no training samples left after the validation split")
    return {
        "train": to_tensors(x_train[:n_train], y_train[:n_train], device),
        "val": to_tensors(x_train[n_train:], y_train[n_train:], device),
        "test": to_tensors(x_test, y_test, device),
    }


def data_source(args):
    if args.synthetic is not None:
        return "synthetic"
    name = os.path.basename(args.data)
    return "mnist" if name == "mnist.npz" else name


def train_epoch(model, criterion, optimizer, inputs, targets, batch_size, generator):
    model.train()
    n = len(targets)
    permutation = torch.randperm(n, generator=generator).to(targets.device)
    total_loss, correct = 0.0, 0
    for start in range(0, n, batch_size):
        index = permutation[start : start + batch_size]
        batch_inputs, batch_targets = inputs[index], targets[index]
        optimizer.zero_grad()
        logits = model(batch_inputs)
        loss = criterion(logits, batch_targets)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(batch_targets)
        correct += (logits.argmax(dim=1) == batch_targets).sum().item()
    return total_loss / n, correct / n


@torch.no_grad()
def evaluate(model, inputs, targets):
    model.eval()
    total_loss, correct = 0.0, 0
    for start in range(0, len(targets), EVAL_BATCH_SIZE):
        batch_inputs = inputs[start : start + EVAL_BATCH_SIZE]
        batch_targets = targets[start : start + EVAL_BATCH_SIZE]
        logits = model(batch_inputs)
        loss = nn.functional.cross_entropy(logits, batch_targets, reduction="sum")
        total_loss += loss.item()
        correct += (logits.argmax(dim=1) == batch_targets).sum().item()
    return total_loss / len(targets), correct / len(targets)


def format_epoch(record, epochs):
    line = (
        f"epoch {record['epoch']}/{epochs} - loss {record['loss']:.4f}"
        f" - accuracy {record['accuracy']:.4f}"
    )
    if record["val_loss"] is not None:
        line += (
            f" - val_loss {record['val_loss']:.4f}"
            f" - val_accuracy {record['val_accuracy']:.4f}"
        )
    return line + f" - {record['seconds']:.1f}s"


def write_metrics(path, metrics):
    tmp_path = f"{path}.tmp"
    try:
        with open(tmp_path, "w", encoding="utf-8") as f:
            json.dump(metrics, f, indent=2)
            f.write("\n")
        os.replace(tmp_path, path)
    except OSError as exc:
        raise DataError(f"cannot write metrics file '{path}': {exc}") from exc


def run(args):
    if args.threads is not None:
        torch.set_num_threads(args.threads)
        torch.set_num_interop_threads(args.threads)
    device = select_device(args.device)
    if args.deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    data_start = time.perf_counter()
    data = load_data(args, device)
    data_seconds = time.perf_counter() - data_start
    x_train, y_train = data["train"]
    x_val, y_val = data["val"]
    x_test, y_test = data["test"]

    model = build_model().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)

    generator = torch.Generator().manual_seed(args.seed)
    history = []
    for epoch in range(1, args.epochs + 1):
        epoch_start = time.perf_counter()
        loss, accuracy = train_epoch(
            model, criterion, optimizer, x_train, y_train, args.batch_size, generator
        )
        val_loss, val_accuracy = (
            evaluate(model, x_val, y_val) if len(y_val) else (None, None)
        )
        record = {
            "epoch": epoch,
            "loss": loss,
            "accuracy": accuracy,
            "val_loss": val_loss,
            "val_accuracy": val_accuracy,
            "seconds": time.perf_counter() - epoch_start,
        }
        history.append(record)
        if not args.quiet:
            print(format_epoch(record, args.epochs), flush=True)

    test_loss, test_accuracy = evaluate(model, x_test, y_test)
    if not args.quiet:
        print(f"test_loss {test_loss:.4f} - test_accuracy {test_accuracy:.4f}")

    if args.metrics_out:
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_accelerator_mb = None
        if device.type == "cuda":
            peak_accelerator_mb = torch.cuda.max_memory_allocated(device) / 2**20
        write_metrics(
            args.metrics_out,
            {
                "schema": "neuralc-metrics/1",
                "model": MODEL_NAME,
                "framework": "pytorch",
                "framework_version": torch.__version__,
                "python_version": platform.python_version(),
                "device": str(device),
                "threads": {
                    "intra": torch.get_num_threads(),
                    "inter": torch.get_num_interop_threads(),
                },
                "seed": args.seed,
                "deterministic": args.deterministic,
                "params": sum(p.numel() for p in model.parameters()),
                "data": {
                    "source": data_source(args),
                    "train": len(y_train),
                    "val": len(y_val),
                    "test": len(y_test),
                },
                "epochs": history,
                "train_seconds": sum(record["seconds"] for record in history),
                "import_seconds": IMPORT_SECONDS,
                "data_seconds": data_seconds,
                "test": {"loss": test_loss, "accuracy": test_accuracy},
                "peak_rss_mb": peak_rss_mb,
                "peak_accelerator_mb": peak_accelerator_mb,
            },
        )
    return 0


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except DataError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
