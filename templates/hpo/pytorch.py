{% include "common/search.py" %}


def fit(args, hp, data, device, rank, world_size, quiet):
    """Train a fresh model with the hyperparameters `hp` on the training split.

    Returns the model, its parameter count and one record per epoch.
    """
    torch.manual_seed(args.seed)
    x_train, y_train = data["train"]
    x_val, y_val = data["val"]
    epochs = hp.get("epochs", args.epochs)
    batch_size = hp.get("batch_size", args.batch_size)
    model = build_model(hp).to(device)
    params = sum(p.numel() for p in model.parameters())
    if world_size > 1:
        model = nn.parallel.DistributedDataParallel(model)
{%- if schedule.is_some() %}
    criterion, optimizer, scheduler = build_training(model, hp)
{%- else %}
    criterion, optimizer, _ = build_training(model, hp)
{%- endif %}

    if world_size > 1:
        # Each process trains on its own shard of every epoch's permutation.
        order = DistributedSampler(
            range(len(y_train)), num_replicas=world_size, rank=rank, seed=args.seed
        )
    else:
        order = torch.Generator().manual_seed(args.seed)

    history = []
    for epoch in range(1, epochs + 1):
        epoch_start = time.perf_counter()
        cpu_start = time.process_time()
        if world_size > 1:
            order.set_epoch(epoch)
        loss, accuracy = train_epoch(
            model,
            criterion,
            optimizer,
{%- if schedule.is_some() %}
            scheduler,
{%- endif %}
            x_train,
            y_train,
            batch_size,
            order,
        )
        val_loss, val_accuracy = (
            evaluate(model, x_val, y_val) if len(y_val) else (None, None)
        )
        record = {
            "epoch": epoch,
            "loss": loss,
            "accuracy": accuracy,
            "val_loss": val_loss,
            "val_accuracy": val_accuracy,
            "seconds": time.perf_counter() - epoch_start,
            "cpu_seconds": time.process_time() - cpu_start,
        }
        history.append(record)
        if not quiet:
            print(format_epoch(record, epochs), flush=True)
    return model, params, history


def run(args):
    if args.threads is not None:
        torch.set_num_threads(args.threads)
        torch.set_num_interop_threads(args.threads)
    device = select_device(args.device)
    if args.deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rank, world_size = init_distributed(device)
    quiet = args.quiet or rank != 0

    data_start = time.perf_counter()
    data = load_data(args, device)
    data_seconds = time.perf_counter() - data_start
    y_train = data["train"][1]
    y_val = data["val"][1]
    x_test, y_test = data["test"]
    if args.trials and not len(y_val):
        raise DataError("--trials needs validation data: --validation-split above 0")

    def train_trial(hp):
        return fit(args, hp, data, device, rank, world_size, quiet=True)[2]

    hpo = search(args.trials, args.seed, train_trial, quiet)
    hp = hpo["best"]["config"] if hpo["best"] else DEFAULTS
    model, params, history = fit(args, hp, data, device, rank, world_size, quiet)

{% include "finish/pytorch.py" %}
    if world_size > 1:
        dist.destroy_process_group()
    return 0