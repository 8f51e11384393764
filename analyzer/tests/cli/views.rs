//! The derived views of `queries/views/` (runq_wait, thread_switch, oncpu_run,
//! offcpu_run, irq_run, block_io_seq): registered in every session, each column
//! documented in its file, the same over several captures as over each, and, for the
//! scheduler views, the same rows as the native code that the tools use computes.

use std::path::{Path, PathBuf};

use arrow::util::pretty::pretty_format_batches;
use retrace::native::sched::views as native_views;
use retrace::session::views::VIEWS;
use retrace::{Capture, Params, QueryResult, Session};

use crate::support::*;

fn cpu() -> PathBuf {
    fixture().join("../cpu")
}

/// The fixture each view has rows in.
fn fixture_of(view: &str) -> PathBuf {
    match view {
        "block_io_seq" => fixture(),
        "file_rw" | "fs_op" | "page_cache_pages" | "file_name" => fixture().join("../files"),
        "scsi_cmd_latency" | "nvme_cmd_latency" => fixture().join("../storage"),
        "tcp_session" | "tcp_connect" => fixture().join("../net"),
        _ => cpu(),
    }
}

fn view_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../queries/views/{name}.sql"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `retrace sql CAP "SELECT * FROM view LIMIT 5"` works for every view, and every
/// column it returns has a `--` comment on the line that names it in the view's file.
#[test]
fn every_view_is_queryable_and_documents_its_columns() {
    for v in VIEWS {
        let cap = fixture_of(v.name);
        let out = ok(&[
            "sql",
            cap.to_str().unwrap(),
            &format!("SELECT * FROM {} LIMIT 5", v.name),
            "--csv",
        ]);
        let mut lines = out.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        assert_eq!(lines.count(), 5, "{}: {out}", v.name);
        let sql = view_file(v.name);
        assert_eq!(sql, v.sql, "{}: the binary embeds another version", v.name);
        for column in header {
            let documented = sql.lines().any(|l| {
                l.split_once("--").is_some_and(|(code, doc)| {
                    let words: Vec<&str> = code
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .filter(|w| !w.is_empty())
                        .collect();
                    words.last() == Some(&column) && doc.contains(':')
                })
            });
            assert!(
                documented,
                "{}: column {column} has no `-- type: meaning` comment",
                v.name
            );
        }
    }
}

/// Several captures: each view is the union of the view over each capture (no pairing
/// across captures), with the `capture` and `host` columns.
#[test]
fn views_over_several_captures_pair_within_each() {
    let cap = cpu();
    let c = cap.to_str().unwrap();
    let single = json_rows(&[
        "sql",
        c,
        "SELECT count(*) AS n, sum(wait_ns) AS t FROM runq_wait",
    ]);
    let many = json_rows(&[
        "sql",
        c,
        c,
        "--name",
        "a",
        "--name",
        "b",
        "SELECT capture, host, count(*) AS n, sum(wait_ns) AS t FROM runq_wait \
         GROUP BY capture, host ORDER BY capture",
    ]);
    assert_eq!(many.len(), 2);
    for (row, name) in many.iter().zip(["a", "b"]) {
        assert_eq!(text(row, "capture"), name);
        assert_eq!(num(row, "n"), num(&single[0], "n"));
        assert_eq!(num(row, "t"), num(&single[0], "t"));
    }
    assert!(num(&single[0], "n") > 100);
}

/// A capture without the irq source still has the view, empty, as its tables are.
#[test]
fn a_view_over_absent_sources_is_empty() {
    let rows = json_rows(&[
        "sql",
        fixture().to_str().unwrap(),
        "SELECT count(*) AS n FROM irq_run",
    ]);
    assert_eq!(num(&rows[0], "n"), 0);
}

fn sql_rows(capture: &Path, query: &str) -> QueryResult {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut session = Session::open(Capture::open(capture).unwrap())
            .await
            .unwrap();
        session.query(query, &Params::new()).await.unwrap()
    })
}

fn text_of(r: &QueryResult) -> String {
    pretty_format_batches(&r.batches).unwrap().to_string()
}

/// Native ≡ SQL, one view at a time: the rows the native scheduler tools pair are the
/// rows of the views their SQL reads, over the cpu fixture and over a copy whose
/// tables are in reverse time order (the native path must sort them).
#[test]
fn native_scheduler_views_equal_the_sql_views() {
    type NativeView = fn(&Capture) -> retrace::Result<QueryResult>;
    let views: &[(&str, NativeView)] = &[
        ("runq_wait", native_views::runq_wait),
        ("oncpu_run", native_views::oncpu_run),
        ("offcpu_run", native_views::offcpu_run),
    ];
    let reversed = copy_capture(&cpu());
    crate::native::reverse_table(reversed.path(), "sched_switch");
    crate::native::reverse_table(reversed.path(), "sched_wakeup");
    for cap in [cpu(), reversed.path().to_path_buf()] {
        for (name, native) in views {
            let sql = sql_rows(&cap, &format!("SELECT * FROM {name} ORDER BY ts_ns, tid"));
            let native = native(&Capture::open(&cap).unwrap()).unwrap();
            assert!(sql.num_rows() > 100, "{name}: {} rows", sql.num_rows());
            let names = |r: &QueryResult| -> Vec<String> {
                r.schema.fields().iter().map(|f| f.name().clone()).collect()
            };
            assert_eq!(names(&native), names(&sql), "{name}: columns");
            assert_eq!(text_of(&native), text_of(&sql), "{name}: rows");
        }
    }
}
