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


def write_metrics(path, metrics):
    tmp_path = f"{path}.tmp"
    try:
        with open(tmp_path, "w", encoding="utf-8") as f:
            json.dump(finite_or_null(metrics), f, indent=2, allow_nan=False)
            f.write("\n")
        os.replace(tmp_path, path)
    except OSError as exc:
        raise DataError(f"cannot write metrics file '{path}': {exc}") from exc
