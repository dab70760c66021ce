#!/usr/bin/env python3
"""Differential test of neuralc's shape inference and parameter counts.

For each model file, runs `neuralc shapes --json FILE`, builds every layer from the
emitted layer specs (catalog class + keyword arguments) in real Keras and in real
PyTorch, and compares each top-level layer's output shape and parameter count, and the
totals, with what neuralc computed.

    ~/.cache/neuralc/venv/bin/python scripts/verify_shapes.py [FILE.neural ...]
        [--neuralc target/release/neuralc]

Defaults to golden/shapes/*.neural. Exit status 0 when everything agrees, 1 otherwise
(a mismatch, a layer a framework cannot build, or neuralc rejecting a file); the last
line is a one-line summary. The JSON keys read are documented in src/commands/shapes.rs.
PyTorch runs channels-last tensors and moves channels first around the layers that need
it, as the generated code does; `None` (symbolic) sizes are given 7 in PyTorch.
"""

import argparse
import glob
import json
import math
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras
import torch
from torch import nn

SYMBOLIC = 7
CHANNELS_FIRST = {
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv2DTranspose",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "GroupNormalization",
    "UpSampling2D",
    "ZeroPadding2D",
    "SpatialDropout2D",
}
TORCH_ACTIVATIONS = {
    "linear": None,
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "softmax": lambda: nn.Softmax(dim=-1),
    "gelu": nn.GELU,
    "elu": nn.ELU,
    "selu": nn.SELU,
    "swish": nn.SiLU,
    "silu": nn.SiLU,
    "softplus": nn.Softplus,
    "softsign": nn.Softsign,
}


def tup(v):
    return tuple(v) if isinstance(v, list) else v


def kw(d):
    return {k: tup(v) for k, v in d.items()}


# ---------------------------------------------------------------- Keras


def unbatched(shape):
    """`[null, 26, 26, 32]` (batch first, as neuralc prints it) -> `[26, 26, 32]`."""
    return shape[1:]


def keras_layer(spec):
    """Returns (apply(x) -> y, [layers whose weights count])."""
    ty, k = spec["type"], kw(spec["keras"]["kwargs"])
    if "class" in spec["keras"]:
        cls = getattr(keras.layers, spec["keras"]["class"])
        if ty in ("Bidirectional", "TimeDistributed"):
            _, inner_layers = keras_layer(spec["inner"][0])
            layer = cls(inner_layers[0], **k)
            return layer, [layer]
        layer = cls(**k)
        if ty == "MultiHeadAttention":
            return (lambda x: layer(x, x)), [layer]
        return layer, [layer]
    helper = spec["keras"]["helper"]
    if helper == "Residual":
        inner = [keras_layer(s) for s in spec["inner"]]
        add = keras.layers.Add()

        def residual(x):
            y = x
            for apply, _ in inner:
                y = apply(y)
            return add([x, y])

        return residual, [l for _, ls in inner for l in ls]
    if helper in ("TransformerEncoder", "TransformerDecoder"):
        p = spec["args"]
        e = spec["input_shape"][-1]
        blocks = []
        for _ in range(p["num_layers"]):
            blocks.append(
                {
                    "mha": keras.layers.MultiHeadAttention(
                        p["num_heads"], key_dim=e // p["num_heads"]
                    ),
                    "ln1": keras.layers.LayerNormalization(epsilon=1e-5),
                    "ff1": keras.layers.Dense(p["ff_dim"], activation=p["activation"]),
                    "ff2": keras.layers.Dense(e),
                    "ln2": keras.layers.LayerNormalization(epsilon=1e-5),
                }
            )

        def encoder(x):
            for b in blocks:
                x = b["ln1"](keras.layers.Add()([x, b["mha"](x, x)]))
                x = b["ln2"](keras.layers.Add()([x, b["ff2"](b["ff1"](x))]))
            return x

        return encoder, [l for b in blocks for l in b.values()]
    raise NotImplementedError(f"no Keras helper for {ty}")


def keras_check(doc):
    shape = tuple(unbatched(doc["input"]))
    first = doc["layers"][0]["type"]
    x = inp = keras.Input(
        shape=shape, dtype="int32" if first == "Embedding" else "float32"
    )
    results = []
    for spec in doc["layers"]:
        apply, layers = keras_layer(spec)
        x = apply(x)
        count = sum(l.count_params() for l in layers)
        results.append((list(x.shape[1:]), count))
    keras.Model(inp, x)
    return results


# ---------------------------------------------------------------- PyTorch


