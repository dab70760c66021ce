"""Train SimpleMLP with TensorFlow/Keras -- hand-written reference for neuralc.

This file holds the model and its DSL defaults; training.py, shared by the models,
trains it as scripts/TRAINING_CONTRACT.md says (neuralc-metrics/1, --metrics-out).

Model (channels-last input 28x28x1):
    Flatten -> Dense(128, relu) -> Dropout(0.2) -> Dense(10, softmax)
"""

import sys

import training  # first: it configures TensorFlow and times the framework's import

# isort: split
import keras
from keras import layers

MODEL = training.ModelSpec("SimpleMLP", (28, 28, 1), classes=10, learning_rate=0.001)
TRAIN = training.TrainDefaults(epochs=5, batch_size=128, validation_split=0.2)


def build_model():
    return keras.Sequential(
        [
            keras.Input(shape=MODEL.input_shape),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(MODEL.classes, activation="softmax"),
        ]
    )


def main(argv=None):
    return training.main(MODEL, TRAIN, build_model, argv)


if __name__ == "__main__":
    sys.exit(main())
