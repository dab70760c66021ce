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


def normalize(x, y, name):
{%- if vocabulary.is_some() %}
    """Token ids -> int64, checked against the vocabulary; labels -> int64."""
{%- else %}
    """uint8 pixels -> float32 in [0, 1], channels-last; labels -> int64."""
{%- endif %}
    if len(x) != len(y):
{%- if regression %}
        raise DataError(f"{name}: {len(x)} inputs but {len(y)} targets")
{%- else %}
        raise DataError(f"{name}: {len(x)} images but {len(y)} labels")
{%- endif %}
    if len(x) == 0:
        raise DataError(f"{name}: no samples")
    try:
{%- if vocabulary.is_some() %}
        x = x.astype(np.int64).reshape((len(x), *INPUT_SHAPE))
{%- else %}
        x = (x.astype(np.float32) / np.float32(255.0)).reshape((len(x), *INPUT_SHAPE))
{%- endif %}
    except ValueError as exc:
        raise DataError(
            f"{name}: images of shape {x.shape[1:]} do not fit input {INPUT_SHAPE}"
        ) from exc
{%- if vocabulary.is_some() %}
    if x.min() < 0 or x.max() >= VOCAB_SIZE:
        raise DataError(f"{name}: token ids outside [0, {VOCAB_SIZE})")
{%- endif %}
{%- if regression %}
    try:
        y = y.astype(np.float32).reshape((len(y), *OUTPUT_SHAPE))
    except ValueError as exc:
        raise DataError(
            f"{name}: targets of shape {y.shape[1:]} do not fit output {OUTPUT_SHAPE}"
        ) from exc
{%- else %}
    y = y.astype(np.int64)
    if y.min() < 0 or y.max() >= NUM_CLASSES:
        raise DataError(f"{name}: labels outside [0, {NUM_CLASSES})")
{%- endif %}
    return x, y
