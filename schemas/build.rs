//! Lists `src/catalog/*.rs` into the catalog index: a new source with its tables is a
//! new file there, registered by being there (no list to forget to update).

use std::fmt::Write as _;
use std::path::PathBuf;

include!("build/modules.rs");

fn main() {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).join("src/catalog");
    let names = rust_modules(&dir, &["mod"]);
    let mut out = module_declarations(&dir, &names, "pub ");
    out.push_str("/// Every file of `src/catalog/`, by name.\npub static CHAPTERS: &[crate::sources::Chapter] = &[\n");
    for n in &names {
        writeln!(
            out,
            "    crate::sources::Chapter {{ source: &{n}::SOURCE, tables: {n}::TABLES }},"
        )
        .unwrap();
    }
    out.push_str("];\n");
    write_out("catalog.rs", &out);
}
