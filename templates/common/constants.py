MODEL_NAME = {{ model_name|py_str }}
INPUT_SHAPE = {{ input_shape }}
{%- if regression %}
OUTPUT_SHAPE = {{ output_shape }}
{%- else %}
NUM_CLASSES = {{ classes }}
{%- endif %}
{%- if let Some(vocab) = vocabulary %}
VOCAB_SIZE = {{ vocab }}
{%- endif %}
EPOCHS = {{ epochs }}{{ epochs_note }}
BATCH_SIZE = {{ batch_size }}{{ batch_size_note }}
VALIDATION_SPLIT = {{ validation_split }}
LEARNING_RATE = {{ learning_rate }}{{ learning_rate_note }}
EVAL_BATCH_SIZE = 1024
{%- if hpo %}
TRIALS = 10
# The HPO(...) search space: ("choice", values), ("range", low, high, step or None;
# integers when the bounds are), ("log_range", low, high). DEFAULTS: the values
# without a search (first choice / lower bound).
{%- for line in hpo_constants %}
{{ line }}
{%- endfor %}
{%- endif %}
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
PROG = os.path.basename(sys.argv[0])


class DataError(Exception):
    """Unusable input data or environment; reported on one line, exit status 1."""
