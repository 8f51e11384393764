//! Registers the test crate's modules by listing their folders: every file of
//! `src/fixture/` is a fixture module (its `fixtures()` lists what it writes under
//! `fixtures/`), and every file of `tests/bpf/` but `common.rs` is a chapter of the
//! end-to-end BPF tests. Adding a chapter's fixture or test is adding the file.

use std::path::PathBuf;

include!("../schemas/build/modules.rs");

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let dir = root.join("src/fixture");
    let names = rust_modules(&dir, &[]);
    let mut out = module_declarations(&dir, &names, "pub ");
    out.push_str("/// The fixtures of every file of `src/fixture/`, in file-name order.\nfn listed() -> Vec<Fixture> {\n    let mut all = Vec::new();\n");
    for n in &names {
        out.push_str(&format!("    all.extend({n}::fixtures());\n"));
    }
    out.push_str("    all\n}\n");
    write_out("fixtures.rs", &out);

    let dir = root.join("tests/bpf");
    let names = rust_modules(&dir, &["common"]);
    write_out("bpf_tests.rs", &module_declarations(&dir, &names, ""));
}
