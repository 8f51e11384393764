//! The native tools (analyzer/src/native: runqlat, cpudist, runqslower, biolatency,
//! bitesize, biotop) must return exactly
//! the rows of their SQL: each is run both ways (RETRACE_NATIVE=1 makes a native
//! failure an error instead of a fallback, RETRACE_NATIVE=0 runs the SQL) over the
//! same options, in text, CSV and JSON.

use std::fs::File;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use arrow::array::{RecordBatch, UInt32Array};
use arrow::compute::{concat_batches, take_record_batch};
use parquet::arrow::ArrowWriter;

use crate::support::{copy_capture, fixture, read_table};

fn run(native: &str, args: &[&str]) -> (bool, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_retrace"))
        .args(args)
        .env("TZ", "UTC")
        .env("RETRACE_NATIVE", native)
        .output()
        .expect("run retrace");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Options of the block tools, each run in every output format.
const BLOCK_CASES: &[&[&str]] = &[
    &["biolatency"],
    &["biolatency", "-D"],
    &["biolatency", "-F"],
    &["biolatency", "-Q", "-D", "-F", "-m"],
    &["biolatency", "--interval", "1"],
    &["biolatency", "-d", "vda"],
    &["biolatency", "-d", "nosuch"],
    &["bitesize"],
    &["bitesize", "-c", "dd"],
    &["bitesize", "-d", "vda"],
    &["bitesize", "--interval", "1", "--since", "1"],
    &["biotop"],
    &["biotop", "-r", "3"],
    &["biotop", "--interval", "1"],
    &["biotop", "--since", "1", "-r", "1"],
];

/// Options of the scheduler tools, each run in every output format.
const CASES: &[&[&str]] = &[
    &["runqlat"],
    &["runqlat", "-m"],
    &["runqlat", "-P"],
    &["runqlat", "-L", "-p", "2000"],
    &["runqlat", "--interval", "1"],
    &["runqlat", "--since", "1", "--until", "3", "-L"],
    &["runqlat", "-p", "999999"],
    &["cpudist"],
    &["cpudist", "-O"],
    &["cpudist", "-P", "--since", "0.5"],
    &["cpudist", "-L", "-O", "--interval", "2"],
    &["cpudist", "-O", "-p", "1000"],
    &["runqslower", "0"],
    &["runqslower", "100", "-p", "2000"],
    &["runqslower", "0", "-t", "2001"],
    &["runqslower", "0", "-P", "--since", "1"],
    &["runqslower"],
];

/// `capture` gives, natively, what `expected` gives through the SQL.
fn assert_native_matches(capture: &Path, expected: &Path, cases: &[&[&str]], min_nonempty: usize) {
    let (cap, exp) = (
        capture.to_string_lossy().into_owned(),
        expected.to_string_lossy().into_owned(),
    );
    let mut nonempty = 0;
    for case in cases {
        for format in [None, Some("--csv"), Some("--json")] {
            let with = |c: &str| {
                let mut a: Vec<&str> = vec![case[0], c];
                a.extend(&case[1..]);
                a.extend(format);
                a.into_iter().map(str::to_string).collect::<Vec<_>>()
            };
            let (a, b) = (with(&cap), with(&exp));
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let b: Vec<&str> = b.iter().map(String::as_str).collect();
            let native = run("1", &a);
            let sql = run("0", &b);
            assert!(
                native.0 && sql.0,
                "{case:?} {format:?}: {} / {}",
                native.2,
                sql.2
            );
            assert_eq!(native.1, sql.1, "{case:?} {format:?}: stdout differs");
            assert_eq!(
                native.2.replace(&cap, &exp),
                sql.2,
                "{case:?} {format:?}: stderr differs"
            );
            if native.1.len() > 200 {
                nonempty += 1;
            }
        }
    }
    // Most cases have rows: the comparison is not between two empty outputs.
    assert!(nonempty >= min_nonempty, "only {nonempty} outputs had rows");
}

#[test]
fn native_sched_tools_return_exactly_the_rows_of_their_sql() {
    let cpu = fixture().join("../cpu");
    assert_native_matches(&cpu, &cpu, CASES, 40);
}

#[test]
fn native_block_tools_return_exactly_the_rows_of_their_sql() {
    assert_native_matches(&fixture(), &fixture(), BLOCK_CASES, 20);
}

/// Rewrite a table of a copied capture with its rows in reverse order.
pub fn reverse_table(capture: &Path, table: &str) {
    let batches = read_table(capture, table);
    let schema = batches[0].schema();
    let all = concat_batches(&schema, &batches).unwrap();
    let n = all.num_rows() as u32;
    let reversed: RecordBatch =
        take_record_batch(&all, &UInt32Array::from_iter_values((0..n).rev())).unwrap();
    let dir = capture.join(table);
    for e in std::fs::read_dir(&dir).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    let mut w = ArrowWriter::try_new(
        File::create(dir.join("000000.parquet")).unwrap(),
        Arc::clone(&schema),
        None,
    )
    .unwrap();
    w.write(&reversed).unwrap();
    w.close().unwrap();
}

#[test]
fn native_sched_tools_sort_events_that_were_not_written_in_time_order() {
    let cpu = fixture().join("../cpu");
    let tmp = copy_capture(&cpu);
    reverse_table(tmp.path(), "sched_switch");
    reverse_table(tmp.path(), "sched_wakeup");
    assert_native_matches(tmp.path(), &cpu, CASES, 40);
}
