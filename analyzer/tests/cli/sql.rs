//! `retrace sql`: queries over every table, output formats, parameters, and refusal of
//! anything that is not a read.

use crate::support::*;

fn fx() -> String {
    fixture().to_string_lossy().into_owned()
}

#[test]
fn select_sees_every_segment_of_every_table() {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture().join("manifest.json")).unwrap())
            .unwrap();
    for table in [
        "block_io",
        "process_exec",
        "process_fork",
        "process_exit",
        "process_snapshot",
    ] {
        let rows = json_rows(&["sql", &fx(), &format!("SELECT count(*) AS n FROM {table}")]);
        assert_eq!(
            num(&rows[0], "n"),
            manifest["tables"][table]["rows"].as_i64().unwrap(),
            "{table}"
        );
    }
}

#[test]
fn output_formats() {
    let q = "SELECT disk, count(*) AS n FROM block_io GROUP BY disk ORDER BY disk";
    let csv = ok(&["sql", &fx(), q, "--csv"]);
    assert!(csv.starts_with("disk,n\nnvme0n1,"), "{csv}");
    let table = ok(&["sql", &fx(), q]);
    assert!(table.contains("| disk    | n   |"), "{table}");
    let empty = ok(&[
        "sql",
        &fx(),
        "SELECT pid FROM block_io WHERE pid = 999999",
        "--csv",
    ]);
    assert_eq!(empty, "pid\n");
    assert_eq!(
        ok(&[
            "sql",
            &fx(),
            "SELECT pid FROM block_io WHERE pid = 999999",
            "--json"
        ])
        .trim(),
        "[]"
    );
}

#[test]
fn ddl_dml_copy_and_set_are_refused() {
    for q in [
        "CREATE TABLE t AS SELECT 1",
        "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '/etc/passwd'",
        "INSERT INTO block_io SELECT * FROM block_io",
        "COPY block_io TO '/tmp/retrace-copy-test.csv'",
        "DROP TABLE block_io",
        "SET datafusion.execution.batch_size = 1",
        "CREATE VIEW v AS SELECT 1",
    ] {
        let (code, err) = fails(&["sql", &fx(), q]);
        assert_eq!(code, 1, "{q}");
        assert_eq!(err.lines().count(), 1, "one line for {q}: {err}");
        assert!(err.starts_with("retrace: "), "{err}");
        assert!(err.contains("not supported"), "{q}: {err}");
    }
    assert!(!std::path::Path::new("/tmp/retrace-copy-test.csv").exists());
}

#[test]
fn tool_queries_run_through_sql_with_params() {
    // The query file of a tool, with its own parameters bound by --param, gives the
    // tool's JSON.
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../queries/biolatency.sql");
    let via_sql = json_rows(&[
        "sql",
        &fx(),
        "--file",
        file,
        "--param",
        "unit_ns=1000",
        "--param",
        "queued=false",
        "--param",
        "per_disk=true",
        "--param",
        "per_flag=false",
        "--param",
        "disk=",
    ]);
    let via_tool = json_rows(&["biolatency", &fx(), "-D"]);
    assert_eq!(via_sql, via_tool);
    // --show-sql prints the query and the parameters.
    let shown = ok(&["biolatency", &fx(), "-D", "--show-sql"]);
    assert!(shown.contains("--param 'per_disk=true'"), "{shown}");
    assert!(shown.contains("log2_bucket("));
}

#[test]
fn missing_parameter_is_a_clear_error() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../queries/biolatency.sql");
    let (_, err) = fails(&["sql", &fx(), "--file", file]);
    assert!(err.contains("has no value (bind it with --param "), "{err}");
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn functions_are_available() {
    let rows = json_rows(&[
        "sql",
        &fx(),
        "SELECT log2_bucket(CAST(4096 AS BIGINT)) AS a, bio_flags('WS') AS b, errno_name(-5) AS c",
    ]);
    assert_eq!(num(&rows[0], "a"), 12);
    assert_eq!(text(&rows[0], "b"), "Sync-Write");
    assert_eq!(text(&rows[0], "c"), "EIO");
}

/// Issue 4: several captures are one dataset with `capture` and `host` columns.
#[test]
fn several_captures_are_one_dataset() {
    let rows = json_rows(&[
        "sql",
        &fx(),
        &fx(),
        "--name",
        "a",
        "--name",
        "b",
        "SELECT capture, host, count(*) AS n FROM block_io GROUP BY capture, host ORDER BY capture",
    ]);
    let n = block_io(&fixture()).len() as i64;
    assert_eq!(rows.len(), 2);
    for (row, name) in rows.iter().zip(["a", "b"]) {
        assert_eq!(text(row, "capture"), name);
        assert_eq!(text(row, "host"), "fixture-host");
        assert_eq!(num(row, "n"), n);
    }
    let (_, err) = fails(&["sql", &fx(), &fx(), "SELECT 1"]);
    assert!(err.contains("tell them apart with --name"), "{err}");
    let (_, err) = fails(&["sql", &fx(), &fx(), "--since", "1s", "SELECT 1"]);
    assert!(err.contains("need a single capture"), "{err}");
}

/// A tool's query runs over several captures as over one.
#[test]
fn a_tool_query_runs_over_several_captures() {
    let q = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../queries/bitesize.sql");
    let (a, b) = (fixture(), fixture());
    let rows = json_rows(&[
        "sql",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--name",
        "x",
        "--name",
        "y",
        "-f",
        q.to_str().unwrap(),
        "--param",
        "comm=",
        "--param",
        "disk=",
    ]);
    let total: i64 = rows.iter().map(|r| num(r, "count")).sum();
    assert_eq!(total, 2 * block_io(&fixture()).len() as i64);
}
