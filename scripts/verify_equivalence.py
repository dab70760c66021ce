#!/usr/bin/env python3
"""Differential test: does a .neural file compile to ONE network on both backends?

For each model, compiles the PyTorch and the TensorFlow/Keras script (or takes the two
given with --scripts), builds each network with the script's own `build_model()` in its
own process (torch and TensorFlow are never imported together), copies every Keras
weight into the PyTorch model with the script's `KERAS_WEIGHTS` table (written by
neuralc beside each layer's PyTorch mapping), and compares, in float64:

* forward: the network output in inference mode, PyTorch's with the final activation
  its loss applies (`predict_proba`): max |torch - keras| / max(1, max |keras|) <= 1e-5;
* training: dropout and noise off, the loss and optimizer (and schedule) each script
  builds (`build_training` / `compile_model`), the same batch and labels, 1 and 3
  optimizer steps: |loss difference| <= 1e-6 at each step, and every tensor's update
  within 0.1 % of the largest Keras update of that tensor. (TensorFlow lacks a few
  float64 kernels, MaxPool3D and AvgPool3D: such models run in float32, with the
  looser tolerances FLOAT32_*.)

Where the update rules differ in form and no configuration of the PyTorch optimizer
matches Keras' (KNOWN below, listed in the README with measured bounds), the model is
`known` if the step-1 gradients agree, the optimizers' hyperparameters agree and the
update difference stays within the cause's bound; a hyperparameter (default) that
differs is always `different`.

    $NEURALC_PYTHON scripts/verify_equivalence.py [FILE.neural ...] [--json]
        [--neuralc PATH] [--scripts PYTORCH.py KERAS.py] [--self-test]

Defaults to golden/compile/*.neural and golden/bench/*.neural. --json prints one JSON
object per model (model, forward_max_abs_diff, step1_loss_diff,
step1_weight_max_abs_diff, step3_weight_max_abs_diff, status, detail). Status: equal,
known, different, or unsupported (a weight without a mapping, a model neuralc does not
compile for both backends). Exit status 0 when every model is equal or known.
--self-test checks that single-place alterations of generated scripts (a padding, an
epsilon, a dropped activation, an optimizer default) are reported `different`.
"""

import argparse
import glob
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = 8
FORWARD_TOL = 1e-5
LOSS_TOL = 1e-6
UPDATE_TOL = 1e-3
# Models TensorFlow cannot run in float64 (no MaxPool3D or AvgPool3D kernel) are compared in float32,
# where rounding alone reaches these.
FLOAT32_LOSS_TOL = 1e-5
FLOAT32_UPDATE_TOL = 1e-2
# Known differences in form (see the README): cause -> (explanation, bound on the update
# difference of the affected tensors relative to their largest Keras update).
KNOWN = {
    "sparse": (
        (
            "Keras updates an Embedding's sparse gradient slice by slice (a token "
            "repeated in the batch adds the squares of its gradients to the second "
            "moment, not the square of their sum), PyTorch's optimizers the dense gradient"
        ),
        1.0,
    ),
}
# Optimizers whose update is not linear in the gradient, hence affected by "sparse".
NONLINEAR = {"Adam", "AdamW", "Adamax", "NAdam", "KerasRMSprop", "Adagrad", "Adadelta"}


