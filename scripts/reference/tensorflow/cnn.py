"""Train CNN with TensorFlow/Keras -- hand-written reference for neuralc.

Model (channels-last input 28x28x1):
    Conv2D(32, 3x3, relu) -> MaxPool(2x2) -> Conv2D(64, 3x3, relu) -> MaxPool(2x2)
    -> Flatten -> Dense(128, relu) -> Dropout(0.5) -> Dense(10, softmax)

Follows scripts/TRAINING_CONTRACT.md (metrics schema neuralc-metrics/1).
"""

import argparse
import json
import os
import platform
import resource
import sys
import time
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["KERAS_BACKEND"] = "tensorflow"

_import_start = time.perf_counter()
import keras
import numpy as np
import tensorflow as tf
from keras import layers

IMPORT_SECONDS = time.perf_counter() - _import_start

MODEL_NAME = "CNN"
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
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
            layers.Conv2D(32, (3, 3), activation="relu", padding="valid"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu", padding="valid"),
            layers.MaxPooling2D((2, 2)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ]
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog=PROG, description=f"Train {MODEL_NAME} with TensorFlow/Keras."
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
    gpus = tf.config.list_physical_devices("GPU")
    if requested == "cuda" and not gpus:
        raise DataError("--device cuda requested but no GPU is available")
    if requested == "cpu":
        tf.config.set_visible_devices([], "GPU")
        return "cpu"
    return "cuda:0" if gpus else "cpu"


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


def load_data(args):
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


class EpochLogger(keras.callbacks.Callback):
    """Times each epoch (training + validation), records and prints its metrics."""

    def __init__(self, epochs, quiet):
        super().__init__()
        self.epochs = epochs
        self.quiet = quiet
        self.history = []
        self._epoch_start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._epoch_start
        logs = logs or {}
        has_val = "val_loss" in logs
        record = {
            "epoch": epoch + 1,
            "loss": float(logs["loss"]),
            "accuracy": float(logs["accuracy"]),
            "val_loss": float(logs["val_loss"]) if has_val else None,
            "val_accuracy": float(logs["val_accuracy"]) if has_val else None,
            "seconds": seconds,
        }
        self.history.append(record)
        if not self.quiet:
            print(format_epoch(record, self.epochs), flush=True)


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
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    device = select_device(args.device)
    if args.deterministic:
        tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(args.seed)

    data_start = time.perf_counter()
    data = load_data(args)
    data_seconds = time.perf_counter() - data_start
    x_train, y_train = data["train"]
    x_val, y_val = data["val"]
    x_test, y_test = data["test"]

    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    logger = EpochLogger(args.epochs, args.quiet)
    model.fit(
        x_train,
        y_train,
        batch_size=args.batch_size,
        epochs=args.epochs,
        shuffle=True,
        validation_data=(x_val, y_val) if len(y_val) else None,
        validation_batch_size=EVAL_BATCH_SIZE,
        verbose=0,
        callbacks=[logger],
    )

    test = model.evaluate(
        x_test, y_test, batch_size=EVAL_BATCH_SIZE, verbose=0, return_dict=True
    )
    test_loss, test_accuracy = float(test["loss"]), float(test["accuracy"])
    if not args.quiet:
        print(f"test_loss {test_loss:.4f} - test_accuracy {test_accuracy:.4f}")

    if args.metrics_out:
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_accelerator_mb = None
        if device != "cpu":
            peak_accelerator_mb = (
                tf.config.experimental.get_memory_info("GPU:0")["peak"] / 2**20
            )
        write_metrics(
            args.metrics_out,
            {
                "schema": "neuralc-metrics/1",
                "model": MODEL_NAME,
                "framework": "tensorflow",
                "framework_version": tf.__version__,
                "python_version": platform.python_version(),
                "device": device,
                "threads": {
                    "intra": tf.config.threading.get_intra_op_parallelism_threads(),
                    "inter": tf.config.threading.get_inter_op_parallelism_threads(),
                },
                "seed": args.seed,
                "deterministic": args.deterministic,
                "params": model.count_params(),
                "data": {
                    "source": data_source(args),
                    "train": len(y_train),
                    "val": len(y_val),
                    "test": len(y_test),
                },
                "epochs": logger.history,
                "train_seconds": sum(record["seconds"] for record in logger.history),
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
