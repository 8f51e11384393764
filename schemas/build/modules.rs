// Included (`include!`) by the build scripts that register a folder's modules by
// listing the folder: the schemas' catalog, the test crate's fixtures and chapter
// tests, the analyzer's CLI tests. A new file there is registered by being there, so
// there is no list to forget to update. Build scripts cannot share a library without
// a crate of their own; this file is that library.

/// The stems of the `*.rs` files in `dir` except `skip`, sorted. Cargo is told to
/// rerun the build script when the folder or any of them changes.
#[allow(dead_code)]
fn rust_modules(dir: &std::path::Path, skip: &[&str]) -> Vec<String> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".rs")?;
            (!skip.contains(&stem)).then(|| stem.to_string())
        })
        .collect();
    names.sort();
    names
}

/// `#[path = "<dir>/<name>.rs"] <vis> mod <name>;` for each name, to `include!`.
#[allow(dead_code)]
fn module_declarations(dir: &std::path::Path, names: &[String], vis: &str) -> String {
    let mut out = String::new();
    for n in names {
        let path = dir.join(format!("{n}.rs"));
        println!("cargo:rerun-if-changed={}", path.display());
        out.push_str(&format!("#[path = {:?}]\n{vis}mod {n};\n", path.display().to_string()));
    }
    out
}

/// Write `code` to `$OUT_DIR/<file>`.
#[allow(dead_code)]
fn write_out(file: &str, code: &str) {
    let dest = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join(file);
    std::fs::write(&dest, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}
