{% include "common/search.py" %}


def fit(args, hp, data, quiet):
    """Train a fresh model with the hyperparameters `hp` on the training split.

    Returns the model and one record per epoch.
    """
    keras.backend.clear_session()
    keras.utils.set_random_seed(args.seed)
    x_train, y_train = data["train"]
    x_val, y_val = data["val"]
    epochs = hp.get("epochs", args.epochs)
    if args.strategy == "mirrored":
        scope = tf.distribute.MirroredStrategy().scope()
    else:
        scope = contextlib.nullcontext()
    with scope:
        model = build_model(hp)
{%- for line in keras_setup %}
{{ line }}
{%- endfor %}
        model.compile(
            optimizer=optimizer,
            loss={{ keras_loss }},
{%- if let Some(metric) = keras_metric %}
            metrics=[{{ metric }}],
{%- endif %}
        )

    logger = EpochLogger(epochs, quiet)
    model.fit(
        x_train,
        y_train,
        batch_size=hp.get("batch_size", args.batch_size),
        epochs=epochs,
        shuffle=True,
        validation_data=(x_val, y_val) if len(y_val) else None,
        validation_batch_size=EVAL_BATCH_SIZE,
        verbose=0,
        callbacks=[logger],
    )
    return model, logger.history


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
    y_train = data["train"][1]
    y_val = data["val"][1]
    x_test, y_test = data["test"]
    if args.trials and not len(y_val):
        raise DataError("--trials needs validation data: --validation-split above 0")

    def train_trial(hp):
        return fit(args, hp, data, quiet=True)[1]

    hpo = search(args.trials, args.seed, train_trial, args.quiet)
    hp = hpo["best"]["config"] if hpo["best"] else DEFAULTS
    model, history = fit(args, hp, data, args.quiet)

    test = model.evaluate(
        x_test, y_test, batch_size=EVAL_BATCH_SIZE, verbose=0, return_dict=True
    )
{%- if regression %}
    test_loss, test_accuracy = float(test["loss"]), None
    if not args.quiet:
        print(f"test_loss {test_loss:.4f}")
{%- else %}
    test_loss, test_accuracy = float(test["loss"]), float(test["accuracy"])
    if not args.quiet:
        print(f"test_loss {test_loss:.4f} - test_accuracy {test_accuracy:.4f}")
{%- endif %}

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
                "epochs": history,
                "train_seconds": sum(record["seconds"] for record in history),
                "import_seconds": IMPORT_SECONDS,
                "data_seconds": data_seconds,
                "test": {"loss": test_loss, "accuracy": test_accuracy},
                "peak_rss_mb": peak_rss_mb,
                "peak_accelerator_mb": peak_accelerator_mb,
                "hpo": hpo,
            },
        )
    return 0