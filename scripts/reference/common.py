"""Framework-neutral half of the reference training harness.

Command line, data loading and checks, console lines, the metrics JSON and one-line
errors, as scripts/TRAINING_CONTRACT.md specifies them (§1, §2.3 steps 1-4, §3-§5).
The per-framework halves are pytorch/training.py and tensorflow/training.py.
"""

import argparse
import json
import math
import os
import platform
import resource
import sys
import zipfile
from dataclasses import dataclass

import numpy as np

SCHEMA = "neuralc-metrics/1"
EVAL_BATCH_SIZE = 1024
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
PROG = os.path.basename(sys.argv[0])


@dataclass(frozen=True)
class ModelSpec:
    """A DSL model's name, input shape, classes (last layer's units), learning rate."""

    name: str
    input_shape: tuple  # without the batch dimension, channels-last
    classes: int
    learning_rate: float


@dataclass(frozen=True)
class TrainDefaults:
    """The DSL's `train` block: defaults of the options of the same names."""

    epochs: int
    batch_size: int
    validation_split: float


class DataError(Exception):
    """Unusable input data or environment; reported on one line, exit status 1."""


def main(spec, train, framework, run, argv=None):
    """Parse the command line and call `run(args)`; returns the exit status."""
    args = parse_args(spec, train, framework, argv)
    try:
        if args.metrics_out:
            check_writable(args.metrics_out)
        run(args)
    except DataError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    return 0


