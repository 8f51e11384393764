//! Bad input gives one line on stderr, exit status 1 (2 for usage errors), never a
//! panic; odd captures (incomplete, missing sources, empty tables, temp files) are
//! handled.

use crate::support::*;

fn one_line_error(args: &[&str]) -> String {
    let (code, err) = fails(args);
    assert_eq!(code, 1, "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("retrace: "), "{err}");
    err
}

#[test]
fn not_a_capture() {
    let err = one_line_error(&["info", "/nonexistent/capture"]);
    assert!(err.contains("no such capture folder"), "{err}");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_string_lossy().into_owned();
    let err = one_line_error(&["biolatency", &dir]);
    assert!(err.contains("no manifest.json"), "{err}");
    let file = tmp.path().join("f");
    std::fs::write(&file, "x").unwrap();
    let err = one_line_error(&["info", &file.to_string_lossy()]);
    assert!(err.contains("not a folder"), "{err}");
}

#[test]
fn malformed_and_newer_manifests() {
    let cap = copy_capture(&fixture());
    let dir = cap.path().to_string_lossy().into_owned();
    std::fs::write(cap.path().join("manifest.json"), "{ not json").unwrap();
    let err = one_line_error(&["info", &dir]);
    assert!(err.contains("malformed manifest"), "{err}");

    let cap = copy_capture(&fixture());
    let dir = cap.path().to_string_lossy().into_owned();
    edit_manifest(cap.path(), |m| m["format_version"] = 999.into());
    let err = one_line_error(&["execsnoop", &dir]);
    assert!(err.contains("newer"), "{err}");
}

#[test]
fn missing_source_names_what_to_record() {
    let cap = copy_capture(&fixture());
    let dir = cap.path().to_string_lossy().into_owned();
    edit_manifest(cap.path(), |m| {
        let sources = m["sources"].as_array_mut().unwrap();
        sources.retain(|s| s["name"] != "proc");
    });
    let err = one_line_error(&["execsnoop", &dir]);
    assert!(err.contains("--sources proc"), "{err}");
    // The disk tools still work, and `tools` says which can answer.
    ok(&["biolatency", &dir]);
    let tools = ok(&["tools", &dir]);
    let line = tools.lines().find(|l| l.starts_with("execsnoop")).unwrap();
    assert!(line.contains(" no "), "{tools}");
    assert!(tools
        .lines()
        .find(|l| l.starts_with("biolatency"))
        .unwrap()
        .contains(" yes "));
    assert!(tools.contains("--sources proc"));

    let cap = copy_capture(&fixture());
    let dir = cap.path().to_string_lossy().into_owned();
    edit_manifest(cap.path(), |m| {
        m["sources"][0]["status"] =
            serde_json::json!({"state": "unavailable", "reason": "no BTF for block_rq_issue"});
    });
    let err = one_line_error(&["biosnoop", &dir]);
    assert!(
        err.contains("could not run") && err.contains("no BTF"),
        "{err}"
    );
}

#[test]
fn bad_options() {
    let fx = fixture().to_string_lossy().into_owned();
    let err = one_line_error(&["biolatency", &fx, "--since", "yesterday"]);
    assert!(err.contains("--since yesterday"), "{err}");
    one_line_error(&["biolatency", &fx, "--interval", "0"]);
    one_line_error(&["sql", &fx, "SELEKT 1"]);
    one_line_error(&["sql", &fx, "SELECT * FROM nosuch"]);
    one_line_error(&["sql", &fx, "SELECT 1", "--param", "novalue"]);
    // Usage errors are clap's: exit status 2.
    let (code, _) = fails(&["biolatency"]);
    assert_eq!(code, 2);
    let (code, _) = fails(&["biolatency", &fx, "--no-such-option"]);
    assert_eq!(code, 2);
    let (code, _) = fails(&["biolatency", &fx, "--json", "--csv"]);
    assert_eq!(code, 2);
}

#[test]
fn record_without_recorder_is_a_clear_error() {
    // The test binary folder has no retrace-record unless it was built; PATH is empty.
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_retrace"));
    if exe.with_file_name("retrace-record").exists() {
        return;
    }
    let o = std::process::Command::new(exe)
        .args(["record", "--duration", "1s"])
        .env("PATH", "")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("retrace-record is not installed"), "{err}");
}

