"""Train CNN with PyTorch -- hand-written reference for neuralc.

This file holds the model and its DSL defaults; training.py, shared by the models,
trains it as scripts/TRAINING_CONTRACT.md says (neuralc-metrics/1, --metrics-out).

Model (channels-last input 28x28x1):
    Conv2D(32, 3x3, relu) -> MaxPool(2x2) -> Conv2D(64, 3x3, relu) -> MaxPool(2x2)
    -> Flatten -> Dense(128, relu) -> Dropout(0.5) -> Dense(10, softmax)
The network outputs logits: the final softmax is part of the loss.
"""

import sys

import training  # first, so that import_seconds covers the framework's import

# isort: split
from torch import nn

MODEL = training.ModelSpec("CNN", (28, 28, 1), classes=10, learning_rate=0.001)
TRAIN = training.TrainDefaults(epochs=5, batch_size=128, validation_split=0.2)


def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, kernel_size=3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        training.ChannelsLast(),  # Keras flattens (height, width, channels)
        nn.Flatten(),  # 28 -conv-> 26 -pool-> 13 -conv-> 11 -pool-> 5
        nn.Linear(64 * 5 * 5, 128),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(128, MODEL.classes),
    )


def main(argv=None):
    return training.main(MODEL, TRAIN, build_model, argv)


if __name__ == "__main__":
    sys.exit(main())
