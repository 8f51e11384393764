//! Issue 3 (analyzer): every kind of bad input gives the promised outcome. Errors are
//! one line on stderr naming the file and the problem, exit status 1 (2 for an unknown
//! tool or option), never a panic. A corrupt or foreign segment is skipped with a
//! warning naming it and the rest counted exactly; `--strict` refuses it. An
//! incomplete capture is read with a warning bounding what may be missing.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;

use crate::support::*;

/// Run, expect failure with `code`, one line on stderr; returns the line without "\n".
fn error_line(args: &[&str], code: i32) -> String {
    let (got, err) = fails(args);
    assert_eq!(got, code, "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("retrace: "), "{err}");
    err.trim_end().to_string()
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The middle `block_io` segment of a copy of the fixture, and the rows of the others.
fn damaged_copy() -> (tempfile::TempDir, PathBuf, usize) {
    let cap = copy_capture(&fixture());
    let seg = cap.path().join("block_io/000001.parquet");
    let all = block_io(&fixture()).len();
    let this: usize = read_table_file(&seg).iter().map(|b| b.num_rows()).sum();
    (cap, seg, all - this)
}

fn read_table_file(path: &Path) -> Vec<RecordBatch> {
    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        File::open(path).unwrap(),
    )
    .unwrap()
    .build()
    .unwrap()
    .map(|b| b.unwrap())
    .collect()
}

fn write_parquet(path: &Path, batch: &RecordBatch) {
    let mut w = ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

/// biosnoop's rows (one per request) with the segment skipped, and the warning.
fn analyzed_with_warning(cap: &Path, seg: &Path, problem: &str, expect_rows: usize) {
    let o = retrace(&["biosnoop", &s(cap), "--json"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let warning = format!("retrace: warning: skipping segment {}: {problem}", s(seg));
    assert!(
        err.lines().any(|l| l.starts_with(&warning)),
        "want {warning:?} in:\n{err}"
    );
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), expect_rows);
    // The strict run refuses, naming the segment.
    let line = error_line(&["--strict", "biosnoop", &s(cap)], 1);
    assert!(
        line.starts_with(&format!("retrace: {}: {problem}", s(seg))),
        "{line}"
    );
    assert!(
        line.ends_with("(--strict refuses damaged segments)"),
        "{line}"
    );
    // --strict also works after the subcommand.
    error_line(&["biosnoop", &s(cap), "--strict"], 1);
}

#[test]
fn path_that_is_not_a_capture() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    assert_eq!(
        error_line(&["info", &s(&missing)], 1),
        format!("retrace: {}: no such capture folder", s(&missing))
    );
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    assert_eq!(
        error_line(&["biolatency", &s(&file)], 1),
        format!("retrace: {}: not a capture (not a folder)", s(&file))
    );
}

#[test]
fn empty_directory() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        error_line(&["execsnoop", &s(tmp.path())], 1),
        format!(
            "retrace: {}: not a capture (an empty folder, no manifest.json)",
            s(tmp.path())
        )
    );
}

#[test]
fn missing_manifest() {
    let cap = copy_capture(&fixture());
    std::fs::remove_file(cap.path().join("manifest.json")).unwrap();
    assert_eq!(
        error_line(&["sql", &s(cap.path()), "SELECT 1"], 1),
        format!(
            "retrace: {}: not a capture (no manifest.json)",
            s(cap.path())
        )
    );
}

