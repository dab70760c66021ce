def sample_trial(rng):
    """One configuration: each HPO parameter drawn from its SEARCH_SPACE entry."""
    config = {}
    for name, (kind, *bounds) in SEARCH_SPACE.items():
        if kind == "choice":
            config[name] = rng.choice(bounds[0])
        elif kind == "log_range":
            low, high = bounds
            config[name] = math.exp(rng.uniform(math.log(low), math.log(high)))
        else:
            low, high, step = bounds
            if step is None and isinstance(low, int):
                config[name] = rng.randint(low, high)
            elif step is None:
                config[name] = rng.uniform(low, high)
            else:
                value = low + step * rng.randint(0, int((high - low) / step + 1e-9))
                config[name] = value if isinstance(low, int) else round(value, 12)
    return config


def search(trials, seed, train_trial, quiet):
    """Random search over SEARCH_SPACE, drawn with `random.Random(seed)`.

    `train_trial(hp)` trains a fresh model on the training split and returns its epoch
    records; the best configuration is the one with the lowest final validation loss.
    """
    rng = random.Random(seed)
    results = []
    for number in range(1, trials + 1):
        hp = {**DEFAULTS, **sample_trial(rng)}
        history = train_trial(hp)
        last = history[-1]
        trial = {
            "trial": number,
            "config": hp,
            "val_loss": last["val_loss"],
            "val_accuracy": last["val_accuracy"],
            "seconds": sum(record["seconds"] for record in history),
        }
        results.append(trial)
        if not quiet:
            print(
                f"trial {number}/{trials} - val_loss {last['val_loss']:.4f} - {hp}",
                flush=True,
            )
    finite = [trial for trial in results if math.isfinite(trial["val_loss"])]
    best = min(finite, key=lambda trial: trial["val_loss"]) if finite else None
    return {"trials": results, "best": best}
