"""Train DeepMLP with PyTorch -- hand-written reference for neuralc.

This file holds the model and its DSL defaults; training.py, shared by the models,
trains it as scripts/TRAINING_CONTRACT.md says (neuralc-metrics/1, --metrics-out).

Model (channels-last input 28x28x1):
    Flatten -> Dense(512, relu) -> Dropout(0.3) -> Dense(256, relu) -> Dropout(0.3)
    -> Dense(128, relu) -> Dropout(0.3) -> Dense(10, softmax)
The network outputs logits: the final softmax is part of the loss.
"""

import sys

import training  # first, so that import_seconds covers the framework's import

# isort: split
from torch import nn

MODEL = training.ModelSpec("DeepMLP", (28, 28, 1), classes=10, learning_rate=0.001)
TRAIN = training.TrainDefaults(epochs=5, batch_size=128, validation_split=0.2)


def build_model():
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(28 * 28 * 1, 512),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.Linear(512, 256),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.Linear(256, 128),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.Linear(128, MODEL.classes),
    )


def main(argv=None):
    return training.main(MODEL, TRAIN, build_model, argv)


if __name__ == "__main__":
    sys.exit(main())
