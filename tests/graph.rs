//! `neuralc graph` as a person looks at it: every golden SVG renders to PNG (with
//! librsvg's `rsvg-convert`, installed by `scripts/test.sh`), names every layer of the
//! model, and is written atomically and never for an invalid model.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn neuralc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_neuralc"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run neuralc")
}

/// Layer type names of a model, inner layers included, from `shapes --json`.
fn layer_types(model: &Path) -> Vec<String> {
    let out = neuralc(&["shapes", "--json", model.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    fn walk(layers: &serde_json::Value, out: &mut Vec<String>) {
        for l in layers.as_array().into_iter().flatten() {
            out.push(l["type"].as_str().unwrap().to_string());
            walk(&l["inner"], out);
        }
    }
    let mut types = Vec::new();
    walk(&json["layers"], &mut types);
    types
}

#[test]
fn golden_svgs_render_and_name_every_layer() {
    let rsvg = Command::new("rsvg-convert").arg("--version").output();
    assert!(
        rsvg.is_ok_and(|o| o.status.success()),
        "rsvg-convert is missing: `apt-get install librsvg2-bin` (scripts/test.sh does)"
    );
    let dir = root().join("golden/graph");
    let mut models: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "neural"))
        .collect();
    models.sort();
    assert!(models.len() >= 4);
    let out_dir = std::env::temp_dir().join(format!("neuralc-graph-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    for model in models {
        let svg = model.with_extension("svg");
        let text = std::fs::read_to_string(&svg).unwrap();
        for ty in layer_types(&model) {
            // `ResidualConnection` is the frame's label; other layers head a box.
            let shown = if ty == "ResidualConnection" {
                format!(">{ty} · ")
            } else {
                format!(">{ty}")
            };
            assert!(
                text.contains(&shown),
                "{}: no label for {ty}",
                svg.display()
            );
        }
        let png = out_dir.join(svg.file_name().unwrap()).with_extension("png");
        let status = Command::new("rsvg-convert")
            .arg("-o")
            .arg(&png)
            .arg(&svg)
            .status()
            .unwrap();
        assert!(status.success(), "{} does not render", svg.display());
        let size = std::fs::metadata(&png).unwrap().len();
        assert!(size > 2_000, "{}: a {size}-byte PNG", svg.display());
    }
}

#[test]
fn an_invalid_model_draws_nothing() {
    let dir = std::env::temp_dir().join(format!("neuralc-graph-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("bad.svg");
    let result = neuralc(&[
        "graph",
        "golden/sema/e0110_dense_rank.neural",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    assert!(!out.exists());
}

#[test]
fn format_follows_the_extension() {
    let dir = std::env::temp_dir().join(format!("neuralc-graph-ext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, start) in [("m.dot", "digraph"), ("m.mmd", "---"), ("m.svg", "<svg")] {
        let out = dir.join(name);
        let result = neuralc(&[
            "graph",
            "golden/bench/cnn.neural",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(result.status.code(), Some(0));
        assert!(
            std::fs::read_to_string(&out).unwrap().starts_with(start),
            "{name}"
        );
    }
}
