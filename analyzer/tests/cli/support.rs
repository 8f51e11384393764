//! Helpers: run the binary, parse its JSON, read a capture's Parquet rows directly
//! (without the analyzer), copy and edit captures.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Int32Type, UInt32Type, UInt64Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

/// The committed `basic` fixture capture.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/basic")
}

/// The committed captures tools run on: `basic` first, then every other fixture
/// folder by name (the `diff-*` pairs, made for `retrace diff`, are left out). A new
/// chapter's fixture is found here without a list to extend.
pub fn tool_fixtures() -> Vec<PathBuf> {
    let dir = fixture().join("..");
    let mut others: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/")
        .map(|e| e.expect("fixtures/ entry").path())
        .filter(|p| p.join("manifest.json").is_file())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name != "basic" && !name.starts_with("diff-")
        })
        .collect();
    others.sort();
    std::iter::once(fixture()).chain(others).collect()
}

/// Recording start of the fixture (CLOCK_MONOTONIC ns), from its manifest.
pub const START_NS: u64 = 1_000_000_000_000;

/// Run `retrace ARGS` with TZ=UTC (so wall-clock output is stable).
pub fn retrace<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_retrace"))
        .args(args)
        .env("TZ", "UTC")
        .output()
        .expect("run retrace")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run and expect success; returns stdout.
pub fn ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let o = retrace(args);
    assert!(
        o.status.success(),
        "retrace {:?} failed: {}",
        args.iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
        stderr(&o)
    );
    stdout(&o)
}

/// Run with `--json` appended and parse the array of row objects.
pub fn json_rows(args: &[&str]) -> Vec<serde_json::Map<String, Value>> {
    let mut all: Vec<&str> = args.to_vec();
    all.push("--json");
    let text = ok(&all);
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON ({e}): {text}"));
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|r| r.as_object().expect("row objects").clone())
        .collect()
}

/// Run and expect failure; returns (exit code, stderr).
pub fn fails<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (i32, String) {
    let o = retrace(args);
    assert!(!o.status.success(), "expected failure, got: {}", stdout(&o));
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "panic: {err}");
    (o.status.code().unwrap_or(-1), err)
}

pub fn num(row: &serde_json::Map<String, Value>, key: &str) -> i64 {
    row.get(key)
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("{key} is not an integer in {row:?}"))
}

pub fn text(row: &serde_json::Map<String, Value>, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{key} is not a string in {row:?}"))
        .to_string()
}

/// Every record batch of a table's closed segments, read with parquet's own reader.
pub fn read_table(capture: &Path, table: &str) -> Vec<RecordBatch> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(capture.join(table))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        name.ends_with(".parquet") && !name.starts_with('.')
    });
    files.sort();
    let mut batches = Vec::new();
    for f in files {
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&f).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for b in reader {
            batches.push(b.unwrap());
        }
    }
    batches
}

fn col_u64(b: &RecordBatch, name: &str) -> Vec<Option<u64>> {
    let c = b.column_by_name(name).unwrap().as_primitive::<UInt64Type>();
    (0..c.len())
        .map(|i| (!c.is_null(i)).then(|| c.value(i)))
        .collect()
}
fn col_u32(b: &RecordBatch, name: &str) -> Vec<u32> {
    b.column_by_name(name)
        .unwrap()
        .as_primitive::<UInt32Type>()
        .values()
        .to_vec()
}
fn col_i32(b: &RecordBatch, name: &str) -> Vec<i32> {
    b.column_by_name(name)
        .unwrap()
        .as_primitive::<Int32Type>()
        .values()
        .to_vec()
}
fn col_str(b: &RecordBatch, name: &str) -> Vec<String> {
    let c = b.column_by_name(name).unwrap().as_string::<i32>();
    c.iter()
        .map(|s| s.unwrap_or_default().to_string())
        .collect()
}
fn col_bool(b: &RecordBatch, name: &str) -> Vec<bool> {
    let c = b.column_by_name(name).unwrap().as_boolean();
    (0..c.len()).map(|i| c.value(i)).collect()
}

/// A table's rows with every column as text (nulls as ""), in file order: for
/// checks that need a few columns of tables without a typed reader here.
pub fn text_rows(capture: &Path, table: &str) -> Vec<BTreeMap<String, String>> {
    let mut out = Vec::new();
    for b in read_table(capture, table) {
        let cols: Vec<(String, arrow::array::ArrayRef)> = b
            .schema()
            .fields()
            .iter()
            .zip(b.columns())
            .map(|(f, c)| {
                let text = arrow::compute::cast(c, &arrow::datatypes::DataType::Utf8).unwrap();
                (f.name().clone(), text)
            })
            .collect();
        for i in 0..b.num_rows() {
            out.push(
                cols.iter()
                    .map(|(n, c)| {
                        let s = c.as_string::<i32>();
                        let v = if s.is_null(i) { "" } else { s.value(i) };
                        (n.clone(), v.to_string())
                    })
                    .collect(),
            );
        }
    }
    assert!(!out.is_empty(), "{table} has rows in {}", capture.display());
    out
}

/// One row of `block_io`.
#[derive(Debug, Clone)]
pub struct Bio {
    pub insert: Option<u64>,
    pub issue: u64,
    pub complete: u64,
    pub major: u32,
    pub minor: u32,
    pub disk: String,
    pub sector: u64,
    pub bytes: u32,
    pub rwbs: String,
    pub pid: u32,
    pub comm: String,
    pub error: i32,
}

