//! Inputs found by (or written after) fuzzing the front end (`fuzz/`): the lexer,
//! parser, macro expansion and diagnostic rendering must neither panic, nor run out
//! of stack, nor take unbounded time or memory, on any text.

use neuralc::diagnostic::Diagnostic;
use neuralc::report::{SourceFile, render_all};
use neuralc::syntax::ast::ValueKind;
use neuralc::syntax::parse_program;
use neuralc::syntax::program::Program;

/// Parses, renders every diagnostic (plain and coloured), serialises the program
/// and drops it all: everything the fuzz target does, plus the JSON.
fn run(src: &str) -> (Option<Program>, Vec<Diagnostic>) {
    let (program, diags) = parse_program(src);
    let file = SourceFile {
        path: "fuzz.neural",
        text: src,
    };
    render_all(&diags, &file, false);
    render_all(&diags, &file, true);
    if let Some(p) = &program {
        serde_json::to_string(p).expect("a program serialises");
    }
    (program, diags)
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.id).collect()
}

fn network(layers: &str) -> String {
    format!("network N {{ input: (1,) layers: {layers} }}")
}

fn first_arg(program: &Program) -> &ValueKind {
    let layer = &program.networks[0].layers[0];
    &layer.args.as_ref().expect("arguments")[0].value.kind
}

#[test]
fn dividing_i64_min_by_minus_one_does_not_overflow() {
    // Panicked with "attempt to calculate the remainder with overflow" in `actions::arith`.
    let (program, diags) = run(&network("Dense(-9223372036854775808 / -1)"));
    assert!(diags.is_empty(), "{diags:?}");
    assert!(
        matches!(first_arg(&program.unwrap()), ValueKind::Float(x) if *x == -(i64::MIN as f64))
    );

    let (program, _) = run(&network("Dense(7 / 0)"));
    assert!(matches!(first_arg(&program.unwrap()), ValueKind::Float(x) if *x == f64::INFINITY));

    // The same fold after macro substitution.
    let src = format!(
        "define M(a) {{ Dense($a / -1) }} {}",
        network("M(-9223372036854775808)")
    );
    let (program, diags) = run(&src);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(
        matches!(first_arg(&program.unwrap()), ValueKind::Float(x) if *x == -(i64::MIN as f64))
    );
}

#[test]
fn deep_brackets_are_an_error_not_a_stack_overflow() {
    // 50 000 nested brackets overflowed the stack (dropping and cloning the tree).
    for (open, close) in [("[", "]"), ("(", ")"), ("HPO(", ")")] {
        let src = network(&format!(
            "Dense({}1{})",
            open.repeat(50_000),
            close.repeat(50_000)
        ));
        let (program, diags) = run(&src);
        assert!(program.is_none());
        assert_eq!(codes(&diags), ["E0023"]);
    }
    // Unclosed, and braces of nested blocks.
    let (_, diags) = run(&"[".repeat(200_000));
    assert_eq!(codes(&diags), ["E0023"]);
    let (_, diags) = run(&network(&"Dense {".repeat(10_000)));
    assert_eq!(codes(&diags), ["E0023"]);
}

#[test]
fn long_operator_chains_are_an_error_not_a_stack_overflow() {
    // `x * x * …` does not fold, so each operator is one more level of the tree.
    let chain = vec!["x"; 50_000].join(" * ");
    let (program, diags) = run(&network(&format!("Dense({chain})")));
    assert!(program.is_none());
    assert_eq!(codes(&diags), ["E0023"]);
    let chain = vec!["(1,)"; 50_000].join(" / ");
    let (_, diags) = run(&network(&format!("Dense({chain})")));
    assert_eq!(codes(&diags), ["E0023"]);
}

