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


def synthetic_arrays(n, seed):
    rng = np.random.default_rng(seed)
{%- if vocabulary.is_some() %}
    x_train = rng.integers(0, VOCAB_SIZE, size=(n, *INPUT_SHAPE))
    {{ synthetic_y_train }}
    x_test = rng.integers(0, VOCAB_SIZE, size=(n // 4, *INPUT_SHAPE))
    {{ synthetic_y_test }}
{%- else %}
    x_train = rng.integers(0, 256, size=(n, *INPUT_SHAPE), dtype=np.uint8)
    {{ synthetic_y_train }}
    x_test = rng.integers(0, 256, size=(n // 4, *INPUT_SHAPE), dtype=np.uint8)
    {{ synthetic_y_test }}
{%- endif %}
    return x_train, y_train, x_test, y_test


def check_numbers(array, key):
    """Require an array of finite real numbers."""
    if array.dtype.kind not in "iuf":
        raise DataError(f"{key} has dtype {array.dtype}; expected integers or floats")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise DataError(f"{key} contains NaN or infinite values")
{%- if !regression || vocabulary.is_some() %}


def check_whole(array, key, what):
    """Require integer values where a float array stands for integers."""
    if array.dtype.kind == "f" and (array != np.trunc(array)).any():
        raise DataError(f"{key}: {what} must be whole numbers")
{%- endif %}
{%- if vocabulary.is_some() %}


def token_ids(x, key):
    """Token ids -> int64 of shape (N, *INPUT_SHAPE), checked against the vocabulary."""
    check_whole(x, key, "token ids")
    try:
        x = x.astype(np.int64).reshape((len(x), *INPUT_SHAPE))
    except ValueError as exc:
        raise DataError(
            f"{key}: samples of shape {x.shape[1:]} do not fit input {INPUT_SHAPE}"
        ) from exc
    if x.min() < 0 or x.max() >= VOCAB_SIZE:
        raise DataError(f"{key}: token ids must lie in [0, {VOCAB_SIZE})")
    return x
{%- else %}


def scale_inputs(x, key):
    """Inputs -> float32 of shape (N, *INPUT_SHAPE), channels-last.

    Integers are 8-bit values (0-255) and are divided by 255; floats count as scaled
{%- if image_input %}
    already, so they are used as they are and must lie in [0, 1].
{%- else %}
    already and are used as they are.
{%- endif %}
    """
    if x.dtype.kind == "f":
{%- if image_input %}
        if x.min() < 0 or x.max() > 1:
            raise DataError(
                f"{key}: float pixels must lie in [0, 1]"
                " (uint8 pixels 0-255 are divided by 255)"
            )
{%- endif %}
        x = x.astype(np.float32)
    else:
        if x.dtype != np.uint8 and (x.min() < 0 or x.max() > 255):
            raise DataError(
                f"{key}: integer values must lie in 0-255 (floats are used as they are)"
            )
        x = x.astype(np.float32) / np.float32(255.0)
    try:
        return x.reshape((len(x), *INPUT_SHAPE))
    except ValueError as exc:
        raise DataError(
            f"{key}: samples of shape {x.shape[1:]} do not fit input {INPUT_SHAPE}"
        ) from exc
{%- endif %}
{%- if regression %}


def regression_targets(y, key):
    """Regression targets -> float32 of shape (N, *OUTPUT_SHAPE)."""
    try:
        return y.astype(np.float32).reshape((len(y), *OUTPUT_SHAPE))
    except ValueError as exc:
        raise DataError(
            f"{key}: targets of shape {y.shape[1:]} do not fit output {OUTPUT_SHAPE}"
        ) from exc
{%- else %}


def class_labels(y, key):
    """Class indices -> int64; a (N, 1) column or one-hot (N, NUM_CLASSES) rows too."""
    if y.ndim == 2 and y.shape[1] == NUM_CLASSES:
        if not (np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()):
            raise DataError(f"{key}: rows of {NUM_CLASSES} labels must be one-hot")
        y = y.argmax(axis=1)
    elif y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise DataError(
            f"{key} has shape {y.shape}; expected class indices ({len(y)},)"
            f" or one-hot rows ({len(y)}, {NUM_CLASSES})"
        )
    check_whole(y, key, "labels")
    y = y.astype(np.int64)
    if y.min() < 0 or y.max() >= NUM_CLASSES:
        raise DataError(
            f"{key}: labels must lie in [0, {NUM_CLASSES}),"
            f" found {y.min()} to {y.max()}"
        )
    return y
{%- endif %}


def normalize(x, y, split):
    """Check the arrays `x_<split>`, `y_<split>`; convert them as the model takes them."""
    x_key, y_key = f"x_{split}", f"y_{split}"
    check_numbers(x, x_key)
    check_numbers(y, y_key)
    if len(x) == 0:
        raise DataError(f"{x_key} is empty")
    inputs = {% if vocabulary.is_some() %}token_ids{% else %}scale_inputs{% endif %}(x, x_key)
    return inputs, {% if regression %}regression_targets{% else %}class_labels{% endif %}(y, y_key)
