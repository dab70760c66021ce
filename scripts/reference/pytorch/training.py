"""PyTorch training harness shared by the reference scripts in this directory.

A model script holds its network and its DSL defaults (ModelSpec, TrainDefaults) and
hands them to main(); the rest -- seeding, data, the training loop, evaluation and the
metrics -- happens here and in ../common.py, in the order that
scripts/TRAINING_CONTRACT.md prescribes (§2). Import this module before torch, so that
glibc's malloc is tuned first and import_seconds covers the framework's import.
"""

import math
import os
import random
import sys
import time

# The framework-neutral half, common.py, and startup.py are in the parent directory;
# this directory is on sys.path already, being the directory of the script that runs.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import startup

startup.tune_malloc(mmap_threshold=2**30)

_import_start = time.perf_counter()
import numpy as np
import torch
from torch import nn

# isort: split
import common
from common import DataError, ModelSpec, TrainDefaults

IMPORT_SECONDS = time.perf_counter() - _import_start


def select_device(requested):
    if requested == "cuda" and not torch.cuda.is_available():
        raise DataError("--device cuda requested but CUDA is not available")
    if requested != "cpu" and torch.cuda.is_available():
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def keras_epsilon(optimizer, args, kwargs):
    """Step hook: Keras adds Adam's epsilon to sqrt(v) before the bias correction, torch
    after it, so step t takes epsilon / sqrt(1 - beta_2**t) in torch's form."""
    for group in optimizer.param_groups:
        group.setdefault("keras_eps", group["eps"])
        group["keras_step"] = group.get("keras_step", 0) + 1
        correction = 1 - group["betas"][1] ** group["keras_step"]
        group["eps"] = group["keras_eps"] / math.sqrt(correction)


class ChannelsLast(nn.Module):
    """NCHW -> NHWC, so that a following nn.Flatten flattens as Keras does."""

    def forward(self, x):
        return x.movedim(1, -1)


def to_tensors(x, y, device):
    """Convert once; image batches become NCHW as PyTorch convolutions expect."""
    inputs = torch.from_numpy(x)
    if inputs.dim() == 4:
        inputs = inputs.permute(0, 3, 1, 2).contiguous()
    return inputs.to(device), torch.from_numpy(y).to(device)


def train_epoch(model, criterion, optimizer, inputs, targets, batch_size, generator):
    model.train()
    n = len(targets)
    permutation = torch.randperm(n, generator=generator).to(targets.device)
    total_loss, correct = 0.0, 0
    for start in range(0, n, batch_size):
        index = permutation[start : start + batch_size]
        batch_inputs, batch_targets = inputs[index], targets[index]
        optimizer.zero_grad()
        logits = model(batch_inputs)
        loss = criterion(logits, batch_targets)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(batch_targets)
        correct += (logits.argmax(dim=1) == batch_targets).sum().item()
    return total_loss / n, correct / n


@torch.no_grad()
def evaluate(model, inputs, targets):
    model.eval()
    total_loss, correct = 0.0, 0
    for start in range(0, len(targets), common.EVAL_BATCH_SIZE):
        batch_inputs = inputs[start : start + common.EVAL_BATCH_SIZE]
        batch_targets = targets[start : start + common.EVAL_BATCH_SIZE]
        logits = model(batch_inputs)
        loss = nn.functional.cross_entropy(logits, batch_targets, reduction="sum")
        total_loss += loss.item()
        correct += (logits.argmax(dim=1) == batch_targets).sum().item()
    return total_loss / len(targets), correct / len(targets)


def run(args, spec, build_model):
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
    report = common.Report(args, spec, "pytorch", torch.__version__, IMPORT_SECONDS)

    data_start = time.perf_counter()
    arrays = common.load_data(args, spec)
    x_train, y_train = to_tensors(*arrays["train"], device)
    x_val, y_val = to_tensors(*arrays["val"], device)
    x_test, y_test = to_tensors(*arrays["test"], device)
    report.data_loaded(arrays, time.perf_counter() - data_start)

    model = build_model().to(device)
    criterion = nn.CrossEntropyLoss()
    # Keras' Adam: epsilon 1e-7 (torch's default is 1e-8), placed as Keras places it.
    optimizer = torch.optim.Adam(
        model.parameters(), lr=spec.learning_rate, betas=(0.9, 0.999), eps=1e-07
    )
    optimizer.register_step_pre_hook(keras_epsilon)

    generator = torch.Generator().manual_seed(args.seed)
    for epoch in range(1, args.epochs + 1):
        epoch_start = time.perf_counter()
        cpu_start = time.process_time()
        loss, accuracy = train_epoch(
            model, criterion, optimizer, x_train, y_train, args.batch_size, generator
        )
        val_loss, val_accuracy = (
            evaluate(model, x_val, y_val) if len(y_val) else (None, None)
        )
        seconds = time.perf_counter() - epoch_start
        cpu_seconds = time.process_time() - cpu_start
        report.epoch(
            epoch, loss, accuracy, val_loss, val_accuracy, seconds, cpu_seconds
        )

    report.test(*evaluate(model, x_test, y_test))

    if args.metrics_out:
        threads = (torch.get_num_threads(), torch.get_num_interop_threads())
        params = sum(p.numel() for p in model.parameters())
        peak_accelerator_mb = None
        if device.type == "cuda":
            peak_accelerator_mb = torch.cuda.max_memory_allocated(device) / 2**20
        report.write_metrics(str(device), threads, params, peak_accelerator_mb)


def main(spec: ModelSpec, train: TrainDefaults, build_model, argv=None):
    """Train `build_model()`, an nn.Module giving logits; returns the exit code."""
    return common.main(
        spec, train, "PyTorch", lambda args: run(args, spec, build_model), argv
    )
