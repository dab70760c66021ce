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
                "epochs": {% if hpo %}history{% else %}logger.history{% endif %},
                "train_seconds": sum(record["seconds"] for record in {% if hpo %}history{% else %}logger.history{% endif %}),
                "import_seconds": IMPORT_SECONDS,
                "data_seconds": data_seconds,
                "test": {"loss": test_loss, "accuracy": test_accuracy},
                "peak_rss_mb": peak_rss_mb,
                "peak_accelerator_mb": peak_accelerator_mb,
{%- if hpo %}
                "hpo": hpo,
{%- endif %}
            },
        )
