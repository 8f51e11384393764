//! How a recording starts and ends: SIGINT mid-capture, segment rotation, the
//! launched command's exit status, and one-line errors for bad invocations.

use std::process::Command;
use std::time::Duration;

use super::common::*;

fn tables_match_manifest(cap: &std::path::Path) {
    let m = manifest(cap);
    for (table, stats) in m["tables"].as_object().unwrap() {
        let n = sql_count(cap, &format!("SELECT count(*) AS n FROM {table}"));
        assert_eq!(Some(n), stats["rows"].as_u64(), "rows of {table}");
    }
    let leftovers: Vec<_> = walk(cap)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn sigint_mid_capture_yields_a_complete_analyzable_capture() {
    if !bpf_or_skip("sigint_mid_capture_yields_a_complete_analyzable_capture") {
        return;
    }
    let dir = scratch("sigint");
    let cap = dir.path().join("cap");
    let child = Command::new(bin("retrace-record"))
        .args(["--quiet", "-d", "5m", "--workload", "disk", "-o"])
        .arg(&cap)
        .env("TMPDIR", dir.path())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    // SAFETY: plain kill(2) of our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "exit status after SIGINT: {:?}",
        out.status
    );
    let m = manifest(&cap);
    assert_eq!(m["complete"], true);
    assert_eq!(m["ended_by"], "signal SIGINT");
    let rows = m["tables"]["block_io"]["rows"].as_u64().unwrap();
    assert!(rows > 0, "the workload's I/O was recorded");
    let c = cap.to_str().unwrap();
    let info = retrace(&["info", c]);
    assert!(info.contains("complete"), "info: {info}");
    let hist = retrace_json(&["biolatency", c]);
    assert_eq!(hist.iter().map(|r| u64_of(r, "count")).sum::<u64>(), rows);
    tables_match_manifest(&cap);
}

#[test]
fn segments_rotate_and_every_row_is_readable() {
    if !bpf_or_skip("segments_rotate_and_every_row_is_readable") {
        return;
    }
    let dir = scratch("segments");
    let cap = dir.path().join("cap");
    let out = Command::new(bin("retrace-record"))
        .args([
            "--quiet",
            "-d",
            "3500ms",
            "--segment",
            "1s",
            "--workload",
            "disk",
            "-o",
        ])
        .arg(&cap)
        .env("TMPDIR", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = manifest(&cap);
    let segs = m["tables"]["block_io"]["segments"].as_u64().unwrap();
    assert!(segs >= 3, "block_io segments: {segs}");
    let files = std::fs::read_dir(cap.join("block_io")).unwrap().count() as u64;
    assert_eq!(files, segs, "one file per segment");
    tables_match_manifest(&cap);
}

#[test]
fn launched_command_status_is_passed_on() {
    if !bpf_or_skip("launched_command_status_is_passed_on") {
        return;
    }
    let dir = scratch("status");
    let cap = dir.path().join("cap");
    record(
        &[
            "-s",
            "proc",
            "-o",
            cap.to_str().unwrap(),
            "--",
            "/bin/sh",
            "-c",
            "exit 5",
        ],
        5,
    );
    let m = manifest(&cap);
    assert_eq!(m["command"]["exit_status"], 5);
    assert_eq!(m["ended_by"], "command exited");
    assert_eq!(m["complete"], true);
}

fn one_line_error(out: &std::process::Output) -> String {
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(err.lines().count(), 1, "one-line error, got:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn bad_invocations_fail_with_one_line_errors() {
    let dir = scratch("errors");
    let cap = dir.path().join("cap");
    let rec = bin("retrace-record");
    let out = Command::new(&rec)
        .args(["-s", "bogus", "-o"])
        .arg(&cap)
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(err.contains("unknown source \"bogus\""), "{err}");

    std::fs::create_dir_all(cap.join("x")).unwrap();
    if unsafe { libc::geteuid() } == 0 {
        let out = Command::new(&rec)
            .args(["-d", "1s", "-o"])
            .arg(&cap)
            .output()
            .unwrap();
        let err = one_line_error(&out);
        assert!(err.contains("not empty"), "{err}");
        // Not root: drop to nobody.
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&rec)
            .args(["-d", "1s", "-o", "/var/tmp/retrace-never-created"])
            .output()
            .unwrap();
        let err = one_line_error(&out);
        assert!(err.contains("must run as root"), "{err}");
    }
}
