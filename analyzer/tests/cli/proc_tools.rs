//! execsnoop and exitsnoop on the fixture, checked against the raw process rows.

use crate::support::*;

fn fx() -> String {
    fixture().to_string_lossy().into_owned()
}

#[test]
fn execsnoop_lists_successful_execs_with_arguments() {
    let mut execs = process_exec(&fixture());
    execs.sort_by_key(|e| (e.ts, e.pid));
    let ok_execs: Vec<_> = execs.iter().filter(|e| e.ret == 0).collect();
    let rows = json_rows(&["execsnoop", &fx()]);
    assert_eq!(rows.len(), ok_execs.len());
    for (r, e) in rows.iter().zip(&ok_execs) {
        assert_eq!(num(r, "pid") as u32, e.pid);
        assert_eq!(num(r, "ppid") as u32, e.ppid);
        assert_eq!(num(r, "uid") as u32, e.uid);
        assert_eq!(text(r, "comm"), e.comm);
        assert_eq!(text(r, "args"), e.args.join(" "));
        assert_eq!(r["args_truncated"].as_bool(), Some(e.truncated));
        assert_eq!(num(r, "ret"), 0);
    }
}

#[test]
fn execsnoop_options_filter_like_the_live_tool() {
    let execs = process_exec(&fixture());
    let failed = execs.iter().filter(|e| e.ret != 0).count();
    assert!(failed > 0);
    assert_eq!(json_rows(&["execsnoop", &fx(), "-x"]).len(), execs.len());
    let rows = json_rows(&["execsnoop", &fx(), "-n", "cc"]);
    assert_eq!(
        rows.len(),
        execs
            .iter()
            .filter(|e| e.ret == 0 && e.comm.contains("cc"))
            .count()
    );
    let rows = json_rows(&["execsnoop", &fx(), "-u", "0"]);
    assert_eq!(
        rows.len(),
        execs.iter().filter(|e| e.ret == 0 && e.uid == 0).count()
    );
    assert_eq!(rows.len(), 1);
    let rows = json_rows(&["execsnoop", &fx(), "-x", "-l", "nosuch"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(num(&rows[0], "ret"), -2);
}

#[test]
fn execsnoop_text_marks_truncated_arguments_and_failures() {
    let out = ok(&["execsnoop", &fx(), "-x", "-t", "-U"]);
    let header = out.lines().next().unwrap();
    assert_eq!(
        header,
        "TIME(s)  UID    PCOMM            PID    PPID   RET ARGS"
    );
    assert!(out.lines().any(|l| l.contains(" arg31 ...")), "{out}");
    assert!(
        out.lines().any(|l| l.contains(" -2 nosuchcmd --flag")),
        "{out}"
    );
    // proc lost nothing: no warning.
    assert!(!out.contains("WARNING"));
}

#[test]
fn exitsnoop_shows_processes_codes_and_signals() {
    let mut exits = process_exit(&fixture());
    exits.sort_by_key(|e| (e.ts, e.pid, e.tid));
    let procs: Vec<_> = exits.iter().filter(|e| e.pid == e.tid).collect();
    let rows = json_rows(&["exitsnoop", &fx()]);
    assert_eq!(rows.len(), procs.len());
    for (r, e) in rows.iter().zip(&procs) {
        assert_eq!(num(r, "pid") as u32, e.pid);
        assert_eq!(num(r, "ppid") as u32, e.ppid);
        assert_eq!(text(r, "comm"), e.comm);
        assert_eq!(num(r, "exit_code"), e.code as i64);
        assert_eq!(num(r, "signal"), e.signal as i64);
        let age = r["age_s"].as_f64().unwrap();
        assert!((age - (e.ts - e.start) as f64 / 1e9).abs() < 1e-9);
    }
    assert_eq!(json_rows(&["exitsnoop", &fx(), "-T"]).len(), exits.len());
    let failed = json_rows(&["exitsnoop", &fx(), "-x"]);
    assert_eq!(
        failed.len(),
        procs
            .iter()
            .filter(|e| e.code != 0 || e.signal != 0)
            .count()
    );
    let out = ok(&["exitsnoop", &fx(), "-x", "-T"]);
    assert!(
        out.contains("signal 11 (Segmentation fault), core dumped"),
        "{out}"
    );
    assert!(out.contains("signal 9 (Killed)"));
    assert!(out.contains("code 127"));
    assert!(
        out.lines()
            .any(|l| l.starts_with("make") && l.contains("4501") && l.ends_with("code 3")),
        "{out}"
    );
}