pub fn block_io(capture: &Path) -> Vec<Bio> {
    let mut out = Vec::new();
    for b in read_table(capture, "block_io") {
        let insert = col_u64(&b, "ts_insert_ns");
        let issue = col_u64(&b, "ts_issue_ns");
        let complete = col_u64(&b, "ts_complete_ns");
        let major = col_u32(&b, "dev_major");
        let minor = col_u32(&b, "dev_minor");
        let disk = col_str(&b, "disk");
        let sector = col_u64(&b, "sector");
        let bytes = col_u32(&b, "bytes");
        let rwbs = col_str(&b, "rwbs");
        let pid = col_u32(&b, "pid");
        let comm = col_str(&b, "comm");
        let error = col_i32(&b, "error");
        for i in 0..b.num_rows() {
            out.push(Bio {
                insert: insert[i],
                issue: issue[i].unwrap(),
                complete: complete[i].unwrap(),
                major: major[i],
                minor: minor[i],
                disk: disk[i].clone(),
                sector: sector[i].unwrap(),
                bytes: bytes[i],
                rwbs: rwbs[i].clone(),
                pid: pid[i],
                comm: comm[i].clone(),
                error: error[i],
            });
        }
    }
    out
}

/// One row of `process_exec`.
#[derive(Debug, Clone)]
pub struct Exec {
    pub ts: u64,
    pub pid: u32,
    pub ppid: u32,
    pub uid: u32,
    pub comm: String,
    pub args: Vec<String>,
    pub truncated: bool,
    pub ret: i32,
}

pub fn process_exec(capture: &Path) -> Vec<Exec> {
    let mut out = Vec::new();
    for b in read_table(capture, "process_exec") {
        let ts = col_u64(&b, "ts_ns");
        let pid = col_u32(&b, "pid");
        let ppid = col_u32(&b, "ppid");
        let uid = col_u32(&b, "uid");
        let comm = col_str(&b, "comm");
        let truncated = col_bool(&b, "args_truncated");
        let ret = col_i32(&b, "ret");
        let args = b.column_by_name("args").unwrap().as_list::<i32>().clone();
        for i in 0..b.num_rows() {
            let a = args.value(i);
            let a = a.as_string::<i32>();
            out.push(Exec {
                ts: ts[i].unwrap(),
                pid: pid[i],
                ppid: ppid[i],
                uid: uid[i],
                comm: comm[i].clone(),
                args: a.iter().map(|s| s.unwrap().to_string()).collect(),
                truncated: truncated[i],
                ret: ret[i],
            });
        }
    }
    out
}

/// One row of `process_exit`.
#[derive(Debug, Clone)]
pub struct Exit {
    pub ts: u64,
    pub start: u64,
    pub pid: u32,
    pub tid: u32,
    pub ppid: u32,
    pub comm: String,
    pub code: i32,
    pub signal: i32,
}

pub fn process_exit(capture: &Path) -> Vec<Exit> {
    let mut out = Vec::new();
    for b in read_table(capture, "process_exit") {
        let ts = col_u64(&b, "ts_ns");
        let start = col_u64(&b, "start_ns");
        let pid = col_u32(&b, "pid");
        let tid = col_u32(&b, "tid");
        let ppid = col_u32(&b, "ppid");
        let comm = col_str(&b, "comm");
        let code = col_i32(&b, "exit_code");
        let signal = col_i32(&b, "signal");
        for i in 0..b.num_rows() {
            out.push(Exit {
                ts: ts[i].unwrap(),
                start: start[i].unwrap(),
                pid: pid[i],
                tid: tid[i],
                ppid: ppid[i],
                comm: comm[i].clone(),
                code: code[i],
                signal: signal[i],
            });
        }
    }
    out
}

/// floor(log2 v), 0 for v <= 1, computed the slow, obvious way.
pub fn slot(v: u64) -> u64 {
    let mut s = 0;
    while v >> (s + 1) > 0 {
        s += 1;
    }
    s
}

/// Counts per key, for comparisons.
pub fn tally<K: Ord>(keys: impl IntoIterator<Item = K>) -> BTreeMap<K, i64> {
    let mut m = BTreeMap::new();
    for k in keys {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

/// A copy of a capture in a temporary folder, to edit.
pub fn copy_capture(src: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(src, tmp.path());
    tmp
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Edit a capture's manifest as JSON.
pub fn edit_manifest(dir: &Path, edit: impl FnOnce(&mut Value)) {
    let path = dir.join("manifest.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// Check text outputs against their committed snapshots, `tests/cli/snapshots/NAME.snap`
/// (insta's format: a short header, then the text exactly), every case before failing
/// so that one run lists all that changed.
///
/// To review changes: `cargo insta review` (from `cargo install cargo-insta`) after a
/// failing run, which leaves `NAME.snap.new` files; to accept every new output at once:
/// `INSTA_UPDATE=always cargo test -p retrace --test cli snapshot`.
pub fn assert_snapshots<'a>(cases: impl IntoIterator<Item = (&'a str, String)>) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let mut stale = Vec::new();
    for (name, out) in cases {
        // insta ignores a difference in trailing newlines; the outputs must not.
        assert!(
            out.is_empty() || out.ends_with('\n'),
            "{name}: no final newline"
        );
        let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name, out));
        }));
        if checked.is_err() {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "outputs differ from tests/cli/snapshots: {stale:?} (see above; cargo insta review)"
    );
}
