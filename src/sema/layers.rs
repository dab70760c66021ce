//! The layer table: every layer kind with its parameters, shape rule and backend
//! mappings. The meaning of each column is documented in `catalog.rs`.

use super::catalog::{Emit, Fill, Kind, LayerSpec, Lit, ParamSpec, Rule};
use Emit::{Class, Helper};
use Fill::{Absent, Required, Value};
use Kind::*;

const fn p(name: &'static str, kind: Kind, fill: Fill) -> ParamSpec {
    ParamSpec::new(name, kind, fill)
}

const LINEAR: Fill = Value(Lit::Str("linear"));
const VALID: Fill = Value(Lit::Str("valid"));
const PADDING: Kind = OneOf(&["valid", "same"]);
const ONE: Fill = Value(Lit::Int(1));
const TRUE: Fill = Value(Lit::Bool(true));
const FALSE: Fill = Value(Lit::Bool(false));
const ZERO: Fill = Value(Lit::Float(0.0));

/// A layer with no torch input-size keyword and no fixed keywords.
const fn layer(
    name: &'static str,
    positional: usize,
    params: &'static [ParamSpec],
    rule: Rule,
    keras: Emit,
    torch: Emit,
) -> LayerSpec {
    LayerSpec {
        name,
        aliases: &[],
        positional,
        params,
        rule,
        block: false,
        keras,
        torch,
        torch_in: None,
        torch_fixed: &[],
        input_rank: None,
    }
}

const fn with_in(mut spec: LayerSpec, kw: &'static str) -> LayerSpec {
    spec.torch_in = Some(kw);
    spec
}

const fn aliased(mut spec: LayerSpec, aliases: &'static [&'static str]) -> LayerSpec {
    spec.aliases = aliases;
    spec
}

/// Initialisers and regularisers: Keras only (PyTorch uses its own initialisation).
const KERNEL_EXTRAS: [ParamSpec; 4] = [
    p("kernel_initializer", Any, Absent),
    p("bias_initializer", Any, Absent),
    p("kernel_regularizer", Any, Absent),
    p("name", Any, Absent),
];

/// Dense and Output: `units`, `activation` positional. PyTorch: `nn.Linear`, then the
/// activation's module from `ACTIVATIONS` (nothing for `linear`).
const DENSE: &[ParamSpec] = &[
    p("units", PosInt, Required).torch("out_features"),
    p("activation", Activation, LINEAR),
    p("use_bias", Bool, TRUE).torch("bias"),
    KERNEL_EXTRAS[0],
    KERNEL_EXTRAS[1],
    KERNEL_EXTRAS[2],
    KERNEL_EXTRAS[3],
];

/// Convolutions: `filters`, `kernel_size`, `activation` positional. PyTorch: the
/// activation as for Dense; `padding="same"` with strides > 1 is not accepted by
/// `nn.ConvNd`, so the generator computes explicit padding (`(k-1)//2` per side for odd
/// kernels) in that case.
const fn conv(rank: u8, padding: Kind) -> [ParamSpec; 9] {
    [
        p("filters", PosInt, Required).torch("out_channels"),
        p("kernel_size", Size(rank), Required).torch("kernel_size"),
        p("activation", Activation, LINEAR),
        p("strides", Size(rank), ONE).torch("stride"),
        p("padding", padding, VALID).torch("padding"),
        p("dilation_rate", Size(rank), ONE).torch("dilation"),
        p("groups", PosInt, ONE).torch("groups"),
        p("use_bias", Bool, TRUE).torch("bias"),
        KERNEL_EXTRAS[0],
    ]
}
const CONV1D: &[ParamSpec] = &conv(1, OneOf(&["valid", "same", "causal"]));
const CONV2D: &[ParamSpec] = &conv(2, PADDING);
const CONV3D: &[ParamSpec] = &conv(3, PADDING);

const CONV2D_T: &[ParamSpec] = &[
    p("filters", PosInt, Required).torch("out_channels"),
    p("kernel_size", Size(2), Required).torch("kernel_size"),
    p("activation", Activation, LINEAR),
    p("strides", Size(2), ONE).torch("stride"),
    p("padding", PADDING, VALID),
    p("use_bias", Bool, TRUE).torch("bias"),
];