#[test]
fn malformed_manifest() {
    let cap = copy_capture(&fixture());
    let manifest = cap.path().join("manifest.json");
    std::fs::write(&manifest, "{ not json").unwrap();
    assert_eq!(
        error_line(&["info", &s(cap.path())], 1),
        format!(
            "retrace: {}: malformed manifest: key must be a string at line 1 column 3",
            s(&manifest)
        )
    );
    std::fs::write(&manifest, r#"{"format_version": 1}"#).unwrap();
    assert_eq!(
        error_line(&["biolatency", &s(cap.path())], 1),
        format!(
            "retrace: {}: malformed manifest: missing field `retrace_version`",
            s(&manifest)
        )
    );
}

#[test]
fn manifest_of_a_newer_format() {
    let cap = copy_capture(&fixture());
    edit_manifest(cap.path(), |m| m["format_version"] = 999.into());
    assert_eq!(
        error_line(&["biolatency", &s(cap.path())], 1),
        format!(
            "retrace: {}: capture format version 999 is newer than this retrace understands (1); upgrade retrace",
            s(&cap.path().join("manifest.json"))
        )
    );
}

#[test]
fn truncated_segment_is_skipped() {
    let (cap, seg, rest) = damaged_copy();
    let bytes = std::fs::read(&seg).unwrap();
    std::fs::write(&seg, &bytes[..bytes.len() / 2]).unwrap();
    analyzed_with_warning(
        cap.path(),
        &seg,
        "truncated or corrupt segment (not a readable Parquet file: Invalid Parquet file. Corrupt footer)",
        rest,
    );
    // The manifest's row count shows what is missing.
    let o = retrace(&["biosnoop", &s(cap.path())]);
    assert!(stderr(&o).contains(&format!(
        "retrace: warning: table block_io: the manifest lists {} rows in 3 segments, the readable segments hold {rest} in 2; {} rows are missing from every result",
        block_io(&fixture()).len(),
        block_io(&fixture()).len() - rest
    )));
}

#[test]
fn empty_segment_is_skipped() {
    let (cap, seg, rest) = damaged_copy();
    std::fs::write(&seg, b"").unwrap();
    analyzed_with_warning(cap.path(), &seg, "truncated segment (empty file)", rest);
}

#[test]
fn corrupt_footer_is_skipped() {
    let (cap, seg, rest) = damaged_copy();
    let mut bytes = std::fs::read(&seg).unwrap();
    let n = bytes.len();
    for b in &mut bytes[n - 300..n - 8] {
        *b ^= 0xa5;
    }
    std::fs::write(&seg, &bytes).unwrap();
    analyzed_with_warning(cap.path(), &seg, "truncated or corrupt segment (", rest);
}

#[test]
fn corrupt_data_pages_are_found_when_a_query_fails() {
    // The footer is whole, so opening passes; reading the pages fails, and the
    // segment is then found by decoding every segment, and skipped.
    let (cap, seg, rest) = damaged_copy();
    let mut bytes = std::fs::read(&seg).unwrap();
    for i in (1000..1300).step_by(3) {
        bytes[i] ^= 0xff;
    }
    std::fs::write(&seg, &bytes).unwrap();
    let o = retrace(&["biosnoop", &s(cap.path()), "--json"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), rest);
    assert!(
        err.contains(&format!(
            "retrace: warning: skipping segment {} (462 rows): corrupt segment (its data cannot be decoded: ",
            s(&seg)
        )),
        "{err}"
    );
    let line = error_line(&["--strict", "biosnoop", &s(cap.path())], 1);
    assert!(
        line.starts_with(&format!(
            "retrace: {}: corrupt segment (its data cannot be decoded",
            s(&seg)
        )),
        "{line}"
    );
}

#[test]
fn foreign_parquet_file_in_a_table_folder_is_skipped() {
    let cap = copy_capture(&fixture());
    let seg = cap.path().join("block_io/000009.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("city", DataType::Utf8, false),
        Field::new("population", DataType::Int64, false),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from(vec!["Lyon"])) as ArrayRef,
            Arc::new(Int64Array::from(vec![522_000])),
        ],
    )
    .unwrap();
    write_parquet(&seg, &batch);
    analyzed_with_warning(
        cap.path(),
        &seg,
        "foreign schema: no column `ts_insert_ns` of table block_io (the file has: city, population)",
        block_io(&fixture()).len(),
    );
}

#[test]
fn column_of_the_wrong_type_is_skipped() {
    let (cap, seg, rest) = damaged_copy();
    let batches = read_table_file(&seg);
    let b = &batches[0];
    let idx = b.schema().index_of("pid").unwrap();
    let mut fields: Vec<Field> = b
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields[idx] = Field::new("pid", DataType::Int64, false);
    let mut cols = b.columns().to_vec();
    cols[idx] = cast(&cols[idx], &DataType::Int64).unwrap();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap();
    write_parquet(&seg, &batch);
    analyzed_with_warning(
        cap.path(),
        &seg,
        "foreign schema: column `pid` is Int64, table block_io needs UInt32",
        rest,
    );
}

