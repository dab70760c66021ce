    test_loss, test_accuracy = evaluate(model, x_test, y_test)
    if not quiet:
{%- if regression %}
        print(f"test_loss {test_loss:.4f}")
{%- else %}
        print(f"test_loss {test_loss:.4f} - test_accuracy {test_accuracy:.4f}")
{%- endif %}

    if args.metrics_out and rank == 0:
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_accelerator_mb = None
        if device.type == "cuda":
            peak_accelerator_mb = torch.cuda.max_memory_allocated(device) / 2**20
        write_metrics(
            args.metrics_out,
            {
                "schema": "neuralc-metrics/1",
                "model": MODEL_NAME,
                "framework": "pytorch",
                "framework_version": torch.__version__,
                "python_version": platform.python_version(),
                "device": str(device),
                "threads": {
                    "intra": torch.get_num_threads(),
                    "inter": torch.get_num_interop_threads(),
                },
                "seed": args.seed,
                "deterministic": args.deterministic,
                "params": params,
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
{%- if hpo %}
                "hpo": hpo,
{%- endif %}
            },
        )