def parse_args(spec, train, framework, argv=None):
    parser = argparse.ArgumentParser(
        prog=PROG, description=f"Train {spec.name} with {framework}."
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--data", metavar="PATH", help=".npz with x_train, y_train, x_test, y_test"
    )
    source.add_argument(
        "--synthetic", type=int, metavar="N", help="use N random training samples"
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=train.epochs,
        help="training epochs (default: %(default)s)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=train.batch_size,
        help="training batch size (default: %(default)s)",
    )
    parser.add_argument(
        "--validation-split",
        type=float,
        default=train.validation_split,
        help="fraction of the training data held out (default: %(default)s)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help="use the first N training and test samples (default: all)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of every generator (default: %(default)s)",
    )
    parser.add_argument(
        "--deterministic",
        action="store_true",
        help="deterministic kernels (default: off)",
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="auto: a GPU when there is one (default: %(default)s)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="intra- and inter-op threads (default: the framework's own)",
    )
    parser.add_argument(
        "--metrics-out", metavar="FILE", help="write the metrics JSON to FILE"
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on stdout")
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
            arrays = tuple(data[key] for key in NPZ_KEYS)
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            raise DataError(f"cannot read data file '{path}': {exc}") from exc
    # Checked before --limit cuts the arrays: a file whose arrays disagree is broken.
    for key, array in zip(NPZ_KEYS, arrays):
        if array.ndim == 0:
            raise DataError(f"{key} is a single value, not one entry per sample")
    x_train, y_train, x_test, y_test = arrays
    for x, y, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if len(x) != len(y):
            raise DataError(
                f"x_{split} has {len(x)} samples but y_{split} has {len(y)}"
            )
    return arrays


def synthetic_arrays(n, seed, spec):
    rng = np.random.default_rng(seed)
    x_train = rng.integers(0, 256, size=(n, *spec.input_shape), dtype=np.uint8)
    y_train = rng.integers(0, spec.classes, size=n)
    x_test = rng.integers(0, 256, size=(n // 4, *spec.input_shape), dtype=np.uint8)
    y_test = rng.integers(0, spec.classes, size=n // 4)
    return x_train, y_train, x_test, y_test


def check_numbers(array, key):
    """Require an array of finite real numbers."""
    if array.dtype.kind not in "iuf":
        raise DataError(f"{key} has dtype {array.dtype}; expected integers or floats")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise DataError(f"{key} contains NaN or infinite values")


def check_whole(array, key, what):
    """Require integer values where a float array stands for integers."""
    if array.dtype.kind == "f" and (array != np.trunc(array)).any():
        raise DataError(f"{key}: {what} must be whole numbers")


def scale_inputs(x, key, spec):
    """Inputs -> float32 of shape (N, *input_shape), channels-last.

    Integers are 8-bit values (0-255) and are divided by 255; floats count as scaled
    already and are used as they are; for image input they must lie in [0, 1].
    """
    shape = spec.input_shape
    if x.dtype.kind == "f":
        if len(shape) >= 3 and (x.min() < 0 or x.max() > 1):
            raise DataError(
                f"{key}: float pixels must lie in [0, 1]"
                " (uint8 pixels 0-255 are divided by 255)"
            )
        x = x.astype(np.float32)
    else:
        if x.dtype != np.uint8 and (x.min() < 0 or x.max() > 255):
            raise DataError(
                f"{key}: integer values must lie in 0-255 (floats are used as they are)"
            )
        x = x.astype(np.float32) / np.float32(255.0)
    try:
        return x.reshape((len(x), *shape))
    except ValueError as exc:
        raise DataError(
            f"{key}: samples of shape {x.shape[1:]} do not fit input {shape}"
        ) from exc


def class_labels(y, key, spec):
    """Class indices -> int64; a (N, 1) column or one-hot (N, classes) rows too."""
    classes = spec.classes
    if y.ndim == 2 and y.shape[1] == classes:
        if not (np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()):
            raise DataError(f"{key}: rows of {classes} labels must be one-hot")
        y = y.argmax(axis=1)
    elif y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise DataError(
            f"{key} has shape {y.shape}; expected class indices ({len(y)},)"
            f" or one-hot rows ({len(y)}, {classes})"
        )
    check_whole(y, key, "labels")
    y = y.astype(np.int64)
    if y.min() < 0 or y.max() >= classes:
        raise DataError(
            f"{key}: labels must lie in [0, {classes}), found {y.min()} to {y.max()}"
        )
    return y


def normalize(x, y, split, spec):
    """Check the arrays `x_<split>`, `y_<split>`; convert them as the model takes them."""
    x_key, y_key = f"x_{split}", f"y_{split}"
    check_numbers(x, x_key)
    check_numbers(y, y_key)
    if len(x) == 0:
        raise DataError(f"{x_key} is empty")
    return scale_inputs(x, x_key, spec), class_labels(y, y_key, spec)


def load_data(args, spec):
    """Returns {"train", "val", "test"} -> (x, y) numpy arrays, in that order."""
    if args.synthetic is not None:
        x_train, y_train, x_test, y_test = synthetic_arrays(
            args.synthetic, args.seed, spec
        )
    else:
        x_train, y_train, x_test, y_test = read_npz(args.data)
    if args.limit is not None:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
        x_test, y_test = x_test[: args.limit], y_test[: args.limit]
    x_train, y_train = normalize(x_train, y_train, "train", spec)
    x_test, y_test = normalize(x_test, y_test, "test", spec)

    # Validation data is the last fraction of the training set, unshuffled.
    n_val = int(len(x_train) * args.validation_split)
    n_train = len(x_train) - n_val
    if n_train == 0:
        raise DataError("no training samples left after the validation split")
    return {
        "train": (x_train[:n_train], y_train[:n_train]),
        "val": (x_train[n_train:], y_train[n_train:]),
        "test": (x_test, y_test),
    }


def data_source(args):
    if args.synthetic is not None:
        return "synthetic"
    name = os.path.basename(args.data)
    return "mnist" if name == "mnist.npz" else name


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


class Report:
    """Collects a run's results, prints the console lines, writes the metrics JSON."""

    def __init__(self, args, spec, framework, framework_version, import_seconds):
        self.args = args
        self.spec = spec
        self.framework = framework
        self.framework_version = framework_version
        self.import_seconds = import_seconds
        self.data = {}
        self.data_seconds = None
        self.history = []
        self.test_result = None

    def data_loaded(self, arrays, seconds):
        """Records the sizes of load_data()'s arrays and how long loading took."""
        self.data = {name: len(y) for name, (_, y) in arrays.items()}
        self.data_seconds = seconds

    def epoch(
        self, epoch, loss, accuracy, val_loss, val_accuracy, seconds, cpu_seconds
    ):
        record = {
            "epoch": epoch,
            "loss": loss,
            "accuracy": accuracy,
            "val_loss": val_loss,
            "val_accuracy": val_accuracy,
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
        }
        self.history.append(record)
        if not self.args.quiet:
            print(format_epoch(record, self.args.epochs), flush=True)

    def test(self, loss, accuracy):
        self.test_result = {"loss": loss, "accuracy": accuracy}
        if not self.args.quiet:
            print(f"test_loss {loss:.4f} - test_accuracy {accuracy:.4f}")

    def write_metrics(self, device, threads, params, peak_accelerator_mb):
        """Writes --metrics-out; `threads` is the (intra-op, inter-op) thread pair."""
        args = self.args
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        metrics = {
            "schema": SCHEMA,
            "model": self.spec.name,
            "framework": self.framework,
            "framework_version": self.framework_version,
            "python_version": platform.python_version(),
            "device": device,
            "threads": {"intra": threads[0], "inter": threads[1]},
            "seed": args.seed,
            "deterministic": args.deterministic,
            "params": params,
            "data": {"source": data_source(args), **self.data},
            "epochs": self.history,
            "train_seconds": sum(record["seconds"] for record in self.history),
            "import_seconds": self.import_seconds,
            "data_seconds": self.data_seconds,
            "test": self.test_result,
            "peak_rss_mb": peak_rss_mb,
            "peak_accelerator_mb": peak_accelerator_mb,
        }
        write_metrics_file(args.metrics_out, metrics)


def check_writable(path):
    """Fail now, not after training, when the metrics file cannot be written."""
    directory = os.path.dirname(path) or "."
    if os.path.isdir(path):
        problem = "it is a directory"
    elif not os.path.isdir(directory):
        problem = f"no directory '{directory}'"
    elif not os.access(directory, os.W_OK | os.X_OK):
        problem = f"no permission to create files in '{directory}'"
    else:
        return
    raise DataError(f"cannot write metrics file '{path}': {problem}")


def finite_or_null(value):
    """`value` with every NaN or infinite float (a diverged loss) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_or_null(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite_or_null(item) for item in value]
    return value


def write_metrics_file(path, metrics):
    """Writes `metrics` atomically: to `path`.tmp, then renamed over `path`."""
    tmp_path = f"{path}.tmp"
    try:
        with open(tmp_path, "w", encoding="utf-8") as f:
            json.dump(finite_or_null(metrics), f, indent=2, allow_nan=False)
            f.write("\n")
        os.replace(tmp_path, path)
    except OSError as exc:
        raise DataError(f"cannot write metrics file '{path}': {exc}") from exc