#[test]
fn segment_written_before_a_column_existed_reads_it_as_null() {
    // An older recorder's segment lacks a column the table gained since: the
    // segment is read, the column is null in its rows, and the capture says so.
    let (cap, seg, rest) = damaged_copy();
    let mut b = read_table_file(&seg).remove(0);
    b.remove_column(b.schema().index_of("comm").unwrap());
    write_parquet(&seg, &b);
    let q = "SELECT count(*) AS n, count(comm) AS named FROM block_io";
    let o = retrace(&["sql", &s(cap.path()), q, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows[0]["n"], (rest + b.num_rows()) as u64, "its rows are read");
    assert_eq!(rows[0]["named"], rest as u64, "the older segment's rows have no comm");
    assert!(
        stderr(&o).contains("were written before column(s) comm existed; they read as null"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn compatible_segment_with_extra_columns_is_read() {
    // A segment with one more column than its table (a newer writer) is read, and
    // the extra column ignored.
    let (cap, seg, _) = damaged_copy();
    let b = read_table_file(&seg).remove(0);
    let mut fields: Vec<Field> = b
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.push(Field::new("new_column", DataType::Int64, true));
    let mut cols = b.columns().to_vec();
    cols.push(Arc::new(Int64Array::from(vec![7; b.num_rows()])));
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap();
    write_parquet(&seg, &batch);
    let o = retrace(&["--strict", "biosnoop", &s(cap.path()), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), block_io(&fixture()).len());
}

#[test]
fn deleted_segment_is_reported_against_the_manifest() {
    let (cap, seg, rest) = damaged_copy();
    std::fs::remove_file(&seg).unwrap();
    let all = block_io(&fixture()).len();
    let o = retrace(&["biosnoop", &s(cap.path()), "--json"]);
    assert!(o.status.success());
    assert_eq!(
        stderr(&o).lines().next().unwrap(),
        format!("retrace: warning: table block_io: the manifest lists {all} rows in 3 segments, the readable segments hold {rest} in 2; {} rows are missing from every result", all - rest)
    );
    let line = error_line(&["--strict", "biosnoop", &s(cap.path())], 1);
    assert!(
        line.starts_with(&format!(
            "retrace: {}: table block_io:",
            s(&cap.path().join("block_io"))
        )),
        "{line}"
    );
}

#[test]
fn table_needed_by_a_tool_is_missing() {
    let cap = copy_capture(&fixture());
    edit_manifest(cap.path(), |m| {
        m["sources"]
            .as_array_mut()
            .unwrap()
            .retain(|s| s["name"] != "proc");
    });
    assert_eq!(
        error_line(&["execsnoop", &s(cap.path())], 1),
        "retrace: execsnoop cannot run: this capture was recorded without source `proc` (record with --sources proc)"
    );
}

#[test]
fn unknown_tool_or_option() {
    let fx = s(&fixture());
    assert_eq!(
        error_line(&["zzqqxv", &fx], 2),
        "retrace: unknown tool or command 'zzqqxv'; see `retrace tools` or `retrace --help`"
    );
    assert_eq!(
        error_line(&["biolatency", &fx, "--no-such-option"], 2),
        "retrace: unexpected argument '--no-such-option' found (to pass '--no-such-option' as a value, use '-- --no-such-option'); see `retrace biolatency --help`"
    );
}

#[test]
fn invalid_sql() {
    let line = error_line(&["sql", &s(&fixture()), "SELEKT 1"], 1);
    assert!(
        line.starts_with("retrace: SQL error: ParserError("),
        "{line}"
    );
    assert_eq!(
        error_line(&["sql", &s(&fixture()), "SELECT * FROM nosuch"], 1),
        "retrace: Error during planning: table 'datafusion.public.nosuch' not found"
    );
}

#[test]
fn ddl_dml_and_copy_are_refused() {
    for (q, what) in [
        ("CREATE TABLE t AS SELECT 1", "DDL"),
        ("INSERT INTO block_io SELECT * FROM block_io", "DML"),
        ("COPY block_io TO '/tmp/retrace-bad-input-copy.csv'", "DML"),
    ] {
        let line = error_line(&["sql", &s(&fixture()), q], 1);
        assert!(
            line.contains(&format!("{what} not supported")),
            "{q}: {line}"
        );
    }
    assert!(!Path::new("/tmp/retrace-bad-input-copy.csv").exists());
}

#[test]
fn time_window_outside_the_capture() {
    let fx = s(&fixture());
    assert_eq!(
        error_line(&["biolatency", &fx, "--since", "1h"], 1),
        "retrace: --since 1h is after the end of the capture (it spans 0s..20s)"
    );
    assert_eq!(
        error_line(&["execsnoop", &fx, "--until", "2020-01-01T00:00:00Z"], 1),
        "retrace: --until 2020-01-01T00:00:00Z is before the start of the capture (it spans 0s..20s)"
    );
}

#[test]
fn incomplete_capture_is_read_with_a_warning() {
    // What a SIGKILL leaves: complete false, clock_end at the last rotation (12 s).
    let cap = copy_capture(&fixture());
    edit_manifest(cap.path(), |m| {
        m["complete"] = false.into();
        m["clock_end"]["monotonic_ns"] = (START_NS + 12_000_000_000).into();
        m["command_line"] = serde_json::json!(["retrace-record", "--segment", "5s", "-o", "cap"]);
        m.as_object_mut().unwrap().remove("ended_by");
    });
    let o = retrace(&["biosnoop", &s(cap.path()), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).lines().next().unwrap(),
        format!(
            "retrace: warning: capture {} is incomplete (the recorder was killed, or is still recording): events after 12s (its last segment rotation) may be missing, at most one segment per table (--segment 5s)",
            s(cap.path())
        )
    );
    // Rows are read up to the manifest's end.
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let before = block_io(&fixture())
        .iter()
        .filter(|b| b.complete < START_NS + 12_000_000_000)
        .count();
    assert_eq!(rows.as_array().unwrap().len(), before);
}

/// Run retrace, killed after 20 s: a hostile capture must never make it block.
/// Its output goes to files, so that a full pipe cannot block it either.
fn retrace_bounded(args: &[&str]) -> std::process::Output {
    use std::os::unix::process::ExitStatusExt;
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_retrace"))
        .args(args)
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("retrace {args:?} blocked for 20 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let read = |mut f: std::fs::File| {
        use std::io::{Read, Seek};
        let mut v = Vec::new();
        f.rewind().unwrap();
        f.read_to_end(&mut v).unwrap();
        v
    };
    std::process::Output {
        status: std::process::ExitStatus::from_raw(status.into_raw()),
        stdout: read(out),
        stderr: read(err),
    }
}

#[test]
fn a_fifo_segment_is_skipped_not_waited_on() {
    let cap = copy_capture(&fixture());
    let fifo = cap.path().join("block_io/000009.parquet");
    let c = std::ffi::CString::new(s(&fifo)).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let o = retrace_bounded(&["biosnoop", &s(cap.path()), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = format!(
        "retrace: warning: skipping segment {}: not a regular file (a FIFO), not read",
        s(&fifo)
    );
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), block_io(&fixture()).len());
    let o = retrace_bounded(&["--strict", "biosnoop", &s(cap.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn links_out_of_the_capture_are_not_followed() {
    // A segment that is a link to a file outside the capture.
    let cap = copy_capture(&fixture());
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("secret.parquet");
    std::fs::copy(cap.path().join("block_io/000001.parquet"), &target).unwrap();
    let link = cap.path().join("block_io/000009.parquet");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = retrace_bounded(&["biosnoop", &s(cap.path()), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = format!(
        "retrace: warning: skipping segment {}: not a regular file (a symbolic link), not read",
        s(&link)
    );
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), block_io(&fixture()).len(), "the link's rows are not read");

    // A table folder that is a link: none of it is read.
    let cap = copy_capture(&fixture());
    let moved = outside.path().join("block_io");
    std::fs::rename(cap.path().join("block_io"), &moved).unwrap();
    std::os::unix::fs::symlink(&moved, cap.path().join("block_io")).unwrap();
    let o = retrace_bounded(&["biosnoop", &s(cap.path()), "--json"]);
    let err = stderr(&o);
    assert!(
        err.contains("skipping table folder") && err.contains("not a table folder (a symbolic link)"),
        "{err}"
    );
    // An undeclared folder reached through a link is not read as a table either.
    let cap = copy_capture(&fixture());
    std::os::unix::fs::symlink(&moved, cap.path().join("extra_table")).unwrap();
    let o = retrace_bounded(&["sql", &s(cap.path()), "SELECT count(*) AS n FROM extra_table"]);
    assert!(!o.status.success(), "{}", stdout(&o));
}

#[test]
fn a_manifest_must_be_a_bounded_regular_file_naming_plain_tables() {
    // A table named to lead out of the capture.
    let cap = copy_capture(&fixture());
    edit_manifest(cap.path(), |m| {
        let t = m["tables"]["block_io"].clone();
        m["tables"]["../../etc"] = t;
    });
    let o = retrace_bounded(&["info", &s(cap.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("names a table \"../../etc\", which is not a table name"), "{}", stderr(&o));
    // A FIFO in place of the manifest: an error, not a wait.
    let cap = copy_capture(&fixture());
    let manifest = cap.path().join("manifest.json");
    std::fs::remove_file(&manifest).unwrap();
    let c = std::ffi::CString::new(s(&manifest)).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let o = retrace_bounded(&["info", &s(cap.path())]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("manifest.json is not a regular file (a FIFO)"), "{}", stderr(&o));
    // A manifest far larger than any recorder writes.
    let cap = copy_capture(&fixture());
    let f = std::fs::File::create(cap.path().join("manifest.json")).unwrap();
    f.set_len(17 << 20).unwrap();
    let o = retrace_bounded(&["info", &s(cap.path())]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("more than a manifest can be"), "{}", stderr(&o));
}
