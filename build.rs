//! Generates the LALRPOP parser from `grammar/neural.lalrpop` into `$OUT_DIR`.

fn main() {
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .emit_rerun_directives(true)
        .process()
        .expect("failed to generate the parser from grammar/");
}
