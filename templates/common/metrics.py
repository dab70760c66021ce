def write_metrics(path, metrics):
    tmp_path = f"{path}.tmp"
    try:
        with open(tmp_path, "w", encoding="utf-8") as f:
            json.dump(metrics, f, indent=2)
            f.write("\n")
        os.replace(tmp_path, path)
    except OSError as exc:
        raise DataError(f"cannot write metrics file '{path}': {exc}") from exc
