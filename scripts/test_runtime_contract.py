"""Runtime checks of what scripts/TRAINING_CONTRACT.md promises beyond training itself.

For the generated CNN scripts (golden/compile/cnn.*.py) and the hand-written references
(scripts/reference/*/cnn.py), plus a generated regression and a token-id model:

* bad data (§2.3, §5): every kind of unusable array -- NaN, fractions in labels, strings,
  complex numbers, wrong ranks, lengths or ranges -- ends in one `prog: error: ...` line
  and exit status 1, no traceback; float pixels in [0, 1], one-hot labels and an (N, 1)
  label column train to exactly the losses of the uint8 / integer originals;
* the metrics file (§3): an unwritable `--metrics-out` fails before training, and
  non-finite numbers are written as JSON `null`;
* glibc malloc tuning (§2.1): `tune_malloc()` calls mallopt() unless the environment
  sets the threshold, and a freed large buffer is reused without faulting its pages in;
* quiet TensorFlow (§4): a successful run writes no absl/oneDNN start-up lines.

Each script is imported once by a worker process (this file with `--worker`), which runs
the cases through the script's `main(argv)`; a few checks run the scripts as commands.

    python scripts/test_runtime_contract.py
"""

import argparse
import contextlib
import ctypes
import functools
import importlib.util
import inspect
import io
import json
import math
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden" / "compile"
REFERENCE = ROOT / "scripts" / "reference"
# (script, kind): kind selects the data the worker builds and the cases it runs.
WORKERS = (
    (GOLDEN / "cnn.pytorch.py", "image"),
    (GOLDEN / "cnn.tensorflow.py", "image"),
    (REFERENCE / "pytorch" / "cnn.py", "image"),
    (REFERENCE / "tensorflow" / "cnn.py", "image"),
    (GOLDEN / "timeseries.pytorch.py", "regression"),
    (GOLDEN / "conv1d_text.pytorch.py", "tokens"),
)
# Start-up lines TensorFlow 2.21 writes through absl unless the scripts filter them.
TF_NOISE = re.compile(r"absl::InitializeLog|oneDNN|^[IWE]\d{4} ", re.MULTILINE)
# The environment of every run: without the variables that would override the scripts'
# own malloc tuning or TensorFlow's log level.
ENV = {
    key: value
    for key, value in os.environ.items()
    if not key.startswith("MALLOC_")
    and key not in ("GLIBC_TUNABLES", "TF_CPP_MIN_LOG_LEVEL")
}
N = 64  # samples per tiny data set
MIB = 1 << 20


# --- data -------------------------------------------------------------------------------