/// DepthwiseConv2D: PyTorch `nn.Conv2d(in, in·depth_multiplier, groups=in)`.
const DEPTHWISE: &[ParamSpec] = &[
    p("kernel_size", Size(2), Required).torch("kernel_size"),
    p("strides", Size(2), ONE).torch("stride"),
    p("padding", PADDING, VALID).torch("padding"),
    p("depth_multiplier", PosInt, ONE),
    p("activation", Activation, LINEAR),
    p("use_bias", Bool, TRUE).torch("bias"),
];

/// SeparableConv2D: PyTorch helper = depthwise `nn.Conv2d(in, in·dm, k, groups=in)`
/// then pointwise `nn.Conv2d(in·dm, filters, 1)`.
const SEPARABLE: &[ParamSpec] = &[
    p("filters", PosInt, Required),
    p("kernel_size", Size(2), Required),
    p("activation", Activation, LINEAR),
    p("strides", Size(2), ONE),
    p("padding", PADDING, VALID),
    p("depth_multiplier", PosInt, ONE),
    p("use_bias", Bool, TRUE),
];

/// Pooling: `pool_size`, `strides`, `padding` positional; strides default to the pool size.
const fn pool(rank: u8) -> [ParamSpec; 3] {
    [
        p("pool_size", Size(rank), Value(Lit::Int(2))).torch("kernel_size"),
        p("strides", Size(rank), Absent).torch("stride"),
        p("padding", PADDING, VALID),
    ]
}
const POOL1D: &[ParamSpec] = &pool(1);
const POOL2D: &[ParamSpec] = &pool(2);
const POOL3D: &[ParamSpec] = &pool(3);

const RECURRENT: &[ParamSpec] = &[
    p("units", PosInt, Required).torch("hidden_size"),
    p("activation", Activation, Value(Lit::Str("tanh"))),
    p("return_sequences", Bool, FALSE),
    p("dropout", Rate, ZERO),
    p("recurrent_dropout", Rate, ZERO),
    p("use_bias", Bool, TRUE).torch("bias"),
    p("go_backwards", Bool, FALSE),
];

const NO_PARAMS: &[ParamSpec] = &[];
const MERGE: &[ParamSpec] = &[p("axis", Int, Absent)];
const TORCH_SEQ: &[(&str, Lit)] = &[("batch_first", Lit::Bool(true))];

const fn recurrent(name: &'static str, gates: u8, torch: &'static str) -> LayerSpec {
    let mut spec = with_in(
        layer(
            name,
            1,
            RECURRENT,
            Rule::Recurrent { gates },
            Class(name),
            Class(torch),
        ),
        "input_size",
    );
    spec.torch_fixed = TORCH_SEQ;
    spec
}

const fn merge(name: &'static str) -> LayerSpec {
    layer(name, 1, MERGE, Rule::Merge, Class(name), Helper(name))
}

/// Global pooling: PyTorch helper `nn.Adaptive{Avg,Max}Pool{rank}d(1)` then `nn.Flatten()`.
const fn global(name: &'static str, rank: u8, torch: &'static str) -> LayerSpec {
    layer(
        name,
        0,
        NO_PARAMS,
        Rule::GlobalPool { rank },
        Class(name),
        Helper(torch),
    )
}

const TRANSFORMER: &[ParamSpec] = &[
    p("num_heads", PosInt, Value(Lit::Int(8))).torch("nhead"),
    p("ff_dim", PosInt, Value(Lit::Int(512))).torch("dim_feedforward"),
    p("dropout", Rate, Value(Lit::Float(0.1))).torch("dropout"),
    p(
        "activation",
        OneOf(&["relu", "gelu"]),
        Value(Lit::Str("relu")),
    )
    .torch("activation"),
    p("num_layers", PosInt, ONE),
    p("use_attention_mask", Bool, FALSE),
];

const fn transformer(
    name: &'static str,
    aliases: &'static [&'static str],
    causal: bool,
) -> LayerSpec {
    let mut spec = with_in(
        layer(
            name,
            2,
            TRANSFORMER,
            Rule::Transformer { causal },
            Helper("TransformerEncoder"),
            Class("nn.TransformerEncoderLayer"),
        ),
        "d_model",
    );
    spec.aliases = aliases;
    spec.torch_fixed = TORCH_SEQ;
    spec
}

