def data_source(args):
    if args.synthetic is not None:
        return "synthetic"
    name = os.path.basename(args.data)
    return "mnist" if name == "mnist.npz" else name


def format_epoch(record, epochs):
{%- if regression %}
    line = f"epoch {record['epoch']}/{epochs} - loss {record['loss']:.4f}"
    if record["val_loss"] is not None:
        line += f" - val_loss {record['val_loss']:.4f}"
{%- else %}
    line = (
        f"epoch {record['epoch']}/{epochs} - loss {record['loss']:.4f}"
        f" - accuracy {record['accuracy']:.4f}"
    )
    if record["val_loss"] is not None:
        line += (
            f" - val_loss {record['val_loss']:.4f}"
            f" - val_accuracy {record['val_accuracy']:.4f}"
        )
{%- endif %}
    return line + f" - {record['seconds']:.1f}s"
