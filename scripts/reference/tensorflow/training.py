"""TensorFlow/Keras training harness shared by the reference scripts in this directory.

A model script holds its network and its DSL defaults (ModelSpec, TrainDefaults) and
hands them to main(); the rest -- seeding, data, compiling, fitting, evaluation and the
metrics -- happens here and in ../common.py, in the order that
scripts/TRAINING_CONTRACT.md prescribes (§2). Import this module before keras: it sets
TensorFlow's environment variables and tunes glibc's malloc first, and import_seconds
covers the imports.
"""

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["KERAS_BACKEND"] = "tensorflow"

# The framework-neutral half, common.py, and startup.py are in the parent directory;
# this directory is on sys.path already, being the directory of the script that runs.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import startup

startup.tune_malloc(mmap_threshold=2**24)

_import_start = time.perf_counter()
with startup.startup_noise_filtered():
    import keras
    import tensorflow as tf

# isort: split
import common
from common import DataError, ModelSpec, TrainDefaults

IMPORT_SECONDS = time.perf_counter() - _import_start


def select_device(requested):
    gpus = tf.config.list_physical_devices("GPU")
    if requested == "cuda" and not gpus:
        raise DataError("--device cuda requested but no GPU is available")
    if requested == "cpu":
        tf.config.set_visible_devices([], "GPU")
        return "cpu"
    return "cuda:0" if gpus else "cpu"


class EpochLogger(keras.callbacks.Callback):
    """Times each epoch (training + validation) and reports its metrics."""

    def __init__(self, report):
        super().__init__()
        self.report = report
        self._epoch_start = 0.0
        self._cpu_start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()
        self._cpu_start = time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._epoch_start
        cpu_seconds = time.process_time() - self._cpu_start
        logs = logs or {}
        has_val = "val_loss" in logs
        self.report.epoch(
            epoch + 1,
            float(logs["loss"]),
            float(logs["accuracy"]),
            float(logs["val_loss"]) if has_val else None,
            float(logs["val_accuracy"]) if has_val else None,
            seconds,
            cpu_seconds,
        )


def run(args, spec, build_model):
    if args.threads is not None:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    device = select_device(args.device)
    if args.deterministic:
        tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(args.seed)
    report = common.Report(args, spec, "tensorflow", tf.__version__, IMPORT_SECONDS)

    data_start = time.perf_counter()
    data = common.load_data(args, spec)
    report.data_loaded(data, time.perf_counter() - data_start)
    x_train, y_train = data["train"]
    x_val, y_val = data["val"]
    x_test, y_test = data["test"]

    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=spec.learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(
        x_train,
        y_train,
        batch_size=args.batch_size,
        epochs=args.epochs,
        shuffle=True,
        validation_data=(x_val, y_val) if len(y_val) else None,
        validation_batch_size=common.EVAL_BATCH_SIZE,
        verbose=0,
        callbacks=[EpochLogger(report)],
    )

    test = model.evaluate(
        x_test, y_test, batch_size=common.EVAL_BATCH_SIZE, verbose=0, return_dict=True
    )
    report.test(float(test["loss"]), float(test["accuracy"]))

    if args.metrics_out:
        threads = (
            tf.config.threading.get_intra_op_parallelism_threads(),
            tf.config.threading.get_inter_op_parallelism_threads(),
        )
        peak_accelerator_mb = None
        if device != "cpu":
            peak_accelerator_mb = (
                tf.config.experimental.get_memory_info("GPU:0")["peak"] / 2**20
            )
        report.write_metrics(device, threads, model.count_params(), peak_accelerator_mb)


def main(spec: ModelSpec, train: TrainDefaults, build_model, argv=None):
    """Train `build_model()`, an uncompiled Keras model; returns the exit code."""
    return common.main(
        spec, train, "TensorFlow/Keras", lambda args: run(args, spec, build_model), argv
    )