class Lambda(nn.Module):
    def __init__(self, fn, *mods):
        super().__init__()
        self.fn = fn
        self.mods = nn.ModuleList(mods)

    def forward(self, x):
        return self.fn(x, *self.mods)


def channels_first(x):
    return x.permute(0, x.dim() - 1, *range(1, x.dim() - 1))


def channels_last(x):
    return x.permute(0, *range(2, x.dim()), 1)


def same_pad(n, k, s):
    total = max((math.ceil(n / s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def torch_module(spec):
    ty, k = spec["type"], kw(spec["torch"]["kwargs"])
    p = spec["args"]
    inp = unbatched(spec["input_shape"])
    mods = []
    if "class" in spec["torch"]:
        name = (
            spec["torch"]["class"]
            .removeprefix("nn.")
            .replace("{d}", str(max(len(inp) - 1, 1)))
        )
        if name.startswith("BatchNorm"):
            k["momentum"] = 1 - p["momentum"]
            if len(inp) > 1:
                bn = getattr(nn, name)(**k)
                mods.append(
                    Lambda(lambda x, m: channels_last(m(channels_first(x))), bn)
                )
                return nn.Sequential(*mods)
        if (
            name.startswith("Conv")
            and "Transpose" not in name
            and p.get("padding") == "same"
            and any(
                s > 1
                for s in (
                    p["strides"] if isinstance(p["strides"], list) else [p["strides"]]
                )
            )
        ):
            # Keras pads asymmetrically (extra on the right); PyTorch needs it explicit.
            rank = len(inp) - 1
            ks = (
                k["kernel_size"]
                if isinstance(k["kernel_size"], tuple)
                else (k["kernel_size"],) * rank
            )
            st = (
                k["stride"] if isinstance(k["stride"], tuple) else (k["stride"],) * rank
            )
            dl = (
                k["dilation"]
                if isinstance(k["dilation"], tuple)
                else (k["dilation"],) * rank
            )
            pads = [
                same_pad(n, d * (kk - 1) + 1, ss)
                for n, kk, ss, d in zip(inp[:-1], ks, st, dl)
            ]
            flat = [v for lr in reversed(pads) for v in lr]
            k["padding"] = 0
            conv = getattr(nn, name)(**k)
            act = TORCH_ACTIVATIONS.get(p.get("activation", "linear"))
            seq = nn.Sequential(conv, *([act()] if act else []))
            return Lambda(
                lambda x, m: channels_last(
                    m(torch.nn.functional.pad(channels_first(x), flat))
                ),
                seq,
            )
        if name == "ConvTranspose2d" and p["padding"] == "same":
            ks = (
                k["kernel_size"]
                if isinstance(k["kernel_size"], tuple)
                else (k["kernel_size"],) * 2
            )
            st = k["stride"] if isinstance(k["stride"], tuple) else (k["stride"],) * 2
            pad = tuple((a - b + 1) // 2 for a, b in zip(ks, st))
            k["padding"], k["output_padding"] = (
                pad,
                tuple(b - a + 2 * q for a, b, q in zip(ks, st, pad)),
            )
        if name == "Upsample":
            k["scale_factor"] = (
                tuple(float(v) for v in k["scale_factor"])
                if isinstance(k["scale_factor"], tuple)
                else float(k["scale_factor"])
            )
        if name == "ZeroPad2d" and isinstance(k["padding"], tuple):
            h, w = (tup(v) if isinstance(v, list) else (v, v) for v in k["padding"])
            k["padding"] = (w[0], w[1], h[0], h[1])
        if (
            ty.startswith(("MaxPooling", "AveragePooling"))
            and p.get("padding") == "same"
        ):
            # Keras 'same' pooling ignores the padded cells; pad with -inf for max pooling
            # (average pooling would need count_include_pad handling: not covered).
            if ty.startswith("AveragePooling"):
                raise NotImplementedError("average pooling with padding='same'")
            rank = len(inp) - 1
            ks = (
                k["kernel_size"]
                if isinstance(k["kernel_size"], tuple)
                else (k["kernel_size"],) * rank
            )
            stride = k.get("stride", ks)
            st = stride if isinstance(stride, tuple) else (stride,) * rank
            pads = [same_pad(n, kk, ss) for n, kk, ss in zip(inp[:-1], ks, st)]
            flat = [v for lr in reversed(pads) for v in lr]
            pool = getattr(nn, name)(**k)
            return Lambda(
                lambda x, m: channels_last(
                    m(
                        torch.nn.functional.pad(
                            channels_first(x), flat, value=float("-inf")
                        )
                    )
                ),
                pool,
            )
        if name in ("LSTM", "GRU", "RNN"):
            rnn = getattr(nn, name)(**k)
            last = not p["return_sequences"]
            return Lambda(lambda x, m: m(x)[0][:, -1] if last else m(x)[0], rnn)
        module = getattr(nn, name)(**k)
        if ty == "Embedding":
            return Lambda(lambda x, m: m(x.long()), module)
        if ty in CHANNELS_FIRST:
            module = Lambda(lambda x, m: channels_last(m(channels_first(x))), module)
        if ty == "TransformerEncoder":
            layers = [module] + [
                getattr(nn, name)(**k) for _ in range(p["num_layers"] - 1)
            ]
            return nn.Sequential(*layers)
        mods.append(module)
        act = TORCH_ACTIVATIONS.get(p.get("activation", "linear"))
        if act is not None and ty not in ("TransformerEncoder",):
            mods.append(act())
        return nn.Sequential(*mods)
    helper = spec["torch"]["helper"]
    c = inp[-1] if inp else None
    if helper == "activation":
        act = TORCH_ACTIVATIONS[p["function"]]
        return act() if act else nn.Identity()
    if helper.startswith(("nn.AdaptiveAvgPool", "nn.AdaptiveMaxPool")):
        pool = getattr(nn, helper.removeprefix("nn."))(1)
        return Lambda(lambda x, m: m(channels_first(x)).flatten(1), pool)
    if helper == "DepthwiseConv2d":
        conv = nn.Conv2d(
            c,
            c * p["depth_multiplier"],
            tup(p["kernel_size"]),
            stride=tup(p["strides"]),
            padding=p["padding"],
            groups=c,
            bias=p["use_bias"],
        )
        return Lambda(lambda x, m: channels_last(m(channels_first(x))), conv)
    if helper == "SeparableConv2d":
        dm = p["depth_multiplier"]
        dw = nn.Conv2d(
            c,
            c * dm,
            tup(p["kernel_size"]),
            stride=tup(p["strides"]),
            padding=p["padding"],
            groups=c,
            bias=False,
        )
        pw = nn.Conv2d(c * dm, p["filters"], 1, bias=p["use_bias"])
        act = TORCH_ACTIVATIONS[p["activation"]]
        seq = nn.Sequential(dw, pw, *([act()] if act else []))
        return Lambda(lambda x, m: channels_last(m(channels_first(x))), seq)
    if helper == "bidirectional":
        inner = spec["inner"][0]
        ik = kw(inner["torch"]["kwargs"])
        rnn = getattr(nn, inner["torch"]["class"].removeprefix("nn."))(
            bidirectional=True, **ik
        )
        last = not inner["args"]["return_sequences"]
        hidden = inner["args"]["units"]

        def bi(x, m):
            y = m(x)[0]
            if last:  # forward direction's last step, backward direction's first
                y = torch.cat([y[:, -1, :hidden], y[:, 0, hidden:]], dim=-1)
            return y

        return Lambda(bi, rnn)
    if helper == "TimeDistributed":
        inner = torch_module(spec["inner"][0])
        return Lambda(
            lambda x, m: m(x.reshape(-1, *x.shape[2:])).reshape(
                x.shape[0], x.shape[1], -1
            ),
            inner,
        )
    if helper == "MultiHeadAttention":
        h, kd = p["num_heads"], p["key_dim"]
        vd = p.get("value_dim", kd)
        if h * kd == c and vd == kd:
            mha = nn.MultiheadAttention(
                c, h, dropout=p["dropout"], bias=p["use_bias"], batch_first=True
            )
            return Lambda(lambda x, m: m(x, x, x, need_weights=False)[0], mha)
        b = p["use_bias"]
        q, kk, v, o = (
            nn.Linear(c, h * kd, b),
            nn.Linear(c, h * kd, b),
            nn.Linear(c, h * vd, b),
            nn.Linear(h * vd, c, b),
        )

        def attend(x, q, kk, v, o):
            n, t, _ = x.shape
            qs = q(x).view(n, t, h, kd).transpose(1, 2)
            ks = kk(x).view(n, t, h, kd).transpose(1, 2)
            vs = v(x).view(n, t, h, vd).transpose(1, 2)
            a = torch.softmax(qs @ ks.transpose(-1, -2) / math.sqrt(kd), dim=-1)
            return o((a @ vs).transpose(1, 2).reshape(n, t, h * vd))

        return Lambda(attend, q, kk, v, o)
    if helper == "Residual":
        inner = nn.Sequential(*[torch_module(s) for s in spec["inner"]])
        return Lambda(lambda x, m: x + m(x), inner)
    if helper == "Reshape":
        target = tuple(p["target_shape"])
        return Lambda(lambda x: x.reshape(x.shape[0], *target))
    if helper == "TransformerDecoder":
        layers = [nn.TransformerEncoderLayer(**k) for _ in range(p["num_layers"])]
        return nn.Sequential(*layers)
    if helper == "GaussianNoise":
        return nn.Identity()
    raise NotImplementedError(f"no PyTorch helper {helper} for {ty}")


def torch_check(doc):
    shape = [d if d is not None else SYMBOLIC for d in unbatched(doc["input"])]
    first = doc["layers"][0]["type"]
    x = (
        torch.randint(0, 2, (2, *shape))
        if first == "Embedding"
        else torch.randn(2, *shape)
    )
    results = []
    with torch.no_grad():
        for spec in doc["layers"]:
            m = torch_module(spec).eval()
            x = m(x)
            results.append((list(x.shape[1:]), sum(t.numel() for t in m.parameters())))
    return results


# ---------------------------------------------------------------- comparison


def compare(doc, framework, results, count_key):
    problems = []
    total = 0
    for spec, (shape, count) in zip(doc["layers"], results):
        want = unbatched(spec["output_shape"])
        if framework == "pytorch":
            shape_ok = len(shape) == len(want) and all(
                w is None or w == s for w, s in zip(want, shape)
            )
        else:
            shape_ok = shape == want
        if not shape_ok or count != spec["param_counts"][count_key]:
            problems.append(
                f"  {framework}: line {spec['line']} {spec['type']}: neuralc {want} "
                f"{spec['param_counts'][count_key]:,} params, {framework} {shape} {count:,} params"
            )
        total += count
    if total != doc["backend_params"][count_key]:
        problems.append(
            f"  {framework}: total {total:,} != neuralc {doc['backend_params'][count_key]:,}"
        )
    if (
        count_key == "tensorflow"
        and doc["total_params"] != doc["backend_params"]["tensorflow"]
    ):
        problems.append(
            f"  {framework}: total_params {doc['total_params']:,} != backend_params.tensorflow"
        )
    return problems, total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    default_bin = os.path.join(root, "target", "release", "neuralc")
    if not os.path.exists(default_bin):
        default_bin = os.path.join(root, "target", "debug", "neuralc")
    ap.add_argument("--neuralc", default=default_bin)
    args = ap.parse_args()
    files = args.files or sorted(
        glob.glob(os.path.join(root, "golden", "shapes", "*.neural"))
    )
    failed = False
    bad_files = []
    for path in files:
        run = subprocess.run(
            [args.neuralc, "--color", "never", "shapes", "--json", path],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            print(f"FAIL {path}: neuralc exited {run.returncode}\n{run.stderr}")
            failed = True
            bad_files.append(os.path.basename(path))
            continue
        doc = json.loads(run.stdout)
        lines = []
        for framework, check, key in (
            ("keras", keras_check, "tensorflow"),
            ("pytorch", torch_check, "pytorch"),
        ):
            try:
                problems, total = compare(doc, framework, check(doc), key)
            except Exception as e:  # noqa: BLE001 -- a layer the framework rejects is a finding too
                problems, total = (
                    [f"  {framework}: could not build: {type(e).__name__}: {e}"],
                    None,
                )
            failed |= bool(problems)
            if problems and os.path.basename(path) not in bad_files:
                bad_files.append(os.path.basename(path))
            status = "ok" if not problems else "MISMATCH"
            lines.append(
                f"{framework} {status}"
                + (f" ({total:,} params)" if total is not None else "")
            )
            lines.extend(problems)
        print(
            f"{doc['name']} ({os.path.basename(path)}, {len(doc['layers'])} layers): "
            + lines[0]
            + "".join("\n" + l if l.startswith("  ") else f"; {l}" for l in lines[1:])
        )
    if failed:
        print(
            f"verify_shapes: FAIL: {len(bad_files)} of {len(files)} models disagree "
            f"with Keras/PyTorch ({', '.join(bad_files)})"
        )
    else:
        print(
            f"verify_shapes: ok: {len(files)} models, every layer's shape and parameter "
            "count agrees with Keras and PyTorch"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