#[test]
fn nesting_up_to_the_limit_is_accepted() {
    // network { (1) + Dense( (2) + 60 brackets = 62 levels.
    let src = network(&format!("Dense({}1{})", "[".repeat(60), "]".repeat(60)));
    let (program, diags) = run(&src);
    assert!(program.is_some());
    assert!(!codes(&diags).contains(&"E0023"), "{diags:?}");
    // Many short chains and repeats in a row are not one long chain.
    let layers = vec!["Dense(x * 2 / y) * 2"; 500].join(" ");
    let (program, diags) = run(&network(&layers));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(program.unwrap().networks[0].layers.len(), 1000);
}

#[test]
fn huge_repeat_counts_are_an_error_not_a_hang() {
    // `* i64::MAX` cloned layers until memory ran out.
    let (_, diags) = run(&network("Dense(1) * 9223372036854775807"));
    assert_eq!(codes(&diags), ["E0024"]);
    // Nested blocks multiply.
    let (_, diags) = run(&network(
        "Block { Block { Dense(1) * 1000 } * 1000 } * 1000",
    ));
    assert_eq!(codes(&diags), ["E0024"]);
    // Macros using repeated macros multiply exponentially.
    let mut src = String::from("define M0 { Dense(1) * 10 }\n");
    for i in 1..12 {
        src += &format!("define M{i} {{ M{} * 10 }}\n", i - 1);
    }
    src += &network("M11");
    let (_, diags) = run(&src);
    assert_eq!(codes(&diags), ["E0024"]);
    // One file's networks share the budget: each reports once.
    let src = (0..50)
        .map(|i| format!("network N{i} {{ input: (1,) layers: Dense(1) * 99999 }}"))
        .collect::<String>();
    let (_, diags) = run(&src);
    assert_eq!(codes(&diags), ["E0024"; 49]);
    // An empty macro repeated i64::MAX times expands to nothing, quickly.
    let src = format!(
        "define E {{ }} {}",
        network("Dense(1) E * 9223372036854775807")
    );
    let (program, diags) = run(&src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(program.unwrap().networks[0].layers.len(), 1);
}

#[test]
fn repeats_within_the_budget_expand_fully() {
    let src = format!(
        "define Pair(u) {{ Dense($u) Dropout(0.5) }} {}",
        network("Pair(8) * 3 Block { Dense(1) * 2 } * 2")
    );
    let (program, diags) = run(&src);
    assert!(diags.is_empty(), "{diags:?}");
    let layers = &program.unwrap().networks[0].layers;
    let names: Vec<&str> = layers.iter().map(|l| l.name.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Dense", "Dropout", "Dense", "Dropout", "Dense", "Dropout", "Block", "Block"
        ]
    );
    assert_eq!(layers[6].block.as_ref().unwrap().len(), 2);
}

#[test]
fn long_macro_chains_are_an_error_not_a_stack_overflow() {
    // Each macro using the next one recursed once per macro.
    let mut src = String::new();
    for i in 0..20_000 {
        src += &format!("define M{i} {{ M{} }}\n", i + 1);
    }
    src += "define M20000 { Dense(1) }\n";
    src += &network("M0");
    let (_, diags) = run(&src);
    assert_eq!(codes(&diags), ["E0024"]);
}

#[test]
fn deepest_values_macros_can_build_stay_within_the_stack() {
    // Every macro level wraps its argument in ~60 more brackets: the deepest value
    // the limits allow (16 macros × 60 levels) still clones, serialises and drops
    // on a test thread's stack.
    let wrap = |inner: &str| format!("{}{inner}{}", "[".repeat(59), "]".repeat(59));
    let mut src = format!("define M0(a) {{ Dense({}) }}\n", wrap("$a"));
    for i in 1..16 {
        src += &format!("define M{i}(a) {{ M{}({}) }}\n", i - 1, wrap("$a"));
    }
    src += &network(&format!("M15({})", wrap("1")));
    let (program, diags) = run(&src);
    assert!(diags.is_empty(), "{diags:?}");
    let mut depth = 0;
    let mut value = first_arg(program.as_ref().unwrap());
    while let ValueKind::List(items) = value {
        depth += 1;
        value = &items[0].kind;
    }
    assert_eq!(depth, 59 * 17);
}
