//! `neuralc graph FILE [-o OUT] [--format svg|dot|mermaid]`: the checked model as a
//! picture (no Graphviz or Python needed for SVG).

use crate::cli::{GraphArgs, GraphFormat};
use crate::driver::{self, EXIT_INVALID, EXIT_OK};
use crate::graph::{self, Graph};

/// The format: `--format`, else the output's extension (`.dot`/`.gv`, `.mmd`), else SVG.
fn format(args: &GraphArgs) -> GraphFormat {
    if let Some(f) = args.format {
        return f;
    }
    let ext = args
        .output
        .as_deref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .unwrap_or("");
    match ext {
        "dot" | "gv" => GraphFormat::Dot,
        "mmd" | "mermaid" => GraphFormat::Mermaid,
        _ => GraphFormat::Svg,
    }
}

pub fn run(args: &GraphArgs, color: bool) -> u8 {
    let (mut loaded, model) =
        match driver::load_model(&args.file, args.network.as_deref(), true, color) {
            Ok(found) => found,
            Err(code) => return code,
        };
    loaded.print_diagnostics(color);
    let g = Graph::new(&model, &loaded.text);
    let text = match format(args) {
        GraphFormat::Svg => graph::svg(&g),
        GraphFormat::Dot => graph::dot(&g),
        GraphFormat::Mermaid => graph::mermaid(&g),
    };
    let Some(out) = &args.output else {
        return driver::print_result(&text);
    };
    match crate::output::write_atomically(out, &text, &[&args.file]) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            crate::say!("error: cannot write `{}`: {e}", driver::display_path(out));
            EXIT_INVALID
        }
    }
}
