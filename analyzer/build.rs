//! Lists `queries/*.sql` at build time into `$OUT_DIR/queries.rs`, so that every query
//! file is embedded in the binary and a new one registers itself: a file whose header
//! declares a tool becomes a subcommand with no Rust of its own (see
//! `src/tools/header.rs`), and the registry's tests check that every other file
//! belongs to a tool written in Rust.
//!
//! It also lists `tests/cli/*.rs` into `$OUT_DIR/cli_tests.rs` for the CLI test
//! binary (`tests/cli/main.rs`): a chapter's analyzer tests register by being there.

use std::fmt::Write as _;
use std::path::Path;

include!("../schemas/build/modules.rs");

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("../queries");
    // A directory as rerun-if-changed makes cargo look at every file under it, so an
    // added, removed or edited query rebuilds the list.
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_stem()?.to_str()?.to_string();
            let is_sql = path.extension().is_some_and(|e| e == "sql") && path.is_file();
            let path = path.canonicalize().ok()?.to_str()?.to_string();
            is_sql.then_some((name, path))
        })
        .collect();
    files.sort();
    let mut code = String::from(
        "/// Every `queries/<name>.sql` (not the subfolders), by name, in name order.\n\
         pub static QUERIES: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &files {
        writeln!(code, "    ({name:?}, include_str!({path:?})),").unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("queries.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));

    let cli = Path::new(&manifest).join("tests/cli");
    let names = rust_modules(&cli, &["main", "support"]);
    write_out("cli_tests.rs", &module_declarations(&cli, &names, ""));
}
