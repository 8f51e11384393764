//! `make-fixtures DIR`: write the committed fixture captures under DIR (`DIR/basic`,
//! the `retrace diff` pairs `DIR/diff-*`, the stack tools' `DIR/stacks`, `DIR/cpu` and
//! `DIR/signals`).
//! Run through `fixtures/make.sh`; the output is deterministic.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: make-fixtures DIR");
        return ExitCode::from(2);
    };
    let dir = root.join("basic");
    let mut results = vec![(dir.clone(), retrace_tests::fixture::write_basic(&dir))];
    for (name, workload) in retrace_tests::fixture::diff::PAIRS {
        let dir = root.join(name);
        results.push((
            dir.clone(),
            retrace_tests::fixture::diff::write(&dir, workload),
        ));
    }
    let dir = root.join("stacks");
    results.push((dir.clone(), retrace_tests::fixture::stacks::write(&dir)));
    let dir = root.join("signals");
    results.push((dir.clone(), retrace_tests::fixture::signals::write(&dir)));
    let dir = root.join("cpu");
    results.push((dir.clone(), retrace_tests::fixture::cpu::write(&dir)));
    for (dir, result) in results {
        match result {
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