def load_script(path, name):
    """Imports a generated script as a module (its training runs only under __main__)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.argv = [path]
    spec.loader.exec_module(module)
    return module


def script_data(module, *extra):
    """A batch as the script itself loads it: synthetic data, no validation split.
    Token ids get padding: the last quarter of the first half of the sequences is 0."""
    args = module.parse_args(["--synthetic", str(SAMPLES), "--validation-split", "0"])
    x, y = module.load_data(args, *extra)["train"]
    if getattr(module, "VOCAB_SIZE", None) and len(x.shape) == 2:
        x[: len(x) // 2, x.shape[1] - max(1, x.shape[1] // 4) :] = 0
    return x, y


# ---------------------------------------------------------------- Keras worker


def keras_worker(script, out, dtype):
    import numpy as np

    module = load_script(script, "keras_script")
    import keras
    import tensorflow as tf

    keras.config.set_floatx(dtype)
    keras.utils.set_random_seed(0)
    model = module.build_model()
    for layer in model._flatten_layers(include_self=False, recursive=True):
        kind = type(layer).__name__
        if "Dropout" in kind:
            layer.rate = 0.0
        elif kind == "GaussianNoise":
            layer.stddev = 0.0
        elif kind == "MultiHeadAttention":
            layer._dropout = 0.0
    weighted = [layer for layer in model.layers if layer.weights]
    x, y = script_data(module)
    saved = {"classes": json.dumps([type(layer).__name__ for layer in weighted])}

    def snapshot(tag):
        for i, layer in enumerate(weighted):
            for j, w in enumerate(layer.weights):
                saved[f"{tag}/{i}/{j}"] = np.asarray(w.numpy(), dtype=np.float64)

    snapshot("w0")
    saved["x"] = x
    saved["y"] = np.asarray(y)
    saved["forward"] = np.asarray(model(x, training=False), dtype=np.float64)
    module.compile_model(model)
    config = model.optimizer.get_config()
    # Keras casts Python-float hyperparameters to the variables' dtype through float32
    # (`ops.cast(self.beta_2, "float64")`): harmless in float32 training, but a relative
    # 6e-6 in float64. NumPy scalars keep their precision.
    for name in ("beta_1", "beta_2"):
        if dtype == "float64" and isinstance(
            getattr(model.optimizer, name, None), float
        ):
            setattr(model.optimizer, name, np.float64(getattr(model.optimizer, name)))
    saved["optimizer"] = json.dumps(config, default=str)
    # Step-1 gradients, with the compiled loss (regularisation included).
    with tf.GradientTape() as tape:
        y_pred = model(x, training=True)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
    grads = tape.gradient(loss, model.trainable_variables)
    by_var = {id(v): g for v, g in zip(model.trainable_variables, grads)}
    for i, layer in enumerate(weighted):
        for j, w in enumerate(layer.weights):
            g = by_var.get(id(w))
            if g is not None:
                if isinstance(g, tf.IndexedSlices):  # an Embedding's gradient
                    saved[f"sparse/{i}/{j}"] = np.array(True)
                    g = tf.convert_to_tensor(g)
                saved[f"grad/{i}/{j}"] = np.asarray(g, dtype=np.float64)
    # The tape's forward pass updated BatchNormalization statistics: start again.
    for i, layer in enumerate(weighted):
        for j, w in enumerate(layer.weights):
            w.assign(saved[f"w0/{i}/{j}"])
    losses = []
    for step in range(1, 4):
        logs = model.train_on_batch(x, y, return_dict=True)
        losses.append(float(logs["loss"]))
        if step in (1, 3):
            snapshot(f"w{step}")
    saved["losses"] = np.array(losses)
    np.savez(out, **saved)


# ---------------------------------------------------------------- PyTorch worker


def layout(steps, a):
    """Applies a KERAS_WEIGHTS layout (see src/codegen/pytorch/weights.rs)."""
    import numpy as np

    for step in steps.split("|") if steps else []:
        op, _, arg = step.partition(":")
        nums = [int(v) for v in arg.split(",")] if arg else []
        if op == "T":
            a = a.T
        elif op == "permute":
            a = a.transpose(nums)
        elif op == "reshape":
            a = a.reshape(nums)
        elif op == "row":
            a = a[nums[0]]
        elif op == "blocks":
            parts = np.split(a, len(nums), axis=0)
            a = np.concatenate([parts[i] for i in nums])
        else:
            raise ValueError(f"unknown layout step {step!r}")
    return a


class Unsupported(Exception):
    pass


def torch_worker(script, keras_npz, dtype):
    import numpy as np

    module = load_script(script, "torch_script")
    import torch
    from torch import nn

    torch.manual_seed(0)
    k = np.load(keras_npz)
    classes = json.loads(str(k["classes"]))
    float_type = getattr(torch, dtype)
    model = module.build_model().to(float_type)
    tensors = dict(model.named_parameters())
    tensors.update(
        (n, b)
        for n, b in model.named_buffers()
        if not n.endswith("num_batches_tracked")
    )
    table = getattr(module, "KERAS_WEIGHTS", None)
    if table is None:
        raise Unsupported("the PyTorch script has no KERAS_WEIGHTS table")

    def mapped(tag, names=None):
        """Keras arrays `tag` in PyTorch layout: {tensor name: array}."""
        out = {}
        for layer, cls, name, sources, steps in table:
            if names is not None and name not in names:
                continue
            if layer >= len(classes) or classes[layer] != cls:
                have = classes[layer] if layer < len(classes) else "nothing"
                raise Unsupported(
                    f"{name}: Keras layer {layer} is {have}, the table says {cls}"
                )
            keys = [f"{tag}/{layer}/{j}" for j in sources]
            if any(key not in k for key in keys):
                continue
            shape = tuple(tensors[name].shape)
            if not sources:
                out[name] = np.zeros(shape)
                continue
            parts = [layout(steps, k[key]) for key in keys]
            value = np.concatenate(parts) if len(parts) > 1 else parts[0]
            if value.shape != shape:
                raise Unsupported(
                    f"{name}: Keras {cls} weights give {value.shape}, PyTorch has {shape}"
                )
            out[name] = value
        return out

    # Every Keras weight and every PyTorch tensor must be accounted for.
    used = {(layer, j) for layer, _, _, sources, _ in table for j in sources}
    for key in k.files:
        if key.startswith("w0/"):
            _, layer, j = key.split("/")
            if (int(layer), int(j)) not in used:
                raise Unsupported(
                    f"Keras {classes[int(layer)]} (layer {layer}) weight {j} has no "
                    "PyTorch tensor"
                )
    missing = sorted(set(tensors) - {row[2] for row in table})
    if missing:
        raise Unsupported(f"no Keras weight for {', '.join(missing)}")

    initial = mapped("w0")
    with torch.no_grad():
        for name, value in initial.items():
            tensors[name].copy_(torch.from_numpy(np.ascontiguousarray(value)))

    inputs, targets = script_data(module, torch.device("cpu"))
    if inputs.is_floating_point():
        inputs = inputs.to(float_type)
    if targets.is_floating_point():
        targets = targets.to(float_type)
    result = {}

    # Forward, inference mode.
    model.eval()
    with torch.no_grad():
        if hasattr(model, "predict_proba"):
            out = model.predict_proba(inputs)
        else:
            out = model(inputs)
    ref = k["forward"]
    out = out.numpy()
    if out.shape != ref.shape:
        result["forward_max_abs_diff"] = None
        result["detail"] = [f"output shape {out.shape} vs Keras {ref.shape}"]
        return result
    scale = max(1.0, float(np.abs(ref).max()))
    result["forward_max_abs_diff"] = float(np.abs(out - ref).max()) / scale
    result["dtype"] = dtype

    # Training, dropout and noise off.
    for m in model.modules():
        if isinstance(m, nn.modules.dropout._DropoutNd):
            m.p = 0.0
        elif isinstance(m, nn.MultiheadAttention):
            m.dropout = 0.0
    torch.randn_like = torch.zeros_like  # the GaussianNoise helper's noise
    model.train()
    criterion, optimizer, scheduler = module.build_training(model)
    # Parameters frozen by the script (an RNN's second bias) are not trained.
    params = {n: p for n, p in model.named_parameters() if p.requires_grad}
    start = {n: p.detach().clone().numpy() for n, p in params.items()}
    losses, updates, grads = [], {}, {}
    for step in range(1, 4):
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        if step == 1:
            grads = {n: p.grad.numpy().copy() for n, p in params.items()}
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
        if step in (1, 3):
            updates[step] = {
                n: p.detach().numpy() - start[n] for n, p in params.items()
            }
    result["step_losses"] = losses
    result["keras_losses"] = [float(v) for v in k["losses"]]
    result["step1_loss_diff"] = abs(losses[0] - float(k["losses"][0]))
    result["step3_loss_diff"] = max(
        abs(a - b) for a, b in zip(losses, k["losses"], strict=True)
    )
    names = set(params)
    w0 = mapped("w0", names)
    for step in (1, 3):
        kw = mapped(f"w{step}", names)
        worst_abs, worst_rel, where = 0.0, 0.0, ""
        per_tensor = {}
        for n in sorted(names):
            ku = kw[n] - w0[n]
            diff = float(np.abs(updates[step][n] - ku).max()) if ku.size else 0.0
            largest = float(np.abs(ku).max()) if ku.size else 0.0
            rel = (
                diff / largest if largest > 0 else (0.0 if diff == 0 else float("inf"))
            )
            worst_abs = max(worst_abs, diff)
            per_tensor[n] = rel
            if rel > worst_rel:
                worst_rel, where = rel, n
        if os.environ.get("VERIFY_EQUIVALENCE_DUMP"):
            np.savez(
                f"{os.environ['VERIFY_EQUIVALENCE_DUMP']}{step}.npz",
                **{f"torch/{n}": updates[step][n] for n in names},
                **{f"keras/{n}": kw[n] - w0[n] for n in names},
            )
        result[f"step{step}_weight_max_abs_diff"] = worst_abs
        result[f"step{step}_tensor_rel_diff"] = per_tensor
        result[f"step{step}_weight_rel_diff"] = worst_rel
        result[f"step{step}_worst_tensor"] = where
    kg = mapped("grad", names)
    grad_rel = 0.0
    for n in names:
        if n in kg:
            largest = float(np.abs(kg[n]).max()) or 1.0
            grad_rel = max(grad_rel, float(np.abs(grads[n] - kg[n]).max()) / largest)
    result["grad_rel_diff"] = grad_rel
    result["sparse_tensors"] = sorted(
        name
        for layer, _, name, sources, _ in table
        if name in names and any(f"sparse/{layer}/{j}" in k for j in sources)
    )
    result["optimizer"] = type(optimizer).__name__
    result["hyper_mismatch"] = compare_hyper(
        optimizer.defaults, json.loads(str(k["optimizer"])), scheduler is not None
    )
    return result


# PyTorch optimizer setting -> Keras config key.
HYPER = {
    "lr": "learning_rate",
    "eps": "epsilon",
    "weight_decay": "weight_decay",
    "momentum": "momentum",
    "nesterov": "nesterov",
    "alpha": "rho",
    "rho": "rho",
    "initial_accumulator_value": "initial_accumulator_value",
}


def compare_hyper(torch_cfg, keras_cfg, scheduled):
    """Settings that differ between the two optimizers, as readable strings."""
    out = []
    for t, kname in HYPER.items():
        if t not in torch_cfg or kname not in keras_cfg:
            continue
        if t == "lr" and scheduled:
            continue
        a, b = torch_cfg[t], keras_cfg[kname]
        b = 0.0 if b is None and t == "weight_decay" else b
        # float32 configs hold float32-rounded values: a relative 1e-6 covers those.
        if isinstance(b, (int, float)) and abs(float(a) - float(b)) > 1e-6 * abs(
            float(b)
        ):
            out.append(f"{t}={a} vs Keras {kname}={b}")
    betas = (keras_cfg.get("beta_1"), keras_cfg.get("beta_2"))
    if (
        "betas" in torch_cfg
        and "beta_1" in keras_cfg
        and tuple(torch_cfg["betas"]) != betas
    ):
        out.append(f"betas={tuple(torch_cfg['betas'])} vs Keras {betas}")
    return out


# ---------------------------------------------------------------- driver


def verdict(r):
    """Status and detail of one worker result."""
    detail = list(r.get("detail", []))
    float32 = r.get("dtype") == "float32"
    loss_tol = FLOAT32_LOSS_TOL if float32 else LOSS_TOL
    update_tol = FLOAT32_UPDATE_TOL if float32 else UPDATE_TOL
    if r.get("forward_max_abs_diff") is None:
        return "different", detail
    if r["forward_max_abs_diff"] > FORWARD_TOL:
        detail.append(f"forward differs by {r['forward_max_abs_diff']:.3g}")
        return "different", detail
    if r["step1_loss_diff"] > loss_tol:
        detail.append(
            f"losses differ: torch {r['step_losses']} vs Keras {r['keras_losses']}"
        )
        return "different", detail
    if r["hyper_mismatch"]:
        detail.append("optimizer settings differ: " + "; ".join(r["hyper_mismatch"]))
        return "different", detail
    rel = {}
    for step in (1, 3):
        for name, value in r[f"step{step}_tensor_rel_diff"].items():
            rel[name] = max(rel.get(name, 0.0), value)
    worst = max(rel.values(), default=0.0)
    if worst <= update_tol:
        if r["step3_loss_diff"] > loss_tol:
            detail.append(
                f"losses differ: torch {r['step_losses']} vs Keras {r['keras_losses']}"
            )
            return "different", detail
        return "equal", detail
    over = sorted((n for n, v in rel.items() if v > update_tol), key=lambda n: -rel[n])
    msg = ", ".join(f"{n} by {rel[n]:.3g}" for n in over[:3])
    msg = f"updates differ (relative to the largest update): {msg}"
    if r["grad_rel_diff"] > update_tol:
        detail.append(f"gradients differ by {r['grad_rel_diff']:.3g}")
        detail.append(msg)
        return "different", detail
    # The sparse cause: at step 1 only the Embedding tensors differ (and by no more than
    # the bound); by step 3 the difference has reached the layers after them.
    explanation, bound = KNOWN["sparse"]
    sparse = set(r["sparse_tensors"])
    step1 = r["step1_tensor_rel_diff"]
    if (
        r["optimizer"] in NONLINEAR
        and sparse
        and all(v <= update_tol for n, v in step1.items() if n not in sparse)
        and max((rel[n] for n in sparse), default=0.0) <= bound
    ):
        detail.append(f"{msg}; gradients agree; {explanation}")
        return "known", detail
    detail.append(msg)
    return "different", detail


class WorkerError(RuntimeError):
    stderr = ""


def run_worker(kind, *args):
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--worker", kind, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    if proc.returncode != 0:
        lines = (
            [
                line
                for line in proc.stderr.strip().splitlines()
                if "Error" in line or "Unsupported" in line
            ]
            or proc.stderr.strip().splitlines()[-1:]
            or ["(no output)"]
        )
        error = WorkerError(f"{kind} worker failed: {lines[-1].strip()}")
        error.stderr = proc.stderr
        raise error
    return proc.stdout


def check_pair(name, torch_script, keras_script, tmp, keras_run=None):
    """Compares the two scripts; `keras_run` (npz path, dtype) reuses a Keras run."""
    row = {
        "model": name,
        "forward_max_abs_diff": None,
        "step1_loss_diff": None,
        "step1_weight_max_abs_diff": None,
        "step3_weight_max_abs_diff": None,
        "status": "different",
        "detail": "",
    }
    npz, dtype = keras_run or (os.path.join(tmp, "keras.npz"), "float64")
    try:
        try:
            if not keras_run:
                run_worker("keras", keras_script, npz, dtype)
        except WorkerError as exc:
            # A few TensorFlow kernels (MaxPool3D, AvgPool3D) have no float64 version:
            # "…float64…", "T=DT_DOUBLE".
            if "double" not in exc.stderr.lower():
                raise
            dtype = "float32"
            run_worker("keras", keras_script, npz, dtype)
        r = json.loads(run_worker("torch", torch_script, npz, dtype).splitlines()[-1])
    except RuntimeError as exc:
        row["detail"] = str(exc)
        if "Unsupported:" in str(exc):
            row["status"] = "unsupported"
        return row
    for key in (
        "forward_max_abs_diff",
        "step1_loss_diff",
        "step1_weight_max_abs_diff",
        "step3_weight_max_abs_diff",
    ):
        row[key] = r.get(key)
    status, detail = verdict(r)
    if r.get("dtype") == "float32":
        detail.insert(0, "float32 (TensorFlow lacks a float64 kernel)")
    row["status"] = status
    row["detail"] = "; ".join(detail)
    row["step1_weight_rel_diff"] = r.get("step1_weight_rel_diff")
    row["keras_run"] = (npz, dtype)
    row["step3_weight_rel_diff"] = r.get("step3_weight_rel_diff")
    return row


def check_model(path, neuralc, tmp):
    name = os.path.relpath(path, ROOT) if path.startswith(ROOT) else path
    scripts = {}
    for backend in ("pytorch", "tensorflow"):
        out = os.path.join(tmp, f"{backend}.py")
        proc = subprocess.run(
            [neuralc, "--color", "never", "compile", path, "--backend", backend],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            first = (proc.stderr.strip().splitlines() or ["?"])[0]
            return {
                "model": name,
                "forward_max_abs_diff": None,
                "step1_loss_diff": None,
                "step1_weight_max_abs_diff": None,
                "step3_weight_max_abs_diff": None,
                "status": "unsupported",
                "detail": f"neuralc compile --backend {backend}: {first}",
            }
        with open(out, "w", encoding="utf-8") as f:
            f.write(proc.stdout)
        scripts[backend] = out
    return check_pair(name, scripts["pytorch"], scripts["tensorflow"], tmp)


def fmt(v):
    return "-" if v is None else f"{v:.2g}"


def report(rows, as_json):
    for row in rows:
        if as_json:
            print(
                json.dumps({k: v for k, v in row.items() if k != "keras_run"}),
                flush=True,
            )
        else:
            print(
                f"{row['status']:<11} {row['model']}: forward {fmt(row['forward_max_abs_diff'])}"
                f", step-1 loss {fmt(row['step1_loss_diff'])}"
                f", updates {fmt(row['step1_weight_max_abs_diff'])}"
                f"/{fmt(row['step3_weight_max_abs_diff'])}"
                + (f" - {row['detail']}" if row["detail"] else ""),
                flush=True,
            )


def find_neuralc(given):
    if given:
        return given
    for build in ("release", "debug"):
        path = os.path.join(ROOT, "target", build, "neuralc")
        if os.path.exists(path):
            return path
    sys.exit("verify_equivalence: build neuralc first (cargo build) or pass --neuralc")


# ---------------------------------------------------------------- self-test

SELF_TEST_MODELS = {
    "mutants_cnn": """network Mutants {
  input: (6, 6, 1)
  layers:
    Conv2D(4, (3, 3), padding="same", activation="relu")
    Conv2DTranspose(2, (3, 3), strides=(2, 2), padding="same")
    Flatten()
    Dense(8, "relu")
    LayerNormalization()
    Output(3, "softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: Adagrad(learning_rate=0.01)
}
""",
    "mutants_text": """network MutantsText {
  input: (8,)
  layers:
    Embedding(input_dim=20, output_dim=8)
    TransformerDecoder(num_heads=2, ff_dim=16, use_attention_mask=true)
    GlobalAveragePooling1D()
    Output(3, "softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: SGD(learning_rate=0.1)
}
""",
    "mutants_rnn": """network MutantsRnn {
  input: (5, 3)
  layers:
    GRU(4)
    Output(3, "softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: RMSprop(learning_rate=0.01)
}
""",
}

# (model, what, text in the PyTorch script, replacement)
MUTATIONS = [
    ("mutants_cnn", "a padding", 'padding="same"', "padding=0"),
    (
        "mutants_cnn",
        "a transposed convolution's crop",
        "[..., :12, :12]",
        "[..., 1:, 1:]",
    ),
    ("mutants_cnn", "an epsilon", "nn.LayerNorm(8, eps=0.001)", "nn.LayerNorm(8)"),
    (
        "mutants_cnn",
        "a dropped activation",
        "self.relu(self.dense1(x))",
        "self.dense1(x)",
    ),
    (
        "mutants_cnn",
        "an optimizer default",
        "initial_accumulator_value=0.1, ",
        "",
    ),
    ("mutants_text", "a dropped causal mask", "(x, causal, src", "(x, src"),
    (
        "mutants_text",
        "a dropped padding mask",
        "causal, src_key_padding_mask=padding)",
        "causal)",
    ),
    ("mutants_rnn", "GRU gate order", '"T|blocks:1,0,2"', '"T"'),
    (
        "mutants_rnn",
        "an optimizer default",
        "lr=LEARNING_RATE, rho=0.9,",
        "lr=LEARNING_RATE, rho=0.99,",
    ),
    (
        "mutants_rnn",
        "an optimizer rule",
        '(velocity + group["eps"]).sqrt()',
        'velocity.sqrt() + group["eps"]',
    ),
]


def self_test(neuralc, as_json):
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        scripts = {}
        for name, source in SELF_TEST_MODELS.items():
            path = os.path.join(tmp, f"{name}.neural")
            with open(path, "w", encoding="utf-8") as f:
                f.write(source)
            work = os.path.join(tmp, name)
            os.mkdir(work)
            row = check_model(path, neuralc, work)
            row["model"] = f"{name} (unaltered)"
            report([row], as_json)
            if row["status"] not in ("equal", "known"):
                failures.append(f"{name}: unaltered pair is {row['status']}")
            scripts[name] = (
                os.path.join(work, "pytorch.py"),
                os.path.join(work, "tensorflow.py"),
                row.get("keras_run"),
            )
        for i, (name, what, old, new) in enumerate(MUTATIONS):
            torch_script, keras_script, keras_run = scripts[name]
            with open(torch_script, encoding="utf-8") as f:
                text = f.read()
            if old not in text:
                failures.append(f"{name}: {what}: `{old}` not in the PyTorch script")
                continue
            work = os.path.join(tmp, f"mutant{i}")
            os.mkdir(work)
            mutant = os.path.join(work, "pytorch.py")
            with open(mutant, "w", encoding="utf-8") as f:
                f.write(text.replace(old, new, 1))
            row = check_pair(
                f"{name} altered: {what}", mutant, keras_script, work, keras_run
            )
            report([row], as_json)
            if row["status"] != "different":
                failures.append(f"{name}: {what}: reported {row['status']}")
    for failure in failures:
        print(f"self-test FAILED: {failure}", file=sys.stderr)
    print(
        f"self-test: {len(MUTATIONS)} alterations, {len(failures)} failure(s)",
        file=sys.stderr,
    )
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--neuralc")
    parser.add_argument("--scripts", nargs=2, metavar=("PYTORCH.py", "KERAS.py"))
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        kind, *rest = args.worker
        if kind == "keras":
            keras_worker(*rest)
            return 0
        try:
            result = torch_worker(*rest)
        except Unsupported as exc:
            print(f"Unsupported: {exc}", file=sys.stderr)
            return 1
        print(json.dumps(result))
        return 0

    if args.self_test:
        return self_test(find_neuralc(args.neuralc), args.json)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.scripts:
            rows.append(check_pair(args.scripts[0], *args.scripts, tmp))
            report(rows, args.json)
        files = args.files or (
            []
            if args.scripts
            else sorted(glob.glob(os.path.join(ROOT, "golden/compile/*.neural")))
            + sorted(glob.glob(os.path.join(ROOT, "golden/bench/*.neural")))
        )
        neuralc = find_neuralc(args.neuralc) if files else None
        for path in files:
            work = os.path.join(tmp, str(len(rows)))
            os.mkdir(work)
            row = check_model(os.path.abspath(path), neuralc, work)
            report([row], args.json)
            rows.append(row)
    bad = [r for r in rows if r["status"] not in ("equal", "known")]
    counts = {
        s: sum(r["status"] == s for r in rows)
        for s in ("equal", "known", "different", "unsupported")
    }
    print(
        f"verify_equivalence: {len(rows)} model(s): "
        + ", ".join(f"{n} {s}" for s, n in counts.items()),
        file=sys.stderr,
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
