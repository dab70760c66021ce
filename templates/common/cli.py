def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog=PROG, description=f"Train {MODEL_NAME} with {{ framework_title }}."
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--data", metavar="PATH", help=".npz with x_train, y_train, x_test, y_test"
    )
    source.add_argument(
        "--synthetic", type=int, metavar="N", help="use N random training samples"
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=EPOCHS,
        help="training epochs (default: %(default)s)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=BATCH_SIZE,
        help="training batch size (default: %(default)s)",
    )
    parser.add_argument(
        "--validation-split",
        type=float,
        default=VALIDATION_SPLIT,
        help="fraction of the training data held out (default: %(default)s)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help="use the first N training and test samples (default: all)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of every generator (default: %(default)s)",
    )
    parser.add_argument(
        "--deterministic",
        action="store_true",
{%- if keras %}
        help="TensorFlow op determinism (default: off)",
{%- else %}
        help="torch.use_deterministic_algorithms (default: off)",
{%- endif %}
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="auto: a GPU when there is one (default: %(default)s)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="intra- and inter-op threads (default: the framework's own)",
    )
{%- if keras %}
    parser.add_argument(
        "--strategy",
        choices=("default", "mirrored"),
        default="default",
        help="mirrored: tf.distribute.MirroredStrategy over all visible GPUs",
    )
{%- endif %}
{%- if hpo %}
    parser.add_argument(
        "--trials", type=int, default=TRIALS, help="random-search trials (0: DEFAULTS)"
    )
{%- endif %}
    parser.add_argument(
        "--metrics-out", metavar="FILE", help="write the metrics JSON to FILE"
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on stdout")
    args = parser.parse_args(argv)

    if args.synthetic is not None and args.synthetic < 4:
        parser.error("--synthetic must be at least 4")
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if not 0.0 <= args.validation_split < 1.0:
        parser.error("--validation-split must be in [0, 1)")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
{%- if hpo %}
    if args.trials < 0:
        parser.error("--trials must be at least 0")
{%- endif %}
    return args
