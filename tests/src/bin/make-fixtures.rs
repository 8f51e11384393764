//! `make-fixtures DIR`: write the committed fixture captures under DIR (`DIR/basic`).
//! Run through `fixtures/make.sh`; the output is deterministic.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: make-fixtures DIR");
        return ExitCode::from(2);
    };
    let dir = root.join("basic");
    match retrace_tests::fixture::write_basic(&dir) {
        Ok(m) => {
            let rows: u64 = m.tables.values().map(|t| t.rows).sum();
            println!("wrote {} ({rows} rows)", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("make-fixtures: {e}");
            ExitCode::FAILURE
        }
    }
}