def valid_arrays(kind, rng):
    """Arrays that train: (x_train, y_train, x_test, y_test)."""
    if kind == "image":
        x = rng.integers(0, 256, size=(N, 28, 28), dtype=np.uint8)  # MNIST layout
        y = rng.integers(0, 10, size=N).astype(np.uint8)
    elif kind == "regression":
        x = rng.integers(0, 256, size=(N, 30, 4), dtype=np.uint8)
        y = rng.standard_normal((N, 1), dtype=np.float32)
    else:
        x = rng.integers(0, 500, size=(N, 40))
        y = rng.integers(0, 4, size=N)
    return x, y, x[: N // 4].copy(), y[: N // 4].copy()


def bad_data_cases(kind, valid):
    """(name, changes to the valid arrays, text the error line must contain)."""
    x, y, x_test, _ = valid
    nan_x = x.astype(np.float32) / 255
    nan_x[3, 0] = np.nan
    cases = [
        ("NaN inputs", {"x_train": nan_x}, "x_train contains NaN or infinite values"),
        (
            "inf inputs",
            {"x_test": np.full(x_test.shape, np.inf)},
            "x_test contains NaN",
        ),
        ("string inputs", {"x_train": x.astype(str)}, "x_train has dtype <U"),
        ("complex inputs", {"x_train": x + 1j}, "has dtype complex128"),
        ("bool inputs", {"x_train": x > 0}, "x_train has dtype bool"),
        (
            "object inputs",
            {"x_train": x.astype(object)},
            "Object arrays cannot be loaded",
        ),
        ("a scalar", {"x_train": np.float32(0.5)}, "x_train is a single value"),
        ("lengths differ", {"y_train": y[:-1]}, f"x_train has {N} samples but y_train"),
        ("empty test set", {"x_test": x[:0], "y_test": y[:0]}, "x_test is empty"),
        ("wrong input shape", {"x_train": x[:, :-1]}, "do not fit input"),
    ]
    if kind == "image":
        cases += [
            ("int16 pixels > 255", {"x_train": x.astype(np.int16) + 200}, "0-255"),
            ("float pixels 0-255", {"x_train": x.astype(np.float32)}, "in [0, 1]"),
        ]
    if kind == "regression":
        nan_y = y.copy()
        nan_y[5] = np.nan
        return cases + [
            ("NaN targets", {"y_train": nan_y}, "y_train contains NaN or infinite"),
            ("wrong target shape", {"y_train": np.zeros((N, 2))}, "do not fit output"),
        ]
    classes = 10 if kind == "image" else 4
    soft = np.full((N, classes), 1 / classes)
    nan_labels, negative = y.astype(np.float64), y.astype(np.int64)
    nan_labels[3], negative[3] = np.nan, -1
    if kind == "tokens":
        cases += [
            ("fractional token ids", {"x_train": x + 0.5}, "token ids must be whole"),
            ("token id = vocabulary", {"x_train": x + 500}, "token ids must lie in"),
        ]
    return cases + [
        (
            "NaN labels",
            {"y_train": nan_labels},
            "y_train contains NaN",
        ),
        ("fractional labels", {"y_train": y + 0.5}, "labels must be whole numbers"),
        ("negative label", {"y_train": negative}, "found -1 to"),
        (
            "label = classes",
            {"y_test": y[: N // 4] + classes},
            "labels must lie in [0,",
        ),
        ("string labels", {"y_train": y.astype(str)}, "y_train has dtype <U"),
        ("soft labels", {"y_train": soft}, f"rows of {classes} labels must be one-hot"),
        (
            "rank-3 labels",
            {"y_train": y.reshape(N, 1, 1)},
            "; expected class indices",
        ),
    ]


def equivalent_data_cases(kind, valid):
    """(name, changes) that must train to the same losses, bit for bit, as `valid`."""
    x, y, x_test, y_test = valid
    if kind != "image":
        return []
    one_hot = np.eye(10, dtype=np.float32)
    return [
        (
            "float pixels in [0, 1]",
            {
                "x_train": x.astype(np.float32) / np.float32(255.0),
                "x_test": x_test.astype(np.float32) / np.float32(255.0),
            },
        ),
        ("one-hot labels", {"y_train": one_hot[y], "y_test": one_hot[y_test]}),
        ("label column", {"y_train": y[:, None], "y_test": y_test[:, None]}),
        ("float labels", {"y_train": y.astype(np.float64)}),
    ]


def save_npz(path, valid, changes):
    arrays = dict(zip(("x_train", "y_train", "x_test", "y_test"), valid))
    arrays.update(changes)
    np.savez(path, **arrays)


# --- the worker: one script, imported once ------------------------------------------------


def load_script(path):
    """Import the training script as a module (its `main(argv)` runs a training)."""
    sys.argv[0] = str(path)  # PROG
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"script_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call_main(module, argv):
    """Run the script's main(argv): (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = module.main(argv)
    return status, out.getvalue(), err.getvalue()


def expect_error(module, argv, text):
    """What is wrong with a run that must fail with one error line containing `text`."""
    status, out, err = call_main(module, argv)
    lines = err.splitlines()
    prog = os.path.basename(sys.argv[0])
    if status != 1:
        return f"exit status {status}, expected 1; stderr: {err!r}"
    if out:
        return f"printed on stdout (trained?): {out!r}"
    if len(lines) != 1 or not lines[0].startswith(f"{prog}: error: "):
        return f"expected one '{prog}: error: ...' line, got {err!r}"
    if text not in lines[0]:
        return f"error line lacks {text!r}: {lines[0]!r}"
    return None


def harness_function(module, name):
    """A function of the script, or of the reference harness module that holds it."""
    for holder in (module, sys.modules.get("common"), sys.modules.get("startup")):
        if holder is not None and hasattr(holder, name):
            return getattr(holder, name)
    raise AttributeError(name)


def check_tune_malloc(module, script):
    """tune_malloc() sets both thresholds, except those the environment sets.

    The mmap threshold is 1 GiB for PyTorch, 16 MiB for TensorFlow (the copies Keras
    makes of the data arrays are then mapped, so peak memory has one mode).
    """
    try:
        tune_malloc = harness_function(module, "tune_malloc")
    except AttributeError:
        return "the script has no tune_malloc()"
    mmap = 2**24 if "tensorflow" in str(script) else 2**30
    if inspect.signature(tune_malloc).parameters:
        # The reference harness: check the value its training.py passes.
        source = Path(module.__file__).parent / "training.py"
        if f"tune_malloc(mmap_threshold=2**{mmap.bit_length() - 1})" not in (
            source.read_text()
        ):
            return (
                f"{source.name} does not pass mmap_threshold=2**{mmap.bit_length() - 1}"
            )
        tune_malloc = functools.partial(tune_malloc, mmap_threshold=mmap)
    both = [(-3, mmap), (-1, -1)]
    cases = (
        ({}, both),
        ({"MALLOC_MMAP_THRESHOLD_": "131072"}, [(-1, -1)]),
        ({"MALLOC_TRIM_THRESHOLD_": "131072"}, [(-3, mmap)]),
        ({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}, [(-3, mmap)]),
    )
    problems = []
    for env, expected in cases:
        libc = mock.Mock()
        libc.mallopt.return_value = 1
        clean = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("MALLOC_") and key != "GLIBC_TUNABLES"
        }
        with (
            mock.patch.dict(os.environ, {**clean, **env}, clear=True),
            mock.patch.object(ctypes, "CDLL", return_value=libc),
            mock.patch.object(platform, "libc_ver", return_value=("glibc", "2.36")),
        ):
            tune_malloc()
        calls = [tuple(call.args) for call in libc.mallopt.call_args_list]
        if calls != expected:
            problems.append(
                f"with {env or 'no variables'}: mallopt {calls}, expected {expected}"
            )
    return "; ".join(problems) or None


def rounds_faults(size):
    """Minor page faults of 20 rounds of allocating, touching and freeing `size` bytes."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        block = b"\1" * size  # malloc + memset: touches every page
        del block
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def check_malloc_faults(script):
    """After the script's import, freed buffers below the mmap threshold are reused.

    PyTorch (threshold 1 GiB): glibc's defaults mmap() a 64 MiB buffer and unmap it on
    free(), so 20 rounds take 20 x 16384 page faults; tuned, the first round grows the
    heap and the rest reuse it. TensorFlow (16 MiB): an 8 MiB buffer is reused, and a
    24 MiB one is mapped anew every round (glibc's default would raise its threshold
    after the first free and reuse it), as Keras' copies of the data arrays must be.
    """
    if platform.libc_ver()[0] != "glibc":
        return None
    page = resource.getpagesize()
    tensorflow = "tensorflow" in str(script)
    reused = 8 * MIB if tensorflow else 64 * MIB
    faults = rounds_faults(reused)
    if faults > 4 * reused // page:
        return (
            f"{faults} page faults for 20 rounds of {reused // MIB} MiB "
            f"(tuned: about {reused // page})"
        )
    if tensorflow:
        mapped = 24 * MIB
        faults = rounds_faults(mapped)
        if faults < 10 * mapped // page:
            return (
                f"{faults} page faults for 20 rounds of 24 MiB: not mapped each time "
                "(the 16 MiB mmap threshold is not set)"
            )
    # Only now (it tunes malloc itself): this glibc accepts the script's values.
    libc = ctypes.CDLL(None)
    threshold = 2**24 if tensorflow else 2**30
    if libc.mallopt(-3, threshold) != 1 or libc.mallopt(-1, -1) != 1:
        return "this glibc rejects the thresholds"
    return None


def check_metrics_json(module, tmp):
    """NaN and infinities are written as null, and the file is strict JSON."""
    write = harness_function(module, "write_metrics")
    path = tmp / "nan.json"
    write(str(path), {"loss": math.nan, "epochs": [{"val_loss": -math.inf, "x": 1.5}]})

    def reject(constant):
        raise ValueError(f"not JSON: {constant}")

    try:
        data = json.loads(path.read_text(), parse_constant=reject)
    except ValueError as exc:
        return str(exc)
    expected = {"loss": None, "epochs": [{"val_loss": None, "x": 1.5}]}
    return None if data == expected else f"wrote {data}, expected {expected}"


def worker(script, kind):
    """Runs every in-process check of one script; prints one line per check."""
    module = load_script(script)
    if not hasattr(module, "write_metrics"):
        module.write_metrics = sys.modules["common"].write_metrics_file
    failures = 0

    def report(name, problem):
        nonlocal failures
        failures += problem is not None
        print(
            f"{'FAIL' if problem else 'ok  '} {script.name}: {name}"
            + (f": {problem}" if problem else ""),
            flush=True,
        )

    report("glibc malloc tuned at import", check_malloc_faults(script))
    report("tune_malloc respects the environment", check_tune_malloc(module, script))
    rng = np.random.default_rng(0)
    valid = valid_arrays(kind, rng)
    # No --threads: torch sets its inter-op threads once per process.
    common = ["--epochs", "1", "--batch-size", "16", "--quiet"]
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        report("metrics JSON without NaN", check_metrics_json(module, tmp))
        for name, changes, text in bad_data_cases(kind, valid):
            path = tmp / "bad.npz"
            save_npz(path, valid, changes)
            report(name, expect_error(module, ["--data", str(path), *common], text))
            argv = ["--data", str(path), "--limit", "32", *common]
            report(f"{name}, --limit 32", expect_error(module, argv, text))

        for name, target in (
            ("--metrics-out in a missing directory", tmp / "missing" / "m.json"),
            ("--metrics-out naming a directory", tmp),
        ):
            start = time.perf_counter()
            argv = ["--synthetic", "64", *common, "--metrics-out", str(target)]
            problem = expect_error(
                module, argv, f"cannot write metrics file '{target}'"
            )
            if problem is None and time.perf_counter() - start > 1.0:
                problem = "took over a second: did it train first?"
            report(name, problem)

        baseline = None
        for name, changes in [
            ("uint8 pixels", {}),
            *equivalent_data_cases(kind, valid),
        ]:
            path, metrics = tmp / "ok.npz", tmp / "metrics.json"
            save_npz(path, valid, changes)
            argv = ["--data", str(path), *common, "--metrics-out", str(metrics)]
            status, _, err = call_main(module, argv)
            if status != 0:
                report(name, f"exit status {status}: {err.strip()}")
                continue
            losses = [
                epoch["loss"] for epoch in json.loads(metrics.read_text())["epochs"]
            ]
            baseline = baseline or losses
            problem = None if losses == baseline else f"losses {losses} != {baseline}"
            report(f"{name} train" + (" like uint8 pixels" if changes else ""), problem)
    return 1 if failures else 0


# --- whole processes ----------------------------------------------------------------------


def run_script(script, args):
    proc = subprocess.run(
        [sys.executable, str(script), *args],
        check=False,
        capture_output=True,
        text=True,
        env=ENV,
    )
    return proc.returncode, proc.stdout, proc.stderr


def process_checks(tmp):
    """(label, problem or None) for the checks that need a process of their own."""
    valid = valid_arrays("image", np.random.default_rng(0))
    nan_npz = tmp / "nan.npz"
    x = valid[0].astype(np.float32) / 255
    x[0, 0, 0] = np.nan
    save_npz(nan_npz, valid, {"x_train": x})
    results = []
    for script in (
        GOLDEN / "cnn.pytorch.py",
        REFERENCE / "pytorch" / "cnn.py",
        GOLDEN / "cnn.tensorflow.py",
        REFERENCE / "tensorflow" / "cnn.py",
    ):
        status, out, err = run_script(script, ["--data", str(nan_npz), "--epochs", "1"])
        lines = err.splitlines()
        problem = None
        if status != 1 or out or len(lines) != 1 or "Traceback" in err:
            problem = f"exit {status}, stdout {out!r}, stderr {err!r}"
        elif not lines[0].startswith(f"{script.name}: error: x_train contains NaN"):
            problem = f"stderr {err!r}"
        results.append(
            (
                f"{script.relative_to(ROOT)}: NaN pixels -> one error line, exit 1",
                problem,
            )
        )
    for script in (
        GOLDEN / "cnn.tensorflow.py",
        REFERENCE / "tensorflow" / "simple_mlp.py",
    ):
        status, _, err = run_script(
            script, ["--synthetic", "64", "--epochs", "1", "--quiet"]
        )
        noise = TF_NOISE.findall(err)
        problem = f"exit {status}: {err[-2000:]}" if status else None
        problem = problem or (
            f"TensorFlow start-up lines on stderr: {err!r}" if noise else None
        )
        results.append((f"{script.relative_to(ROOT)}: no absl/oneDNN lines", problem))
    for script in (
        GOLDEN / "cnn.pytorch.py",
        GOLDEN / "cnn.tensorflow.py",
        REFERENCE / "pytorch" / "cnn.py",
        REFERENCE / "tensorflow" / "cnn.py",
    ):
        status, out, err = run_script(script, ["--help"])
        # argparse wraps lines: compare with the whitespace collapsed, options only.
        text = " ".join(out.split()).split(" options: ", 1)[-1]
        missing = [
            f"--{name} {shown} (default: {default})"
            for name, shown, default in (
                ("epochs", "EPOCHS", "5"),
                ("batch-size", "BATCH_SIZE", "128"),
                ("seed", "SEED", "0"),
            )
            if f"--{name} {shown} " not in text
            or f"(default: {default})"
            not in text.split(f"--{name} {shown} ", 1)[1][:120]
        ]
        missing += [
            f"--{name} … default"
            for name in ("threads", "device", "deterministic", "limit")
            if "(default:" not in text.split(f"--{name}", 1)[-1][:160]
        ]
        problem = f"exit {status}: {err}" if status else None
        problem = problem or (f"--help lacks {missing}" if missing else None)
        results.append(
            (f"{script.relative_to(ROOT)}: --help gives the defaults", problem)
        )
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.kind)

    failed = []
    for script, kind in WORKERS:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", str(script), "--kind", kind],
            check=False,
            capture_output=True,
            text=True,
            env=ENV,
        )
        print(proc.stdout, end="", flush=True)
        if proc.returncode != 0:
            failed.append(
                f"{script.relative_to(ROOT)}:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}"
            )
    with tempfile.TemporaryDirectory() as tmp:
        for label, problem in process_checks(Path(tmp)):
            print(
                f"{'FAIL' if problem else 'ok  '} {label}"
                + (f": {problem}" if problem else ""),
                flush=True,
            )
            if problem:
                failed.append(f"{label}: {problem}")
    if failed:
        print("\n".join(["", "FAILURES:", *failed]), file=sys.stderr)
        return 1
    print("all runtime contract checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
