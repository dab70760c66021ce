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
        compile_model(model, hp)

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

{% include "finish/tensorflow.py" %}
    return 0