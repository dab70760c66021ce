//! Unit tests of `sema::check`: options, HPO resolution, defaults and backend mappings.

use super::model::{HpoSpace, Model, Param};
use super::{CheckOptions, check};
use crate::diagnostic::Diagnostic;

fn run(src: &str, validate_shapes: bool) -> (Option<Model>, Vec<Diagnostic>) {
    let (program, diags) = crate::syntax::parse_program(src);
    assert!(diags.is_empty(), "front end: {diags:?}");
    let program = program.expect("parses");
    let opts = CheckOptions {
        validate_shapes,
        source: src,
    };
    check(&program.networks[0], &opts)
}

fn model(src: &str) -> Model {
    let (m, diags) = run(src, true);
    m.unwrap_or_else(|| panic!("rejected: {diags:?}"))
}

#[test]
fn no_validation_skips_shape_errors_but_resolves_parameters() {
    let src = "network T { input: (784,) layers: Conv2D(32, 3) Flatten() Output(10) }";
    let (m, diags) = run(src, true);
    assert!(m.is_none());
    assert_eq!(diags[0].code.id, "E0110");
    let (m, diags) = run(src, false);
    assert!(diags.is_empty(), "{diags:?}");
    let m = m.expect("accepted without validation");
    assert_eq!(m.layers[0].output_shape, vec![Some(784)]);
    assert_eq!(m.layers[0].params.keras, 0);
    assert_eq!(m.layers[0].arg("filters"), Some(&Param::Int(32)));
    // Parameter errors are still errors.
    let (m, diags) = run("network T { input: (4,) layers: Dense(0) }", false);
    assert!(m.is_none() && diags[0].code.id == "E0106");
}

#[test]
fn hpo_values_resolve_to_the_first_choice_and_keep_the_space() {
    let m = model(
        "network T { input: (8,) layers: Dense(HPO(choice(64, 128))) \
         Dropout(HPO(range(0.1, 0.5, step=0.1))) Output(2, \"softmax\") \
         train { batch_size: [16, 32] } }",
    );
    let units = &m.layers[0].args[0];
    assert_eq!(units.value, Param::Int(64));
    assert_eq!(
        units.hpo,
        Some(HpoSpace::Choice {
            values: vec![Param::Int(64), Param::Int(128)]
        })
    );
    assert_eq!(m.layers[1].arg("rate"), Some(&Param::Float(0.1)));
    assert!(matches!(
        m.layers[1].args[0].hpo,
        Some(HpoSpace::Range { integer: false, .. })
    ));
    assert_eq!(m.training.batch_size, 16);
    assert_eq!(m.training.hpo.len(), 1);
}

#[test]
fn missing_sections_get_documented_defaults() {
    let m = model("network T { input: (8,) layers: Output(3, \"softmax\") }");
    assert_eq!(m.loss.name, "sparse_categorical_crossentropy");
    assert_eq!(m.optimizer.call.name, "Adam");
    assert_eq!(
        m.optimizer.call.arg("learning_rate"),
        Some(&Param::Float(0.001))
    );
    assert_eq!(m.metrics, vec!["accuracy".to_string()]);
    assert_eq!((m.training.epochs, m.training.batch_size), (10, 32));
    assert_eq!(m.training.validation_split, 0.2);
    let m = model("network T { input: (8,) layers: Output(1, \"sigmoid\") }");
    assert_eq!(m.loss.name, "binary_crossentropy");
    let m = model("network T { input: (8,) layers: Output(1) }");
    assert_eq!(m.loss.name, "mean_squared_error");
    assert!(m.metrics.is_empty());
}

#[test]
fn schedules_and_loss_spellings_resolve() {
    let m = model(
        "network T { input: (8,) layers: Output(2, \"softmax\") \
         loss: CategoricalCrossentropy(label_smoothing=0.1) \
         optimizer: sgd(learning_rate=ExponentialDecay(0.1, 1000, 0.96), momentum=0.9) }",
    );
    assert_eq!(m.loss.name, "categorical_crossentropy");
    assert_eq!(m.optimizer.call.name, "SGD");
    let schedule = m.optimizer.schedule.expect("schedule kept");
    assert_eq!(schedule.name, "ExponentialDecay");
    assert_eq!(schedule.arg("decay_steps"), Some(&Param::Int(1000)));
    assert_eq!(
        m.optimizer.call.arg("learning_rate"),
        Some(&Param::Float(0.1))
    );
    assert_eq!(m.optimizer.call.arg("momentum"), Some(&Param::Float(0.9)));
}

#[test]
fn layers_carry_lines_and_backend_keywords() {
    let src = "network T {\n  input: (28, 28, 1)\n  layers:\n    Conv2D(8, (3, 3), \"relu\")\n    Flatten()\n    Output(10, \"softmax\")\n}\n";
    let m = model(src);
    assert_eq!(
        m.layers.iter().map(|l| l.line).collect::<Vec<_>>(),
        [4, 5, 6]
    );
    let conv = &m.layers[0];
    let torch = conv.torch_kwargs();
    assert_eq!(torch[0], ("in_channels", Param::Int(1)));
    assert!(torch.contains(&("out_channels", Param::Int(8))));
    assert!(conv.keras_kwargs().contains(&("filters", &Param::Int(8))));
    assert_eq!(m.totals.keras, 80 + 26 * 26 * 8 * 10 + 10);
    assert_eq!(super::line_of(src, src.find("Flatten").unwrap_or(0)), 5);
}