#[test]
fn incomplete_capture_warns_but_works() {
    let cap = copy_capture(&fixture());
    let dir = cap.path().to_string_lossy().into_owned();
    edit_manifest(cap.path(), |m| {
        m["complete"] = false.into();
        m["clock_end"] = serde_json::Value::Null;
    });
    let o = retrace(&["biolatency", &dir, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("is incomplete"), "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let total: i64 = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_i64().unwrap())
        .sum();
    assert_eq!(
        total as usize,
        block_io(&fixture()).len(),
        "span ends at the last event"
    );
    assert!(ok(&["info", &dir]).contains("INCOMPLETE"));
}

#[test]
fn temp_segments_are_ignored_and_empty_tables_answer() {
    let cap = copy_capture(&fixture());
    let dir = cap.path().to_string_lossy().into_owned();
    std::fs::write(
        cap.path().join("block_io/.000003.parquet.tmp"),
        b"partial garbage",
    )
    .unwrap();
    let rows = json_rows(&["biosnoop", &dir]);
    assert_eq!(rows.len(), block_io(&fixture()).len());

    for f in std::fs::read_dir(cap.path().join("process_exec")).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    assert!(json_rows(&["execsnoop", &dir]).is_empty());
    let text = ok(&["execsnoop", &dir]);
    assert_eq!(text, "PCOMM            PID    PPID   RET ARGS\n");
    std::fs::remove_dir(cap.path().join("process_exec")).unwrap();
    assert!(json_rows(&["execsnoop", &dir]).is_empty());
}

#[test]
fn closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let fx = fixture().to_string_lossy().into_owned();
    let mut child = Command::new(env!("CARGO_BIN_EXE_retrace"))
        .args(["biosnoop", &fx])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

/// Usage errors are one line built from clap's error context: what is wrong, clap's
/// tips, and which `--help` to read; exit status 2.
#[test]
fn usage_errors_are_one_line_with_their_tips() {
    let fx = fixture().to_string_lossy().into_owned();
    let cases: &[(&[&str], &str)] = &[
        (
            &["biolatency"],
            "retrace: the following required arguments were not provided: <CAPTURE>; see `retrace biolatency --help`",
        ),
        (
            &["biolatency", &fx, "--json", "--csv"],
            "retrace: the argument '--json' cannot be used with '--csv'; see `retrace biolatency --help`",
        ),
        (
            &["biolatency", &fx, "--interva", "5"],
            "retrace: unexpected argument '--interva' found (did you mean '--interval'?); see `retrace biolatency --help`",
        ),
        (
            &["biotop", &fx, "-r", "many"],
            "retrace: invalid value 'many' for '--rows <ROWS>': invalid digit found in string; see `retrace biotop --help`",
        ),
        (
            &["flamegraph", &fx, "--tool", "perf"],
            "retrace: invalid value 'perf' for '--tool <TOOL>' (possible values: profile, offcputime) (did you mean 'profile'?); see `retrace flamegraph --help`",
        ),
        (
            &["biotopp", &fx],
            "retrace: unknown tool or command 'biotopp' (did you mean 'filetop', 'biosnoop' or 'biotop'?); see `retrace tools` or `retrace --help`",
        ),
        (
            &["--strict", "exitsnoop", &fx, "-p", "-3"],
            "retrace: unexpected argument '-3' found (to pass '-3' as a value, use '-- -3'); see `retrace exitsnoop --help`",
        ),
    ];
    for (args, want) in cases {
        let (code, err) = fails(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err.trim_end(), *want, "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}
