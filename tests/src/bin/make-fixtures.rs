//! `make-fixtures DIR`: write every committed fixture capture under DIR
//! (`retrace_tests::fixture::all()`: `DIR/basic`, the `retrace diff` pairs `DIR/diff-*`,
//! and one folder per file of `tests/src/fixture/`).
//! Run through `fixtures/make.sh`; the output is deterministic.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: make-fixtures DIR");
        return ExitCode::from(2);
    };
    for fixture in retrace_tests::fixture::all() {
        let dir = root.join(fixture.name);
        match (fixture.write)(&dir) {
            Ok(m) => {
                let rows: u64 = m.tables.values().map(|t| t.rows).sum();
                println!("wrote {} ({rows} rows)", dir.display());
            }
            Err(e) => {
                eprintln!("make-fixtures: {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