#[test]
fn recurrent_counts_differ_between_frameworks() {
    let m = model("network T { input: (None, None, 8) layers: LSTM(4) Output(1) }");
    let lstm = m.layers[0].params;
    assert_eq!(
        (lstm.keras, lstm.pytorch),
        (4 * (4 * 12 + 4), 4 * (4 * 12 + 8))
    );
    assert_eq!(m.layers[0].input_shape, vec![None, Some(8)]);
}

fn errors(src: &str) -> Vec<Diagnostic> {
    let (m, diags) = run(src, true);
    assert!(m.is_none(), "accepted: {src}");
    diags.into_iter().filter(|d| d.is_error()).collect()
}

#[test]
fn dense_on_a_feature_map_is_a_rank_error_with_a_flatten_hint() {
    let src = "network T {\n  input: (28, 28, 1)\n  layers:\n    Conv2D(32, 3)\n    Dense(10)\n}\n";
    let d = &errors(src)[0];
    assert_eq!(d.code.id, "E0110");
    assert_eq!(
        d.message,
        "Dense expects (batch, features) but receives (None, 26, 26, 32)"
    );
    assert_eq!(d.help.as_deref(), Some("insert `Flatten()` before line 5"));
    assert_eq!(d.labels[0].message, "receives (None, 26, 26, 32)");
    // On a sequence, Dense acts per step, as in Keras.
    model("network T { input: (None, None, 8) layers: LSTM(4, return_sequences=true) Dense(3) }");
}

#[test]
fn every_hpo_choice_combination_is_shape_checked() {
    // Defaults fit (12 → 10 → 5 → 3 → 1); kernel (5, 5) gives 5 → 1 → pool → 0.
    let src = "network T { input: (12, 12, 1) layers: Conv2D(8, 3) MaxPooling2D(2) \
               Conv2D(HPO(choice(8, 16)), HPO(choice((3, 3), (5, 5)))) MaxPooling2D(2) \
               Flatten() Output(2, \"softmax\") }";
    let errs = errors(src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].code.id, "E0111");
    assert!(
        errs[0]
            .message
            .starts_with("with `kernel_size=(5, 5)` (line 1, from `HPO(choice((3, 3), (5, 5)))`), the output height of MaxPooling2D becomes 0"),
        "{}",
        errs[0].message
    );
    assert!(errs[0].notes.iter().any(|n| n.contains("2 of the 4")));
    // Range bounds: the upper bound on the step grid (7, not 8) is checked.
    model(
        "network T { input: (7, 7, 1) layers: Conv2D(4, HPO(range(3, 8, step=2))) Flatten() Output(2) }",
    );
    let src = "network T { input: (6, 6, 1) layers: Conv2D(4, HPO(range(3, 8, step=2))) \
               Flatten() Output(2) }";
    let errs = errors(src);
    assert!(
        errs[0].message.contains("`kernel_size=7`"),
        "{}",
        errs[0].message
    );
    // Rates do not affect shapes and are not enumerated; a model whose every
    // combination fits passes.
    model(
        "network T { input: (16, 16, 1) layers: Conv2D(HPO(choice(4, 8)), HPO(choice(3, 5))) \
         Dropout(HPO(range(0.1, 0.5))) Flatten() Dense(HPO(log_range(16, 64))) Output(2) }",
    );
}

#[test]
fn too_many_hpo_combinations_are_checked_one_value_at_a_time() {
    // 13 choices of 2 values: 8192 combinations > MAX_COMBINATIONS.
    let mut layers = String::new();
    for _ in 0..12 {
        layers.push_str("Conv2D(HPO(choice(4, 8)), 1) ");
    }
    let src = format!(
        "network T {{ input: (4, 4, 1) layers: {layers} Conv2D(4, HPO(choice(3, 5))) Flatten() Output(2) }}"
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].message.contains("`kernel_size=5`"));
    assert!(
        errs[0]
            .notes
            .iter()
            .any(|n| n.contains("8192 combinations") && n.contains("at their defaults"))
    );
}

#[test]
fn step_decay_top_k_and_padding_pairs_resolve() {
    let m = model(
        "network T { input: (8, 8, 3) layers: ZeroPadding2D(((1, 0), (0, 2))) \
         SpatialDropout2D(0.1) Flatten() Output(4, \"softmax\") \
         loss: \"sparse_categorical_crossentropy\" \
         optimizer: SGD(learning_rate=0.1, momentum=0.9) \
         lr_schedule: StepDecay(initial_lr=0.1, decay_steps=30, decay_rate=0.1) \
         metrics: [\"accuracy\", \"top_k_accuracy\"] }",
    );
    assert_eq!(m.layers[0].output_shape, vec![Some(9), Some(10), Some(3)]);
    let s = m.optimizer.schedule.expect("schedule");
    assert_eq!(s.name, "StepDecay");
    assert_eq!(s.arg("initial_learning_rate"), Some(&Param::Float(0.1)));
    assert_eq!(s.arg("decay_steps"), Some(&Param::Int(30)));
    assert_eq!(
        m.metrics,
        vec!["accuracy", "sparse_top_k_categorical_accuracy"]
    );
    let m = model(
        "network T { input: (8,) layers: Output(4, \"softmax\") \
         loss: \"categorical_crossentropy\" metrics: [\"top_k_accuracy\"] }",
    );
    assert_eq!(m.metrics, vec!["top_k_categorical_accuracy"]);
    // SpatialDropout2D needs a feature map.
    let errs = errors("network T { input: (8,) layers: SpatialDropout2D(0.1) Output(2) }");
    assert_eq!(errs[0].code.id, "E0110");
}