/// The catalog. Order only matters for listings.
pub const LAYERS: &[LayerSpec] = &[
    with_in(
        layer(
            "Dense",
            2,
            DENSE,
            Rule::Dense,
            Class("Dense"),
            Class("nn.Linear"),
        ),
        "in_features",
    ),
    // The network's final layer: a Dense layer (Keras `Dense`, PyTorch `nn.Linear`),
    // whose activation also picks the default loss.
    with_in(
        layer(
            "Output",
            2,
            DENSE,
            Rule::Dense,
            Class("Dense"),
            Class("nn.Linear"),
        ),
        "in_features",
    ),
    with_in(
        layer(
            "Conv1D",
            3,
            CONV1D,
            Rule::Conv { rank: 1 },
            Class("Conv1D"),
            Class("nn.Conv1d"),
        ),
        "in_channels",
    ),
    with_in(
        layer(
            "Conv2D",
            3,
            CONV2D,
            Rule::Conv { rank: 2 },
            Class("Conv2D"),
            Class("nn.Conv2d"),
        ),
        "in_channels",
    ),
    with_in(
        layer(
            "Conv3D",
            3,
            CONV3D,
            Rule::Conv { rank: 3 },
            Class("Conv3D"),
            Class("nn.Conv3d"),
        ),
        "in_channels",
    ),
    // PyTorch: `padding="same"` (output in·s) is `padding=max(k-s, 0)//2`,
    // `output_padding=max(s-k, 0)` and, when max(k-s, 0) is odd, the last step sliced off
    // (Keras crops the odd step at the end); "valid" is padding 0.
    with_in(
        layer(
            "Conv2DTranspose",
            3,
            CONV2D_T,
            Rule::ConvTranspose { rank: 2 },
            Class("Conv2DTranspose"),
            Class("nn.ConvTranspose2d"),
        ),
        "in_channels",
    ),
    layer(
        "DepthwiseConv2D",
        1,
        DEPTHWISE,
        Rule::DepthwiseConv { rank: 2 },
        Class("DepthwiseConv2D"),
        Helper("DepthwiseConv2d"),
    ),
    layer(
        "SeparableConv2D",
        3,
        SEPARABLE,
        Rule::SeparableConv { rank: 2 },
        Class("SeparableConv2D"),
        Helper("SeparableConv2d"),
    ),
    aliased(
        layer(
            "MaxPooling1D",
            3,
            POOL1D,
            Rule::Pool { rank: 1 },
            Class("MaxPooling1D"),
            Class("nn.MaxPool1d"),
        ),
        &["MaxPool1D"],
    ),
    aliased(
        layer(
            "MaxPooling2D",
            3,
            POOL2D,
            Rule::Pool { rank: 2 },
            Class("MaxPooling2D"),
            Class("nn.MaxPool2d"),
        ),
        &["MaxPool2D"],
    ),
    aliased(
        layer(
            "MaxPooling3D",
            3,
            POOL3D,
            Rule::Pool { rank: 3 },
            Class("MaxPooling3D"),
            Class("nn.MaxPool3d"),
        ),
        &["MaxPool3D"],
    ),
    aliased(
        layer(
            "AveragePooling1D",
            3,
            POOL1D,
            Rule::Pool { rank: 1 },
            Class("AveragePooling1D"),
            Class("nn.AvgPool1d"),
        ),
        &["AvgPool1D"],
    ),
    aliased(
        layer(
            "AveragePooling2D",
            3,
            POOL2D,
            Rule::Pool { rank: 2 },
            Class("AveragePooling2D"),
            Class("nn.AvgPool2d"),
        ),
        &["AvgPool2D"],
    ),
    aliased(
        layer(
            "AveragePooling3D",
            3,
            POOL3D,
            Rule::Pool { rank: 3 },
            Class("AveragePooling3D"),
            Class("nn.AvgPool3d"),
        ),
        &["AvgPool3D"],
    ),
    global("GlobalAveragePooling1D", 1, "nn.AdaptiveAvgPool1d"),
    global("GlobalAveragePooling2D", 2, "nn.AdaptiveAvgPool2d"),
    global("GlobalAveragePooling3D", 3, "nn.AdaptiveAvgPool3d"),
    global("GlobalMaxPooling1D", 1, "nn.AdaptiveMaxPool1d"),
    global("GlobalMaxPooling2D", 2, "nn.AdaptiveMaxPool2d"),
    global("GlobalMaxPooling3D", 3, "nn.AdaptiveMaxPool3d"),
    layer(
        "Flatten",
        0,
        NO_PARAMS,
        Rule::Flatten,
        Class("Flatten"),
        Class("nn.Flatten"),
    ),
    layer(
        "Dropout",
        1,
        &[p("rate", Rate, Required).torch("p"), p("seed", Any, Absent)],
        Rule::Same,
        Class("Dropout"),
        Class("nn.Dropout"),
    ),
    // Drops whole feature maps: rank-3 input only. PyTorch `nn.Dropout2d` on the
    // channels-first tensor.
    LayerSpec {
        input_rank: Some(3),
        ..layer(
            "SpatialDropout2D",
            1,
            &[p("rate", Rate, Required).torch("p"), p("seed", Any, Absent)],
            Rule::Same,
            Class("SpatialDropout2D"),
            Class("nn.Dropout2d"),
        )
    },
    // PyTorch: the activation's module from `ACTIVATIONS` (see `catalog::activation`).
    layer(
        "Activation",
        1,
        &[p("function", Activation, Required).keras_as("activation")],
        Rule::Same,
        Class("Activation"),
        Helper("activation"),
    ),
    // PyTorch helper: adds `torch.randn_like(x) * stddev` in training mode only.
    layer(
        "GaussianNoise",
        1,
        &[p("stddev", PosFloat, Required)],
        Rule::Same,
        Class("GaussianNoise"),
        Helper("GaussianNoise"),
    ),
    // PyTorch: `momentum` is `1 - keras_momentum` (torch's convention), `eps` = epsilon;
    // the generator converts. Statistics are buffers, hence the smaller PyTorch count.
    with_in(
        layer(
            "BatchNormalization",
            0,
            &[
                p("momentum", Unit, Value(Lit::Float(0.99))),
                p("epsilon", PosFloat, Value(Lit::Float(0.001))).torch("eps"),
                p("axis", Int, Absent),
            ],
            Rule::BatchNorm,
            Class("BatchNormalization"),
            Class("nn.BatchNorm{d}d"),
        ),
        "num_features",
    ),
    with_in(
        layer(
            "LayerNormalization",
            0,
            &[p("epsilon", PosFloat, Value(Lit::Float(0.001))).torch("eps")],
            Rule::Norm,
            Class("LayerNormalization"),
            Class("nn.LayerNorm"),
        ),
        "normalized_shape",
    ),
    with_in(
        layer(
            "GroupNormalization",
            1,
            &[
                p("groups", PosInt, Value(Lit::Int(32))).torch("num_groups"),
                p("epsilon", PosFloat, Value(Lit::Float(0.001))).torch("eps"),
            ],
            Rule::Norm,
            Class("GroupNormalization"),
            Class("nn.GroupNorm"),
        ),
        "num_channels",
    ),
    // Input: integer token ids; must be the first layer.
    layer(
        "Embedding",
        2,
        &[
            p("input_dim", PosInt, Required).torch("num_embeddings"),
            p("output_dim", PosInt, Required).torch("embedding_dim"),
            p("mask_zero", Bool, FALSE),
        ],
        Rule::Embedding,
        Class("Embedding"),
        Class("nn.Embedding"),
    ),
    // PyTorch: the module returns `(output, state)`; the generator keeps `output`, and
    // its last time step when `return_sequences` is false. `activation`, `dropout`,
    // `recurrent_dropout` and `go_backwards` have no PyTorch equivalent beyond defaults.
    recurrent("LSTM", 4, "nn.LSTM"),
    recurrent("GRU", 3, "nn.GRU"),
    recurrent("SimpleRNN", 1, "nn.RNN"),
    // `Bidirectional(LSTM(64))`: PyTorch passes `bidirectional=True` to the inner
    // module; `merge_mode="concat"` doubles the last axis.
    layer(
        "Bidirectional",
        1,
        &[
            p("layer", Layer, Required).no_keras(),
            p(
                "merge_mode",
                OneOf(&["concat", "sum", "mul", "ave"]),
                Value(Lit::Str("concat")),
            ),
        ],
        Rule::Bidirectional,
        Class("Bidirectional"),
        Helper("bidirectional"),
    ),
    // `TimeDistributed(Dense(10))`: the inner layer on every time step. PyTorch: layers
    // acting on the last axis (Linear) need no wrapper; others fold time into batch.
    layer(
        "TimeDistributed",
        1,
        &[p("layer", Layer, Required).no_keras()],
        Rule::TimeDistributed,
        Class("TimeDistributed"),
        Helper("TimeDistributed"),
    ),
    // Self-attention `mha(x, x)` over `(seq, features)`. PyTorch: when
    // `num_heads * key_dim == features` and `value_dim == key_dim`, `nn.MultiheadAttention
    // (embed_dim=features, num_heads, dropout, batch_first=True)` has exactly these
    // weights; otherwise a helper with q/k/v/o `nn.Linear` projections of width
    // `num_heads * key_dim` (the count reported assumes that helper).
    layer(
        "MultiHeadAttention",
        2,
        &[
            p("num_heads", PosInt, Required),
            p("key_dim", PosInt, Required),
            p("value_dim", PosInt, Absent),
            p("dropout", Rate, ZERO),
            p("use_bias", Bool, TRUE),
        ],
        Rule::MultiHeadAttention,
        Class("MultiHeadAttention"),
        Helper("MultiHeadAttention"),
    ),
    // A post-norm encoder block repeated `num_layers` times: x = LN(x + MHA(x));
    // x = LN(x + Dense(features)(Dropout(Dense(ff_dim, activation)(x)))). Keras: a helper
    // with `MultiHeadAttention(num_heads, key_dim=features // num_heads)`; PyTorch:
    // `nn.TransformerEncoderLayer(d_model=features, nhead=num_heads,
    // dim_feedforward=ff_dim, dropout, activation, batch_first=True)` (× num_layers).
    transformer("TransformerEncoder", &["TransformerEncoderLayer"], false),
    // Decoder-only (GPT-style): the encoder block with a causal attention mask and no
    // cross-attention (a layer list has no encoder memory), so the same weights. Keras:
    // the encoder helper with `causal=True` (`use_causal_mask`); PyTorch:
    // `nn.TransformerEncoderLayer` called with a boolean upper-triangular mask.
    // `use_attention_mask`: token id 0 is padding, and no step attends to a padding step
    // (keys only; the padding steps' own outputs are computed as usual). Needs token ids:
    // an `Embedding` first.
    transformer("TransformerDecoder", &[], true),
    // PyTorch helper: `x.reshape(x.shape[0], *target_shape)` (channels-last kept).
    layer(
        "Reshape",
        1,
        &[p("target_shape", Shape, Required)],
        Rule::Reshape,
        Class("Reshape"),
        Helper("Reshape"),
    ),
    layer(
        "UpSampling2D",
        1,
        &[
            p("size", Size(2), Value(Lit::Int(2))).torch("scale_factor"),
            p(
                "interpolation",
                OneOf(&["nearest", "bilinear"]),
                Value(Lit::Str("nearest")),
            )
            .torch("mode"),
        ],
        Rule::UpSampling { rank: 2 },
        Class("UpSampling2D"),
        Class("nn.Upsample"),
    ),
    // PyTorch `nn.ZeroPad2d` takes `(left, right, top, bottom)`: a Keras `(h, w)` is
    // `(w, w, h, h)`, `((top, bottom), (left, right))` is `(left, right, top, bottom)`;
    // a single int is the same in both.
    layer(
        "ZeroPadding2D",
        1,
        &[p("padding", Padding(2), ONE).torch("padding")],
        Rule::ZeroPadding { rank: 2 },
        Class("ZeroPadding2D"),
        Class("nn.ZeroPad2d"),
    ),
    merge("Add"),
    merge("Subtract"),
    merge("Multiply"),
    merge("Average"),
    merge("Maximum"),
    merge("Minimum"),
    aliased(merge("Concatenate"), &["Concat"]),
    merge("Dot"),
    // `ResidualConnection { layers }`: `x + block(x)`; the block must keep the shape.
    // Both backends: a helper applying the block, then adding (Keras `layers.Add()`).
    LayerSpec {
        block: true,
        aliases: &["Residual"],
        ..layer(
            "ResidualConnection",
            0,
            NO_PARAMS,
            Rule::Residual,
            Helper("Residual"),
            Helper("Residual"),
        )
    },
];
